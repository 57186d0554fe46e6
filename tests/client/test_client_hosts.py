"""Where the facade sends: https by default, failover only before sending, from_env.

Issue 11.2: a sequence of base URLs moves to the next host only when nothing can have
been sent (connect errors, connect time-outs), never after the request may have left.
"""

from __future__ import annotations

import json
import socket
from typing import Any

import httpx
import pytest
import respx

from citcall_contract import (
    AsyncCitcall,
    Citcall,
    CitcallConnectionError,
    CitcallInputError,
    CitcallOutcomeUnknownError,
    RetryPolicy,
    spec,
)
from citcall_contract.client.addresses import ENV_API_KEY, ENV_BASE_URL

from .client_support import API_KEY, NO_WAIT, SEED_MSISDN, success_example
from .hostile_servers import HostileServer, closed_port, hostile_server

PRIMARY = "https://primary.test/v3"
BACKUP = "https://backup.test/v3"


def _ok(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json=success_example("asyncMiscall"))


def _raise(error: type[Exception]):
    def side_effect(request: httpx.Request) -> httpx.Response:
        raise error("boom")

    return side_effect


@pytest.mark.parametrize("fault", [httpx.ConnectError, httpx.ConnectTimeout])
def test_a_connect_failure_moves_to_the_next_host(fault):
    with respx.mock(assert_all_called=False) as router:
        primary = router.post(f"{PRIMARY}/asynccall").mock(side_effect=_raise(fault))
        backup = router.post(f"{BACKUP}/asynccall").mock(side_effect=_ok)
        with Citcall(API_KEY, base_url=[PRIMARY, BACKUP], retry=None) as client:
            result = client.miscall(SEED_MSISDN)

    assert result.trxid == success_example("asyncMiscall")["trxid"]
    assert (primary.call_count, backup.call_count) == (1, 1)


MAY_HAVE_LEFT: dict[str, Any] = {
    "read timeout": _raise(httpx.ReadTimeout),
    "write timeout": _raise(httpx.WriteTimeout),
    "connection dropped": _raise(httpx.RemoteProtocolError),
    "read error": _raise(httpx.ReadError),
    "502 page": lambda request: httpx.Response(502, html="<h1>502 Bad Gateway</h1>"),
    "503 rc 34": lambda request: httpx.Response(503, json={"rc": 34}),
    "truncated": lambda request: httpx.Response(200, content=b'{"rc":0,"trx'),
}


@pytest.mark.parametrize("fault", sorted(MAY_HAVE_LEFT))
def test_no_failover_once_the_request_may_have_left(fault):
    with respx.mock(assert_all_called=False) as router:
        primary = router.post(f"{PRIMARY}/asynccall").mock(side_effect=MAY_HAVE_LEFT[fault])
        backup = router.post(f"{BACKUP}/asynccall").mock(side_effect=_ok)
        with (
            Citcall(API_KEY, base_url=[PRIMARY, BACKUP], retry=NO_WAIT) as client,
            pytest.raises(CitcallOutcomeUnknownError) as caught,
        ):
            client.miscall(SEED_MSISDN)

    assert (primary.call_count, backup.call_count) == (1, 0)
    assert caught.value.host == PRIMARY
    assert PRIMARY in str(caught.value)


def test_an_unavailable_rc_retries_from_the_primary():
    with respx.mock(assert_all_called=False) as router:
        primary = router.post(f"{PRIMARY}/asynccall").mock(
            side_effect=[httpx.Response(200, json={"rc": 34}), _ok(None)]  # type: ignore[arg-type]
        )
        backup = router.post(f"{BACKUP}/asynccall").mock(side_effect=_ok)
        with Citcall(API_KEY, base_url=[PRIMARY, BACKUP], retry=NO_WAIT) as client:
            client.miscall(SEED_MSISDN)

    assert (primary.call_count, backup.call_count) == (2, 0)


def test_when_no_host_connects_the_error_lists_every_host_tried():
    with respx.mock(assert_all_called=False) as router:
        primary = router.post(f"{PRIMARY}/asynccall").mock(side_effect=_raise(httpx.ConnectError))
        backup = router.post(f"{BACKUP}/asynccall").mock(side_effect=_raise(httpx.ConnectTimeout))
        policy = RetryPolicy(attempts=2, sleep=lambda seconds: None)
        with (
            Citcall(API_KEY, base_url=[PRIMARY, BACKUP], retry=policy) as client,
            pytest.raises(CitcallConnectionError) as caught,
        ):
            client.miscall(SEED_MSISDN)

    assert (primary.call_count, backup.call_count) == (2, 2)  # each round starts at the primary
    assert caught.value.hosts == (PRIMARY, BACKUP)
    assert caught.value.attempts == 2
    assert f"tried {PRIMARY}, {BACKUP}" in str(caught.value)


async def test_async_failover_matches_the_sync_one():
    with respx.mock(assert_all_called=False) as router:
        router.post(f"{PRIMARY}/motp").mock(side_effect=_raise(httpx.ConnectError))
        backup = router.post(f"{BACKUP}/motp").mock(side_effect=_ok)
        dropped = router.post(f"{PRIMARY}/sms").mock(side_effect=_raise(httpx.ReadTimeout))
        spare = router.post(f"{BACKUP}/sms").mock(side_effect=_ok)
        async with AsyncCitcall(API_KEY, base_url=(PRIMARY, BACKUP), retry=None) as client:
            assert (await client.motp(SEED_MSISDN)).token
            with pytest.raises(CitcallOutcomeUnknownError):
                await client.sms(SEED_MSISDN, "Hello World!", senderid="citcall")

    assert backup.call_count == 1
    assert (dropped.call_count, spare.call_count) == (1, 0)


def _answer_ok(conn: socket.socket, server: HostileServer) -> None:
    body = json.dumps(success_example("asyncMiscall")).encode()
    head = f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n"
    server.send(conn, head.encode() + b"Connection: close\r\n\r\n" + body)


def test_failover_from_a_closed_port_over_loopback():
    refused = closed_port()
    with hostile_server(_answer_ok) as server:
        with Citcall(API_KEY, base_url=[refused, server.base_url], retry=None) as client:
            result = client.miscall(SEED_MSISDN)
        assert server.requests == 1
    assert result.token == success_example("asyncMiscall")["token"]


# The default host and plain http.


def test_plain_http_to_a_remote_host_must_be_asked_for_by_name():
    http_server = next(url for url in spec.servers() if url.startswith("http://"))
    with pytest.raises(CitcallInputError) as caught:
        Citcall(API_KEY, base_url=http_server)
    assert caught.value.field == "base_url"
    assert "allow_insecure_http" in str(caught.value)

    with respx.mock(assert_all_called=False) as router:
        route = router.post(f"{http_server}/asynccall").mock(side_effect=_ok)
        with Citcall(API_KEY, base_url=http_server, allow_insecure_http=True) as client:
            client.miscall(SEED_MSISDN)
    assert route.call_count == 1


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8080/v3", "http://localhost/v3", "http://[::1]:9/v3"]
)
def test_plain_http_to_loopback_is_fine(url):
    with Citcall(API_KEY, base_url=url) as client:
        assert url in repr(client)


@pytest.mark.parametrize(
    "base_url",
    [
        "ftp://gateway.citcall.com/v3",
        "gateway.citcall.com/v3",
        "https://user:pass@gateway.citcall.com/v3",
        "https://gateway.citcall.com/v3?key=1",
        "https://gateway.citcall.com:99999/v3",
        "",
        [],
        ["https://gateway.citcall.com/v3", 7],
        b"https://gateway.citcall.com/v3",
        None,
    ],
)
def test_unusable_base_urls_are_refused_naming_the_field(base_url):
    with pytest.raises(CitcallInputError) as caught:
        Citcall(API_KEY, base_url=base_url)
    assert caught.value.field == "base_url"
    assert "pass" not in str(caught.value).replace("pass api_key", "")  # userinfo not echoed


def test_reprs_show_every_host_without_secrets():
    with Citcall(API_KEY, base_url=[PRIMARY, BACKUP]) as client:
        assert repr(client) == f"Citcall(base_url={[PRIMARY, BACKUP]!r}, auth=Apikey)"


# from_env


def test_from_env_reads_key_userid_and_comma_separated_hosts():
    environ = {
        ENV_API_KEY: API_KEY,
        "CITCALL_USERID": "acme",
        ENV_BASE_URL: f" {PRIMARY} , {BACKUP} ",
    }
    with respx.mock(assert_all_called=False) as router:
        router.post(f"{PRIMARY}/asynccall").mock(side_effect=_raise(httpx.ConnectError))
        backup = router.post(f"{BACKUP}/asynccall").mock(side_effect=_ok)
        with Citcall.from_env(environ, retry=None) as client:
            client.miscall(SEED_MSISDN)

    assert backup.calls.last.request.headers["authorization"].startswith("Basic ")


def test_from_env_uses_the_process_environment_and_defaults(monkeypatch):
    monkeypatch.setenv(ENV_API_KEY, API_KEY)
    monkeypatch.delenv(ENV_BASE_URL, raising=False)
    monkeypatch.delenv("CITCALL_USERID", raising=False)
    with Citcall.from_env() as client:
        assert repr(client).startswith("Citcall(base_url='https://")
        assert "Apikey" in repr(client)


async def test_async_from_env():
    environ = {ENV_API_KEY: API_KEY, ENV_BASE_URL: "http://127.0.0.1:1/v3"}
    async with AsyncCitcall.from_env(environ) as client:
        assert "127.0.0.1:1" in repr(client)


@pytest.mark.parametrize(
    ("environ", "field"),
    [
        ({}, ENV_API_KEY),
        ({ENV_API_KEY: "  "}, ENV_API_KEY),
        ({ENV_API_KEY: API_KEY, ENV_BASE_URL: " , "}, ENV_BASE_URL),
        ({ENV_API_KEY: API_KEY, ENV_BASE_URL: "http://104.199.196.122/gateway/v3"}, "base_url"),
        (
            {ENV_API_KEY: API_KEY, "CITCALL_ALLOW_INSECURE_HTTP": "maybe"},
            "CITCALL_ALLOW_INSECURE_HTTP",
        ),
    ],
)
def test_from_env_refuses_missing_or_bad_settings(environ, field):
    with pytest.raises(CitcallInputError) as caught:
        Citcall.from_env(environ)
    assert caught.value.field == field
    assert API_KEY not in str(caught.value)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        (ENV_BASE_URL, ""),
        (ENV_BASE_URL, "   "),
        (ENV_BASE_URL, ",,,"),
        (ENV_BASE_URL, f"{PRIMARY},"),  # "${PRIMARY},${BACKUP}" with BACKUP unset
        (ENV_BASE_URL, f",{BACKUP}"),
        (ENV_BASE_URL, "https://"),  # "https://${HOST}" with HOST unset
        (ENV_BASE_URL, "${CITCALL_HOST}/v3"),  # a template nobody substituted
        ("CITCALL_USERID", ""),
        ("CITCALL_USERID", " \t"),
    ],
)
def test_from_env_never_falls_back_to_production_silently(name, value):
    """Issue 18.14: a variable set but empty or blank is an error naming it, not "unset"."""
    environ = {ENV_API_KEY: API_KEY, name: value}
    for client_class in (Citcall, AsyncCitcall):
        with pytest.raises(CitcallInputError) as caught:
            client_class.from_env(environ)
        assert caught.value.field == name
        assert API_KEY not in str(caught.value)


def test_from_env_allows_insecure_http_when_the_environment_says_so():
    environ = {
        ENV_API_KEY: API_KEY,
        ENV_BASE_URL: "http://104.199.196.122/gateway/v3",
        "CITCALL_ALLOW_INSECURE_HTTP": "true",
    }
    with Citcall.from_env(environ) as client:
        assert "http://104.199.196.122" in repr(client)


def test_motp_posts_to_motp_with_the_miscall_body(gateway, client):
    motp = gateway.post("/motp").mock(side_effect=_ok)
    asynccall = gateway.post("/asynccall").mock(side_effect=_ok)

    first = client.motp("081234567890", gateway=2, valid_time=60, limit_try=3)
    second = client.miscall("081234567890", gateway=2, valid_time=60, limit_try=3)

    assert json.loads(motp.calls.last.request.content) == json.loads(
        asynccall.calls.last.request.content
    )
    assert first.to_dict() == second.to_dict()
    assert spec.operation("motp").path == "/motp"
