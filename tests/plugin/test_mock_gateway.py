"""`citcall_mock` is the sandbox's application in-process: its rules, state and scenarios."""

from __future__ import annotations

import httpx
import pytest

from citcall_contract import AsyncCitcall, Citcall, spec
from citcall_contract.codes import rc_named
from citcall_contract.errors import (
    CitcallAuthError,
    CitcallBalanceError,
    CitcallInvalidRequestError,
    CitcallVerificationError,
)
from citcall_contract.rules import missed_call_otp

pytest_plugins = ["pytester"]

BASE = spec.default_base_url()
AUTH = {"Authorization": "Apikey any-key"}
SMS = {"msisdn": "6281234567890", "senderid": "citcall", "text": "Your parcel has shipped."}


def _post(path: str, body: object, headers: dict[str, str] | None = None) -> dict[str, object]:
    with httpx.Client() as client:
        answer: dict[str, object] = client.post(
            BASE + path, json=body, headers=AUTH if headers is None else headers
        ).json()
    return answer


def test_otp_like_sms_text_is_refused_as_the_sandbox_refuses_it(citcall_mock):
    answer = _post("/sms", {**SMS, "text": "Kode OTP anda 123456"})
    assert answer["rc"] == rc_named("INVALID_SMS_CONTENT")
    assert citcall_mock.processed("sms") == []
    assert citcall_mock.violations == []  # schema-valid: the gateway's rule refuses it, not a bug


def test_miscall_then_verify_with_the_right_and_a_wrong_code(citcall_mock):
    with Citcall("whatever-key") as client:
        call = client.miscall("081234567890")
        code = missed_call_otp(call.token)
        assert code is not None
        wrong = "0000" if code != "0000" else "1111"
        with pytest.raises(CitcallVerificationError) as refused:
            client.verify(call.trxid, "6281234567890", wrong)
        assert refused.value.rc == rc_named("INVALID_TOKEN")
        verified = client.verify(call.trxid, "6281234567890", code)
        assert verified.trxid == call.trxid
        with pytest.raises(CitcallVerificationError):  # an OTP verifies once
            client.verify(call.trxid, "6281234567890", code)


async def test_async_clients_share_the_same_state(citcall_mock):
    async with AsyncCitcall("whatever-key") as client:
        call = await client.miscall("081234567890")
        await client.verify(call.trxid, "6281234567890", missed_call_otp(call.token) or "")
    assert [p["operation"] for p in citcall_mock.processed()] == ["asyncMiscall", "verifyOtp"]


async def test_a_sync_client_inside_a_running_event_loop_is_answered(citcall_mock):
    with Citcall("whatever-key") as client:
        assert client.sms("081234567890", "Hello", senderid="citcall").sms_count == 1


@pytest.mark.citcall_sandbox(balance=500)
def test_the_marker_sets_the_balance_and_billing_follows_the_sandbox(citcall_mock):
    with Citcall("k") as client:
        client.sms("081234567890", "Hello", senderid="citcall")  # 450 of 500
        with pytest.raises(CitcallBalanceError):
            client.sms("081234567890", "Hello", senderid="citcall")
    assert citcall_mock.state.balance.remaining == 50
    assert len(citcall_mock.sends("+6281234567890")) == 1


def test_any_well_formed_key_is_accepted_and_a_malformed_header_is_not(citcall_mock):
    assert _post("/sms", SMS, {"Authorization": "Apikey first"})["rc"] == 0
    assert _post("/sms", SMS, {"Authorization": "Basic " + _b64("me:second")})["rc"] == 0
    citcall_mock.strict = False
    malformed = _post("/sms", SMS, {"Authorization": "Apikey two words"})
    assert malformed["rc"] == rc_named("AUTHORIZATION_FAILED")
    assert _post("/sms", SMS, {})["rc"] == rc_named("AUTHORIZATION_FAILED")


def _b64(text: str) -> str:
    import base64

    return base64.b64encode(text.encode()).decode()


@pytest.mark.citcall_sandbox(api_key="the-key", userid="me")
def test_a_configured_key_and_user_id_are_enforced(citcall_mock):
    with Citcall("the-key") as client:
        assert client.sms("081234567890", "Hi", senderid="citcall").sms_count == 1
    with Citcall("wrong-key") as client, pytest.raises(CitcallAuthError) as refused:
        client.sms("081234567890", "Hi", senderid="citcall")
    assert refused.value.rc == rc_named("APIKEY_NOT_FOUND")
    with Citcall("the-key", userid="other") as client, pytest.raises(CitcallAuthError) as basic:
        client.sms("081234567890", "Hi", senderid="citcall")
    assert basic.value.rc == rc_named("USERID_NOT_FOUND")


def test_forced_rc_numbers_work_as_in_the_sandbox(citcall_mock):
    assert _post("/sms", {**SMS, "msisdn": "6281000000014"})["rc"] == 14
    assert _post("/asynccall", {"msisdn": "6281000000096", "gateway": 0})["rc"] == 96
    assert citcall_mock.processed() == []


def test_respond_overrides_the_sandbox_for_one_operation_until_set_back(citcall_mock):
    canned = spec.operation("sendSms").response_examples()["success"]
    citcall_mock.respond("sms")
    assert _post("/sms", SMS) == canned
    assert _post("/smsotp", {**SMS, "text": "Your code is 1234"})["trxid"] != canned["trxid"]
    citcall_mock.respond("sms", None)
    assert _post("/sms", SMS)["trxid"] != canned["trxid"]


def test_routes_a_test_adds_win_over_the_built_in_gateway(citcall_mock):
    route = citcall_mock.router.post(BASE + "/sms").respond(json={"rc": 0, "info": "mine"})
    assert _post("/sms", SMS) == {"rc": 0, "info": "mine"}
    assert route.call_count == 1
    assert _post("/smsotp", {**SMS, "text": "Your code is 1234"})["rc"] == 0  # still the sandbox


def test_non_strict_mode_answers_bad_requests_with_the_gateways_rc(citcall_mock):
    citcall_mock.strict = False
    assert _post("/sms", {**SMS, "msisdn": "0812"})["rc"] == rc_named("INVALID_MSISDN")
    assert _post("/asynccall", {"msisdn": "6281234567890"})["rc"] == rc_named("MISSING_PARAMETER")
    assert len(citcall_mock.violations) == 2  # listed, and the test does not fail for them


def test_the_facade_refuses_what_the_sandbox_would_before_sending(citcall_mock):
    with Citcall("k") as client, pytest.raises(CitcallInvalidRequestError):
        client.sms("081234567890", "Kode OTP anda 123456", senderid="citcall")
    assert len(citcall_mock.calls("sms")) == 1  # sent, and refused by the gateway's rule


def test_an_unknown_path_on_a_gateway_host_gets_the_sandboxs_404(citcall_mock):
    response = httpx.post(BASE + "/nowhere", json={}, headers=AUTH)
    assert response.status_code == 404
    assert "no operation" in response.json()["info"]


def test_reset_forgets_state_records_and_canned_answers(citcall_mock):
    with Citcall("k") as client:
        call = client.miscall("081234567890")
    citcall_mock.respond("sms", "insufficient_amount")
    citcall_mock.reset()
    assert citcall_mock.processed() == []
    assert citcall_mock.calls("asynccall") == []
    assert citcall_mock.state.otps.get(call.trxid) is None
    assert _post("/sms", SMS)["rc"] == 0


@pytest.mark.parametrize(
    "url", ["https://pub.citcall.com//v3/motp", "https://pub.citcall.com/v3//motp/"]
)
def test_repeated_and_trailing_slashes_reach_the_operation(citcall_mock, url):
    # The official PHP SDK builds `//v3/motp`; the servers in front of the gateway merge slashes.
    answer = httpx.post(url, json={"msisdn": "6281234567890", "gateway": 0}, headers=AUTH).json()
    assert answer["rc"] == 0
    assert len(citcall_mock.calls("motp")) == 1
    assert len(citcall_mock.processed("motp")) == 1


@pytest.mark.parametrize(
    "bases",
    [["https://citcall.test/"], ["https://citcall.test"], ["https://citcall.test/api//v3/"]],
)
def test_custom_base_urls_with_odd_slashes(pytester, bases):
    pytester.makepyfile(
        f"""
import httpx, pytest

@pytest.fixture
def citcall_base_urls():
    return {bases!r}

def test_it(citcall_mock):
    url = {bases[0]!r}.rstrip("/") + "/sms"
    body = {{"msisdn": "6281234567890", "senderid": "citcall", "text": "Hi"}}
    assert httpx.post(url, json=body, headers={{"Authorization": "Apikey k"}}).json()["rc"] == 0
"""
    )
    pytester.runpytest_inprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)
