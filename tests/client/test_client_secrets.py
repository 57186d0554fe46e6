"""The API key (and its Basic form) never shows in a repr, a log record or an error."""

from __future__ import annotations

import base64
import logging

import httpx
import pytest

from citcall_contract import Citcall, CitcallError

from .client_support import API_KEY, NO_WAIT, SEED_MSISDN

BASIC = base64.b64encode(f"acme:{API_KEY}".encode()).decode()


def _echo_headers(request: httpx.Request) -> httpx.Response:
    """A proxy whose error page echoes the request's headers."""
    echoed = "\n".join(f"{k}: {v}" for k, v in request.headers.items())
    return httpx.Response(502, text=f"<h1>Bad Gateway</h1><pre>{echoed}</pre>")


def _raise(error: Exception):
    def side_effect(request: httpx.Request) -> httpx.Response:
        raise error

    return side_effect


FAULTS = {
    "rc-auth": lambda request: httpx.Response(200, json={"rc": 98, "info": "Authorazation failed"}),
    "rc-unknown": lambda request: httpx.Response(200, json={"rc": 555, "info": "new"}),
    "echoing-proxy": _echo_headers,
    "read-timeout": _raise(httpx.ReadTimeout(f"timed out talking with key {API_KEY}")),
    "connect-error": _raise(httpx.ConnectError(f"refused ({API_KEY} / {BASIC})")),
}


def _leaker(userid: str | None):
    secrets = [API_KEY] if userid is None else [API_KEY, BASIC]
    return lambda text: any(secret in text for secret in secrets)


@pytest.mark.parametrize("userid", [None, "acme"], ids=["apikey", "basic"])
@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_secrets_stay_out_of_reprs_logs_and_errors(gateway, caplog, userid, fault):
    caplog.set_level(logging.DEBUG)
    _leaks = _leaker(userid)
    route = gateway.post("/sms").mock(side_effect=FAULTS[fault])

    with Citcall(API_KEY, userid=userid, retry=NO_WAIT) as client:
        assert not _leaks(repr(client))
        assert not _leaks(str(client))
        with pytest.raises(CitcallError) as caught:
            client.sms(SEED_MSISDN, "Hello World!", senderid="citcall")

    error = caught.value
    assert not _leaks(str(error))
    assert not _leaks(repr(error))
    assert not any(_leaks(str(value)) for value in vars(error).values())
    assert not any(_leaks(record.getMessage()) for record in caplog.records)
    sent = route.calls.last.request.headers["authorization"]
    assert API_KEY in sent or BASIC in sent  # the secret was really in play


def test_the_repr_says_which_scheme_is_used():
    with Citcall(API_KEY, userid="acme") as client:
        assert not _leaker("acme")(repr(client))
        assert "Basic" in repr(client)
        assert "acme" in repr(client)
