"""`citcall_mock` and a live sandbox answer the same table of requests the same way.

Each row is a short script of requests; it runs once through `citcall_mock` (in-process)
and once over HTTP against a live sandbox with the same options (uvicorn on loopback,
one for the module, let through the mock by a pass-through route), and every answer
must have the same HTTP status, the same rc and the same body shape (keys and value
types; IDs and tokens differ).
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from citcall_contract import scenarios, spec
from citcall_contract.codes import response_codes
from citcall_contract.rules import missed_call_otp

KEY, USER = "agree-key", "agree-user"
OPTIONS = {"api_key": KEY, "userid": USER}
pytestmark = pytest.mark.citcall_sandbox(**OPTIONS)  # the mock's sandbox
#: The live sandbox's `slow` answer comes after SLOW s; for the fault rows the client gives
#: up sooner (a server that sleeps cannot answer early, so this cannot flake).
SLOW, READ_TIMEOUT = 2.0, 0.5

APIKEY = {"Authorization": f"Apikey {KEY}"}
MSISDN = "6281234567890"
SMS = {"msisdn": MSISDN, "senderid": "citcall", "text": "Your parcel has shipped."}
CALL = {"msisdn": MSISDN, "gateway": 0}


@dataclass(frozen=True)
class Answer:
    status: int | None  # None: no answer (`body` names the httpx error)
    body: Any


#: post(path, json=..., headers=..., method=..., content=...) -> Answer
Post = Callable[..., Answer]
Script = Callable[[Post], list[Answer]]


def one(path: str, body: Any = None, **kwargs: Any) -> Script:
    return lambda post: [post(path, body, **kwargs)]


def _basic(userid: str, key: str) -> dict[str, str]:
    token = base64.b64encode(f"{userid}:{key}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def verify_flow(send_path: str, send_body: dict[str, Any], right: bool) -> Script:
    def script(post: Post) -> list[Answer]:
        sent = post(send_path, send_body)
        code = send_body.get("token") or missed_call_otp(sent.body.get("token")) or "0000"
        typed = code if right else ("1111" if code != "1111" else "2222")
        body = {"msisdn": MSISDN, "trxid": sent.body.get("trxid"), "token": typed}
        return [sent, post("/verify", body)]

    return script


ROWS: dict[str, Script] = {
    **{
        f"valid {op.operation_id}": one(op.path, next(iter(op.request_examples().values())))
        for op in spec.operations().values()
        if op.operation_id != "verifyOtp"
    },
    **{
        f"forced rc {rc} on /sms": one("/sms", {**SMS, "msisdn": f"62810000000{rc:02d}"})
        for rc in sorted(response_codes())
    },
    "forced rc 78 on /verify": one(
        "/verify", {"msisdn": "6281000000078", "trxid": "1" * 26, "token": "1234"}
    ),
    "forced success on /verify": one(
        "/verify", {"msisdn": "6281000000000", "trxid": "1" * 26, "token": "1234"}
    ),
    "OTP-like text on /sms": one("/sms", {**SMS, "text": "Kode OTP anda 123456"}),
    "bad msisdn 0812": one("/sms", {**SMS, "msisdn": "0812"}),
    "msisdn with letters": one("/asynccall", {**CALL, "msisdn": "62812abc7890"}),
    "missing gateway and retry": one("/asynccall", {"msisdn": MSISDN}),
    "gateway out of range": one("/asynccall", {**CALL, "gateway": 99}),
    "missing text": one("/sms", {"msisdn": MSISDN, "senderid": "citcall"}),
    "empty text": one("/sms", {**SMS, "text": ""}),
    "callback host not allowed": one("/asynccall", {**CALL, "callback_url": "http://evil.test/"}),
    "not JSON": one("/sms", content=b"msisdn=1"),
    "JSON array": one("/sms", content=b"[1, 2]"),
    "wrong method": one("/sms", method="GET"),
    "no Authorization": one("/sms", SMS, headers={}),
    "malformed Authorization": one("/sms", SMS, headers={"Authorization": "Apikey a b"}),
    "unknown API key": one("/sms", SMS, headers={"Authorization": "Apikey nope"}),
    "Basic, right user and key": one("/sms", SMS, headers=_basic(USER, KEY)),
    "Basic, unknown user": one("/sms", SMS, headers=_basic("someone", KEY)),
    "Basic, wrong key": one("/sms", SMS, headers=_basic(USER, "nope")),
    "unknown path": one("/nowhere", SMS),
    "verify an unknown trxid": one(
        "/verify", {"msisdn": MSISDN, "trxid": "9" * 26, "token": "1234"}
    ),
    **{
        f"fault number {fault.name}": one(
            "/sms", {**SMS, "msisdn": fault.msisdn}, read_timeout=READ_TIMEOUT
        )
        for fault in scenarios.faults().values()
        if fault.name != "unavailable_then_ok"
    },
    "fault number unavailable_then_ok, three tries": lambda post: [
        post("/asynccall", {**CALL, "msisdn": scenarios.fault_named("unavailable_then_ok").msisdn})
        for _ in range(3)
    ],
    "miscall, verify the right code": verify_flow("/asynccall", CALL, right=True),
    "miscall, verify a wrong code": verify_flow("/asynccall", CALL, right=False),
    "motp, verify the right code": verify_flow("/motp", CALL, right=True),
    "SMS OTP with token, verify right": verify_flow(
        "/smsotp", {**SMS, "text": "Your code is 482913", "token": "482913"}, right=True
    ),
    "SMS OTP code in text, verify wrong": verify_flow(
        "/smsotp", {**SMS, "text": "Your code is 482913"}, right=False
    ),
}


def _poster(client: httpx.Client, base_url: str) -> Post:
    def post(
        path: str,
        body: Any = None,
        *,
        headers: dict[str, str] | None = None,
        method: str = "POST",
        content: bytes | None = None,
        read_timeout: float = 30.0,
    ) -> Answer:
        try:
            response = client.request(
                method,
                base_url + path,
                json=body if content is None and method == "POST" else None,
                content=content,
                headers=APIKEY if headers is None else headers,
                timeout=httpx.Timeout(30.0, read=read_timeout),
            )
        except httpx.TransportError as exc:
            public = next(c for c in type(exc).__mro__ if c.__module__.startswith("httpx"))
            return Answer(None, public.__name__)
        try:
            return Answer(response.status_code, response.json())
        except ValueError:
            return Answer(response.status_code, "not JSON")

    return post


@pytest.fixture(scope="module")
def live_sandbox():
    from citcall_contract.fixtures.sandbox import running_sandbox

    with running_sandbox({**OPTIONS, "slow_delay": SLOW}) as handle:
        yield handle


def _processed(records: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [(r["operation"], r["fault"], r["processed"], r["rc"]) for r in records]


def shape(answer: Answer) -> tuple[int, Any, dict[str, str]]:
    """Status, rc and each key's JSON type: what must agree (values like trxid may not)."""
    body = answer.body
    if not isinstance(body, dict):
        return answer.status, None, {"": type(body).__name__}
    return answer.status, body.get("rc"), {k: type(v).__name__ for k, v in sorted(body.items())}


@pytest.mark.parametrize("row", list(ROWS))
def test_mock_and_live_sandbox_give_the_same_rc_and_body_shape(row, citcall_mock, live_sandbox):
    citcall_mock.strict = False  # bad requests are part of the table
    live_sandbox.reset()
    citcall_mock.router.route(host="127.0.0.1").pass_through()
    script = ROWS[row]
    with httpx.Client() as client:
        in_process = script(_poster(client, spec.default_base_url()))
        over_http = script(_poster(client, live_sandbox.base_url))
    assert [shape(a) for a in in_process] == [shape(a) for a in over_http]
    # What each side processed agrees too (the fault numbers: processed or not).
    assert _processed(citcall_mock.requests()) == _processed(live_sandbox.requests())
    if row.startswith("valid") or "right" in row:
        assert all(a.body["rc"] in (0, "00") for a in in_process), in_process


def test_the_table_covers_every_rc_and_operation():
    forced = {row for row in ROWS if row.startswith("forced rc") and "/sms" in row}
    assert len(forced) == len(response_codes())
    valid = {row.removeprefix("valid ") for row in ROWS if row.startswith("valid ")}
    assert valid | {"verifyOtp"} == set(spec.operations())
