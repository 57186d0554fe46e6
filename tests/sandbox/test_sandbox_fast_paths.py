"""The sandbox's short ways through a request answer exactly as the long ones did.

Operation requests skip Starlette's router (one dict lookup instead of a regex per
route), answers leave in one write, request records are made when read: none of this
may change what a client sees or what the inspection endpoints report.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from citcall_contract.sandbox import SandboxConfig, create_app
from citcall_contract.sandbox.protocol import _CoalescingTransport
from citcall_contract.sandbox.requests_log import RequestLog
from citcall_contract.spec.codes import rc_named

from .sandbox_support import API_KEY, AUTH, VALID_BODIES

SMS = VALID_BODIES["sendSms"]


class _Transport:
    """A transport that records what is written and whether it was closed."""

    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.events: list[str] = []
        self.closing = False

    def write(self, data: bytes) -> None:
        self.writes.append(data)
        self.events.append("write")

    def write_eof(self) -> None:
        self.events.append("eof")

    def close(self) -> None:
        self.closing = True
        self.events.append("close")

    def is_closing(self) -> bool:
        return self.closing

    def get_extra_info(self, name: str) -> Any:
        return f"info:{name}"


async def test_writes_within_one_turn_leave_as_one_in_order():
    inner = _Transport()
    transport = _CoalescingTransport(inner, asyncio.get_running_loop())  # type: ignore[arg-type]
    transport.write(b"HTTP/1.1 200 OK\r\n\r\n")
    transport.write(b'{"rc":0}')
    assert inner.writes == []  # held until the end of this turn of the loop
    await asyncio.sleep(0)
    assert inner.writes == [b'HTTP/1.1 200 OK\r\n\r\n{"rc":0}']
    transport.write(b"next")
    await asyncio.sleep(0)
    assert inner.writes[-1] == b"next"
    assert transport.get_extra_info("peername") == "info:peername"  # the rest is passed on


async def test_closing_sends_what_is_held_first():
    inner = _Transport()
    transport = _CoalescingTransport(inner, asyncio.get_running_loop())  # type: ignore[arg-type]
    transport.write(b"answer")
    transport.close()
    assert inner.events == ["write", "close"]
    assert inner.writes == [b"answer"]
    transport.write(b"late")
    await asyncio.sleep(0)
    assert inner.writes == [b"answer"]  # nothing is written to a closed connection

    inner = _Transport()
    transport = _CoalescingTransport(inner, asyncio.get_running_loop())  # type: ignore[arg-type]
    transport.write(b"431 answer")
    transport.write_eof()
    assert inner.events == ["write", "eof"]


async def _post(app: Any, path: str, **kwargs: Any) -> httpx.Response:
    transport = httpx.ASGITransport(app=app, **kwargs)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        return await client.post(path, json=SMS, headers=AUTH)


async def test_an_app_under_a_root_path_still_finds_its_operations():
    app = create_app(SandboxConfig(api_key=API_KEY))
    answer = await _post(app, "/mounted/v3/sms", root_path="/mounted")
    assert answer.status_code == 200
    assert answer.json()["rc"] == 0
    assert [r["path"] for r in app.state.sandbox.requests.snapshot()] == ["/sms"]


async def test_a_failing_operation_answers_500_and_raises_as_before(monkeypatch):
    app = create_app(SandboxConfig(api_key=API_KEY))

    def broken(*args: Any) -> Any:
        raise RuntimeError("handler bug")

    monkeypatch.setattr(app.state.sandbox.balance, "try_charge", broken)
    answer = await _post(app, "/sms", raise_app_exceptions=False)
    assert answer.status_code == 500
    assert answer.json() == {"rc": rc_named("UNKNOWN_ERROR"), "info": answer.json()["info"]}
    assert "sandbox error" in answer.json()["info"]
    with pytest.raises(RuntimeError, match="handler bug"):
        await _post(app, "/sms")


async def test_unknown_paths_and_inspection_still_go_through_starlette():
    app = create_app(SandboxConfig(api_key=API_KEY))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        missing = await client.post("/nowhere", json=SMS, headers=AUTH)
        health = await client.get("/_sandbox/health")
        wrong = await client.delete("/_sandbox/health")
    assert missing.status_code == 404
    assert missing.json()["rc"] == rc_named("UNKNOWN_ERROR")
    assert health.json()["status"] == "ok"
    assert wrong.status_code == 405
    assert wrong.json()["rc"] == rc_named("WRONG_METHOD")


def test_request_records_are_read_in_international_form():
    log = RequestLog(2)
    for msisdn in ("  +6281234567890 ", "081234567890", 12345, "62" + "9" * 100):
        log.add(
            operation="sendSms",
            path="/sms",
            msisdn=msisdn,
            fault=None,
            processed=True,
            rc=0,
            trxid="1",
        )
    records = log.snapshot()
    assert [r["id"] for r in records] == [3, 4]  # the oldest went first
    assert records[0]["msisdn"] is None  # not a string: no number
    assert records[1]["msisdn"] == "62" + "9" * 30  # as received, capped
    assert log.snapshot(msisdn="62" + "9" * 30) == [records[1]]
    log.clear()
    first = log.add(
        operation="sendSms", path="/sms", msisdn="+6281234567890", fault=None,
        processed=False, rc=None, trxid=None,
    )  # fmt: skip
    assert first == 5
    [record] = log.snapshot(msisdn="081234567890", operation="sms")
    assert record["msisdn"] == "6281234567890"
