"""Hostile input for the facade: answers a gateway, a proxy or an attacker could send.

Each row is a defect an adversarial run found (issue 9) or its neighbour. Every row
asserts the facade's outcome and that the request went out exactly once.
"""

from __future__ import annotations

import base64
import gzip
import json
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from citcall_contract import (
    AsyncCitcall,
    Citcall,
    CitcallAPIError,
    CitcallAuthError,
    CitcallBalanceError,
    CitcallError,
    CitcallOutcomeUnknownError,
    CitcallResponseError,
    CitcallUnknownError,
)
from citcall_contract.client.answers import MAX_ANSWER_BYTES
from citcall_contract.core.redact import TOO_DEEP

from .client_support import API_KEY, NO_WAIT, SEED_MSISDN, TRXID, success_example
from .hostile_servers import (
    endless_body,
    hostile_server,
    huge_declared_body,
    trickling_body,
    trickling_head,
)

BASIC = base64.b64encode(f"acme:{API_KEY}".encode()).decode()
DEEP = b"[" * 1000 + b"]" * 1000
GZIP_BOMB = gzip.compress(b" " * 20_000_000)  # 20 MB of whitespace in ~20 kB


def _miscall(client: Citcall) -> Any:
    return client.miscall(SEED_MSISDN)


def _answer(status: int, content: bytes, headers: dict[str, str] | None = None):
    return lambda request: httpx.Response(status, content=content, headers=headers)


def _json(status: int, body: Any):
    return _answer(status, json.dumps(body).encode())


# name -> (answer, expected exception class, a phrase of its message)
HOSTILE_ANSWERS: dict[str, tuple[Any, type[BaseException], str]] = {
    # 9.2: an error status after the request left: never resent, outcome unknown.
    "500 rc 34": (_json(500, {"rc": 34}), CitcallResponseError, "rc 34"),
    "502 rc 34": (_json(502, {"rc": 34}), CitcallResponseError, "rc 34"),
    "503 rc 66": (_json(503, {"rc": 66, "info": "Maintanance"}), CitcallResponseError, "rc 66"),
    "500 rc 6": (_json(500, {"rc": 6}), CitcallResponseError, "rc 6"),
    "302 to elsewhere": (
        _answer(302, b"", {"location": "https://evil.example/asynccall"}),
        CitcallResponseError,
        "HTTP 302",
    ),
    # 9.3: success bodies of the wrong shape.
    "success without fields": (_json(200, {"rc": 0}), CitcallResponseError, "wrong shape"),
    "success with object trxid": (
        _json(200, {"rc": 0, "trxid": {"a": 1}, "token": None}),
        CitcallResponseError,
        "wrong shape",
    ),
    "success '00' without token": (
        _json(200, {"rc": "00", "trxid": TRXID, "msisdn": SEED_MSISDN}),
        CitcallResponseError,
        "token",
    ),
    "success with numeric token": (
        _json(200, {**success_example("asyncMiscall"), "token": 622150561234}),
        CitcallResponseError,
        "wrong shape",
    ),
    # 9.6: nesting deep enough to exhaust a recursive parser.
    "deep array": (_answer(200, DEEP), CitcallResponseError, "not JSON"),
    "deep in trxid": (
        _answer(200, b'{"rc":0,"trxid":' + DEEP + b"}"),
        CitcallResponseError,
        "not JSON",
    ),
    "deep error status": (_answer(502, DEEP), CitcallResponseError, "HTTP 502"),
    # Not JSON a strict parser accepts.
    "NaN price": (
        _answer(200, json.dumps(success_example("asyncMiscall"))[:-1].encode() + b',"x":NaN}'),
        CitcallResponseError,
        "not JSON",
    ),
    "huge integer rc": (_answer(200, b'{"rc":' + b"9" * 5000 + b"}"), CitcallResponseError, "JSON"),
    # 9.5: more than an answer can be.
    "oversized body": (
        _answer(200, b'{"rc":0,"pad":"' + b"x" * MAX_ANSWER_BYTES + b'"}'),
        CitcallResponseError,
        "larger than",
    ),
    "gzip bomb": (
        lambda request: httpx.Response(
            200, content=iter([GZIP_BOMB]), headers={"content-encoding": "gzip"}
        ),
        CitcallResponseError,
        "encoded",
    ),
}


@pytest.mark.parametrize("name", sorted(HOSTILE_ANSWERS))
def test_hostile_answers_are_refused_and_never_resent(gateway, client, name):
    answer, expected, phrase = HOSTILE_ANSWERS[name]
    route = gateway.post("/asynccall").mock(side_effect=answer)

    with pytest.raises(CitcallError) as caught:
        _miscall(client)

    assert type(caught.value) is expected, repr(caught.value)
    assert phrase in str(caught.value)
    assert isinstance(caught.value, CitcallOutcomeUnknownError)
    assert caught.value.request["msisdn"] == SEED_MSISDN
    assert route.call_count == 1


@pytest.mark.parametrize("name", sorted(set(HOSTILE_ANSWERS) - {"gzip bomb"}))
async def test_async_client_refuses_the_same_answers(name):
    answer, expected, _ = HOSTILE_ANSWERS[name]
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return answer(request)

    transport = httpx.MockTransport(handler)
    async with AsyncCitcall(API_KEY, transport=transport, retry=NO_WAIT) as client:
        with pytest.raises(expected):
            await client.miscall(SEED_MSISDN)
    assert len(calls) == 1


async def test_async_client_refuses_an_encoded_body_before_decoding_it():
    async def bomb() -> AsyncIterator[bytes]:
        yield GZIP_BOMB

    answer = httpx.Response(200, content=bomb(), headers={"content-encoding": "gzip"})
    transport = httpx.MockTransport(lambda request: answer)
    async with AsyncCitcall(API_KEY, transport=transport, retry=NO_WAIT) as client:
        with pytest.raises(CitcallResponseError, match="encoded"):
            await client.miscall(SEED_MSISDN)


def test_a_500_with_the_unknown_error_rc_is_not_the_gateway_s_unknown_error(gateway, client):
    gateway.post("/asynccall").respond(500, json={"rc": 6, "info": "unknown error / failed"})

    with pytest.raises(CitcallResponseError) as caught:
        _miscall(client)

    assert not isinstance(caught.value, CitcallUnknownError)
    assert caught.value.status_code == 500


def test_the_gateway_s_unknown_error_with_status_200_still_is(gateway, client):
    gateway.post("/asynccall").respond(200, json={"rc": 6, "info": "unknown error / failed"})

    with pytest.raises(CitcallUnknownError):
        _miscall(client)


def test_deep_nesting_inside_an_error_answer_is_kept_shallow(gateway, client):
    nested: Any = "bottom"
    for _ in range(200):
        nested = [nested]
    gateway.post("/asynccall").respond(json={"rc": 14, "info": "insuficient amount", "x": nested})

    with pytest.raises(CitcallBalanceError) as caught:
        _miscall(client)

    depth, node = 0, caught.value.response["x"]
    while isinstance(node, list):
        depth, node = depth + 1, node[0]
    assert node == TOO_DEEP
    assert depth < 64


# 9.4: the gateway (or a proxy) echoes the credentials back.


def _echoes(secret: str) -> dict[str, Any]:
    return {
        "rc 96 info": _json(200, {"rc": 96, "info": f"apikey {secret} not found"}),
        "rc 96 nested": _json(
            200, {"rc": 96, "info": "no", "trxid": secret, "echo": {"headers": [[secret]]}}
        ),
        "rc key": _json(200, {"rc": 77, secret: "as a key"}),
        "html page": _answer(502, f"<pre>Authorization: Basic {secret}</pre>".encode()),
        "wrong-shape success": _json(200, {"rc": 0, "trxid": {"a": secret}, "token": secret}),
        "cut mid-secret": _answer(200, b'{"rc":96,"info":"apikey ' + secret[:12].encode()),
        "json-escaped": _answer(
            200, json.dumps({"rc": 96, "info": secret}, ensure_ascii=True).encode()
        ),
        "connect error text": lambda request: (_ for _ in ()).throw(
            httpx.ConnectError(f"refused for {secret}", request=request)
        ),
        "read timeout text": lambda request: (_ for _ in ()).throw(
            httpx.ReadTimeout(f"slow {secret}", request=request)
        ),
    }


def _everything_in(error: BaseException) -> Iterator[str]:
    """Every string an error exposes: message, repr, args, attributes (deeply), causes."""
    yield str(error)
    yield repr(error)
    yield json.dumps(error.args, default=repr)
    yield json.dumps({k: v for k, v in vars(error).items()}, default=repr)
    cause = error.__cause__
    if cause is not None:
        yield from _everything_in(cause)
    if error.__context__ is not None and not error.__suppress_context__:
        yield from _everything_in(error.__context__)


@pytest.mark.parametrize("userid", [None, "acme"], ids=["apikey", "basic"])
@pytest.mark.parametrize("echo", sorted(_echoes("x")))
def test_echoed_credentials_never_reach_an_error(gateway, userid, echo):
    secrets = [API_KEY] if userid is None else [API_KEY, BASIC]
    for secret in secrets:
        gateway.post("/asynccall").mock(side_effect=_echoes(secret)[echo])
        with (
            Citcall(API_KEY, userid=userid, retry=NO_WAIT) as client,
            pytest.raises(CitcallError) as caught,
        ):
            _miscall(client)
        for text in _everything_in(caught.value):
            assert API_KEY not in text, (echo, text)
            assert BASIC not in text, (echo, text)
            assert API_KEY[:12] not in text, (echo, text)


def test_an_escaped_echo_of_a_key_with_slashes_is_redacted(gateway):
    key = "ab/cd+ef=gh/ij"
    gateway.post("/asynccall").respond(200, content=b'{"rc":96,"info":"ab\\/cd+ef=gh\\/ij"}x')
    with Citcall(key, retry=NO_WAIT) as client, pytest.raises(CitcallResponseError) as caught:
        client.miscall(SEED_MSISDN)

    assert "ab\\/cd" not in caught.value.snippet
    assert "[secret]" in caught.value.snippet


def test_otp_digits_are_masked_in_the_request_an_error_carries(gateway, client):
    gateway.post("/smsotp").mock(side_effect=httpx.ReadTimeout("slow"))

    with pytest.raises(CitcallOutcomeUnknownError) as caught:
        client.sms_otp(SEED_MSISDN, "Your code is 482193.", senderid="citcall", token="482193")

    error = caught.value
    assert error.request["token"] == "***"
    assert "482193" not in error.request["text"]
    assert error.request["text"].startswith("Your code is ")
    assert "482193" not in str(error)
    assert error.request["msisdn"] == SEED_MSISDN  # still enough to reconcile


def test_an_api_error_keeps_the_redacted_answer(gateway, client):
    gateway.post("/asynccall").respond(json={"rc": 96, "info": f"apikey {API_KEY} not found"})

    with pytest.raises(CitcallAuthError) as caught:
        _miscall(client)

    assert caught.value.info == "apikey [secret] not found"
    assert caught.value.response == {"rc": 96, "info": "apikey [secret] not found"}


# 9.5: bounded answers, over loopback HTTP.


def _loopback(server_url: str, **options: Any) -> Citcall:
    return Citcall(API_KEY, base_url=server_url, retry=NO_WAIT, **options)


@pytest.mark.parametrize(
    "handler", [endless_body, huge_declared_body], ids=["endless", "huge-declared"]
)
def test_an_oversized_body_stops_at_the_size_cap(handler):
    with hostile_server(handler) as server:
        with _loopback(server.base_url) as client, pytest.raises(CitcallResponseError) as caught:
            _miscall(client)
        assert server.requests == 1
    assert "larger than" in str(caught.value)
    assert isinstance(caught.value, CitcallOutcomeUnknownError)  # it may have been processed
    assert server.bytes_sent < 50_000_000  # the client hung up: the rest was never sent


def test_a_trickling_body_ends_at_the_call_deadline_not_per_read():
    # Each byte arrives well within the read time-out: only an overall deadline stops it.
    with hostile_server(trickling_body) as server:
        started = time.monotonic()
        with (
            _loopback(server.base_url, timeout=5.0, deadline=0.5) as client,
            pytest.raises(CitcallOutcomeUnknownError) as caught,
        ):
            _miscall(client)
        elapsed = time.monotonic() - started
        assert server.requests == 1
    assert "deadline" in str(caught.value)
    assert elapsed < 5.0  # a hang guard, not a speed goal: per-read time-outs never fire here


def test_a_trickling_head_ends_at_the_call_deadline():
    """Issue 18.13: one head byte per 0.25 s never trips a 2 s read time-out; the sync client
    used to listen to the end (12 s here, 40 s in the report) while the async one stopped."""
    with hostile_server(trickling_head) as server:
        with (
            Citcall(
                API_KEY, base_url=server.base_url, timeout=2.0, deadline=1.0, retry=None
            ) as client,
            pytest.raises(CitcallOutcomeUnknownError) as caught,
        ):
            _miscall(client)
        gave_up_early = not server.finished  # the head was still arriving when the call ended
        assert server.requests == 1
    assert "deadline" in str(caught.value)
    assert gave_up_early


def test_the_deadline_does_not_outlive_its_call():
    """The bound is per call: a later call (or other code on the thread) waits as usual."""
    from citcall_contract.client.deadline import CALL_DEADLINE

    with (
        hostile_server(trickling_head) as server,
        Citcall(API_KEY, base_url=server.base_url, deadline=0.3, retry=None) as client,
        pytest.raises(CitcallOutcomeUnknownError),
    ):
        _miscall(client)
    assert CALL_DEADLINE.get() is None


@pytest.mark.parametrize("trickling", [trickling_body, trickling_head])
async def test_async_trickling_answer_ends_at_the_call_deadline(trickling):
    with hostile_server(trickling) as server:
        async with AsyncCitcall(
            API_KEY, base_url=server.base_url, timeout=2.0, deadline=0.5, retry=NO_WAIT
        ) as client:
            with pytest.raises(CitcallOutcomeUnknownError) as caught:
                await client.miscall(SEED_MSISDN)
        gave_up_early = not server.finished
        assert server.requests == 1
    assert "deadline" in str(caught.value)
    assert gave_up_early


async def test_async_endless_stream_stops_at_the_size_cap():
    pulled = 0

    async def endless() -> AsyncIterator[bytes]:
        nonlocal pulled
        while True:
            pulled += 1
            yield b"[" * 1024

    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=endless()))
    async with AsyncCitcall(API_KEY, transport=transport, retry=NO_WAIT) as client:
        with pytest.raises(CitcallResponseError, match="larger than"):
            await client.miscall(SEED_MSISDN)
    assert pulled <= MAX_ANSWER_BYTES // 1024 + 2


def test_sync_endless_stream_stops_at_the_size_cap():
    pulled = 0

    def endless() -> Iterator[bytes]:
        nonlocal pulled
        while True:
            pulled += 1
            yield b"[" * 1024

    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=endless()))
    with (
        Citcall(API_KEY, transport=transport, retry=NO_WAIT) as client,
        pytest.raises(CitcallResponseError, match="larger than"),
    ):
        client.miscall(SEED_MSISDN)
    assert pulled <= MAX_ANSWER_BYTES // 1024 + 2


@pytest.mark.parametrize("deadline", [0, -1, float("nan"), float("inf"), "30", True])
def test_the_deadline_must_be_a_positive_finite_number(deadline):
    with pytest.raises(CitcallError, match="deadline"):
        Citcall(API_KEY, deadline=deadline)


def test_no_deadline_is_allowed_by_name(gateway):
    gateway.post("/asynccall").respond(json=success_example("asyncMiscall"))
    with Citcall(API_KEY, deadline=None) as client:
        assert client.miscall(SEED_MSISDN).token


def test_every_hostile_answer_is_an_api_or_outcome_error():
    # The table covers both families the README promises; nothing else may escape.
    assert all(
        issubclass(expected, CitcallOutcomeUnknownError | CitcallAPIError)
        for _, expected, _ in HOSTILE_ANSWERS.values()
    )
