"""Every facade method: what goes on the wire, auth, and the typed result."""

from __future__ import annotations

import base64
import inspect

import httpx
import pytest
import respx

from citcall_contract import AsyncCitcall, Citcall, spec
from citcall_contract.client.facade import DEFAULT_BASE_URL

from .client_support import (
    API_KEY,
    CALLS,
    NO_WAIT,
    SEED_MSISDN,
    TRXID,
    assert_valid_request,
    path_of,
    success_example,
)


@pytest.mark.parametrize("operation_id", sorted(CALLS))
def test_method_posts_a_valid_body_to_the_spec_path(gateway, client, operation_id):
    example = success_example(operation_id)
    route = gateway.post(path_of(operation_id)).respond(json=example)

    result = CALLS[operation_id](client)

    assert route.call_count == 1
    assert_valid_request(operation_id, route.calls.last.request)
    assert result.trxid == example["trxid"]
    assert result.msisdn == example["msisdn"]


def test_miscall_sends_the_seed_body_and_returns_the_calling_number(gateway, client):
    route = gateway.post("/asynccall").respond(json=success_example("asyncMiscall"))

    result = client.miscall("081234567890")

    assert assert_valid_request("asyncMiscall", route.calls.last.request) == {
        "msisdn": SEED_MSISDN,
        "gateway": 0,
    }
    assert result.token == "622130401234"
    assert result.gateway == 0


def test_miscall_with_verification_and_callback(gateway, client):
    route = gateway.post("/asynccall").respond(json=success_example("asyncMiscall"))

    client.miscall(
        SEED_MSISDN,
        gateway=3,
        callback_url="https://example.com/cb",
        valid_time=300,
        limit_try=5,
    )

    assert assert_valid_request("asyncMiscall", route.calls.last.request) == {
        "msisdn": SEED_MSISDN,
        "gateway": 3,
        "callback_url": "https://example.com/cb",
        "valid_time": 300,
        "limit_try": 5,
    }


def test_sms_sends_the_seed_body_and_reads_price_and_count(gateway, client):
    route = gateway.post("/sms").respond(json=success_example("sendSms"))

    result = client.sms(SEED_MSISDN, "Hello World!", senderid="citcall")

    body = assert_valid_request("sendSms", route.calls.last.request)
    assert body == {"msisdn": SEED_MSISDN, "senderid": "citcall", "text": "Hello World!"}
    assert (result.price, result.sms_count, result.currency) == ("450", 1, "IDR")


def test_sms_accepts_an_integer_price(gateway, client):
    example = spec.operation("sendSms").response_examples()["success_integer_price"]
    gateway.post("/sms").respond(json=example)

    result = client.sms(SEED_MSISDN, "Hello World!", senderid="citcall")

    assert result.price == 450
    assert isinstance(result.price, int)


def test_sms_otp_sends_token_and_verification_fields(gateway, client):
    route = gateway.post("/smsotp").respond(json=success_example("sendSmsOtp"))

    client.sms_otp(
        "+62 812 3456 7890",
        "Your code is 4821",
        senderid="citcall",
        token="4821",
        valid_time=300,
        limit_try=3,
        callback_url="http://127.0.0.1:8000/cb",
    )

    assert assert_valid_request("sendSmsOtp", route.calls.last.request) == {
        "msisdn": SEED_MSISDN,
        "senderid": "citcall",
        "text": "Your code is 4821",
        "token": "4821",
        "valid_time": 300,
        "limit_try": 3,
        "callback_url": "http://127.0.0.1:8000/cb",
    }


def test_verify_accepts_rc_as_the_string_00(gateway, client):
    example = success_example("verifyOtp")
    assert example["rc"] == "00"
    route = gateway.post("/verify").respond(json=example)

    result = client.verify(TRXID, "0812-3456-7890", "12345")

    body = assert_valid_request("verifyOtp", route.calls.last.request)
    assert body == {"msisdn": SEED_MSISDN, "trxid": TRXID, "token": "12345"}
    assert result.trxid_verify == example["trxid_verify"]
    assert result.info == "valid"


def test_miscall_accepts_rc_as_the_string_00(gateway, client):
    example = spec.operation("asyncMiscall").response_examples()["success_string_rc"]
    gateway.post("/asynccall").respond(json=example)

    assert client.miscall(SEED_MSISDN).trxid == example["trxid"]


@pytest.mark.parametrize(
    "typed",
    ["081234567890", "+6281234567890", "0812-3456-7890", "6281234567890", "0062 812 3456 7890"],
)
def test_msisdn_forms_become_the_seed_form(gateway, client, typed):
    route = gateway.post("/sms").respond(json=success_example("sendSms"))

    client.sms(typed, "Hello World!", senderid="citcall")

    assert assert_valid_request("sendSms", route.calls.last.request)["msisdn"] == SEED_MSISDN


def test_apikey_auth_header(gateway, client):
    route = gateway.post("/sms").respond(json=success_example("sendSms"))

    client.sms(SEED_MSISDN, "Hello World!", senderid="citcall")

    assert route.calls.last.request.headers["authorization"] == f"Apikey {API_KEY}"


def test_basic_auth_header_matches_the_seed_example(gateway):
    route = gateway.post("/sms").respond(json=success_example("sendSms"))

    with Citcall("citcall", userid="citcall") as client:
        client.sms(SEED_MSISDN, "Hello World!", senderid="citcall")

    # The seed: userid "citcall", password "citcall" -> "Basic Y2l0Y2FsbDpjaXRjYWxs".
    assert route.calls.last.request.headers["authorization"] == "Basic Y2l0Y2FsbDpjaXRjYWxs"


def test_basic_auth_encodes_userid_and_key(gateway):
    route = gateway.post("/verify").respond(json=success_example("verifyOtp"))

    with Citcall(API_KEY, userid="acme") as client:
        client.verify(TRXID, SEED_MSISDN, "1234")

    scheme, value = route.calls.last.request.headers["authorization"].split(" ")
    assert scheme == "Basic"
    assert base64.b64decode(value).decode() == f"acme:{API_KEY}"


def test_default_base_url_is_the_spec_first_https_server(gateway, client):
    # Issue 11.2: the default never sends the key unencrypted (the spec's servers[0] is http).
    first_https = next(url for url in spec.servers() if url.startswith("https://"))
    route = gateway.post("/sms").respond(json=success_example("sendSms"))
    client.sms(SEED_MSISDN, "Hello World!", senderid="citcall")

    assert inspect.signature(Citcall).parameters["base_url"].default == first_https
    assert inspect.signature(AsyncCitcall).parameters["base_url"].default == first_https
    assert str(route.calls.last.request.url) == first_https + "/sms"


def test_custom_base_url_and_transport_are_used():
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=success_example("sendSms"))

    with Citcall(
        API_KEY, base_url="http://127.0.0.1:9/v3", transport=httpx.MockTransport(handler)
    ) as c:
        c.sms(SEED_MSISDN, "Hello World!", senderid="citcall")

    assert [str(r.url) for r in seen] == ["http://127.0.0.1:9/v3/sms"]


class _ClosingTransport(httpx.MockTransport):
    closed = False

    def close(self) -> None:
        self.closed = True


class _AsyncClosingTransport(httpx.MockTransport):
    closed = False

    async def aclose(self) -> None:
        self.closed = True


def _ok(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json=success_example("sendSms"))


def test_context_manager_closes_the_transport():
    transport = _ClosingTransport(_ok)
    with Citcall(API_KEY, transport=transport) as client:
        client.sms(SEED_MSISDN, "Hello World!", senderid="citcall")
        assert not transport.closed
    assert transport.closed


async def test_async_context_manager_closes_the_transport():
    transport = _AsyncClosingTransport(_ok)
    async with AsyncCitcall(API_KEY, transport=transport) as client:
        await client.sms(SEED_MSISDN, "Hello World!", senderid="citcall")
        assert not transport.closed
    assert transport.closed


ASYNC_CALLS = {
    "asyncMiscall": lambda c: c.miscall("081234567890", gateway=1, valid_time=60),
    "motp": lambda c: c.motp("081234567890", gateway=1, valid_time=60),
    "sendSms": lambda c: c.sms("+6281234567890", "Hello World!", senderid="citcall"),
    "sendSmsOtp": lambda c: c.sms_otp(SEED_MSISDN, "code 4821", senderid="citcall", token="4821"),
    "verifyOtp": lambda c: c.verify(TRXID, SEED_MSISDN, "4821"),
}


@pytest.mark.parametrize("operation_id", sorted(ASYNC_CALLS))
async def test_async_methods_match_the_sync_ones(operation_id):
    example = success_example(operation_id)
    with respx.mock(base_url=DEFAULT_BASE_URL) as router:
        route = router.post(path_of(operation_id)).respond(json=example)
        async with AsyncCitcall(API_KEY, userid="acme", retry=NO_WAIT) as client:
            result = await ASYNC_CALLS[operation_id](client)

    request = route.calls.last.request
    assert assert_valid_request(operation_id, request)["msisdn"] == SEED_MSISDN
    assert request.headers["authorization"].startswith("Basic ")
    assert result.trxid == example["trxid"]
