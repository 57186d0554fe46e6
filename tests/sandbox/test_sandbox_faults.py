"""Fault numbers (`x-sandbox-scenarios.faults`) over real loopback HTTP and in-process.

Each fault is driven by its name through the spec's table, and the sandbox's record of
processed sends is checked against the row's `processed`.
"""

from __future__ import annotations

import json
import logging
import socket
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from citcall_contract.sandbox import SandboxConfig, SandboxServer
from citcall_contract.sandbox.faults import ConnectionDropped
from citcall_contract.spec.codes import rc_named
from citcall_contract.spec.scenarios import fault_for, fault_named, faults, scenarios

from .sandbox_support import API_KEY, AUTH

ORDINARY = "6281234567890"
VALID_SMS = {"msisdn": ORDINARY, "senderid": "x", "text": "hi"}
REQUIRED = {
    "slow",
    "drop_before",
    "drop_after",
    "html_502",
    "truncated_json",
    "unavailable_then_ok",
    "duplicate_callback",
    "late_callback",
}


def _eventually(read: Callable[[], list[Any]], timeout: float = 5.0) -> list[Any]:
    """`read()` once it is not empty, or its last value after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not (found := read()) and time.monotonic() < deadline:
        time.sleep(0.01)
    return found


def _number(name: str) -> str:
    return fault_named(name).msisdn


@pytest.fixture(scope="module")
def server():
    config = SandboxConfig(api_key=API_KEY, slow_delay=0.5)
    with SandboxServer(config) as running:
        yield running


@pytest.fixture(autouse=True)
def _fresh(server):
    server.state.reset()


def _motp(client: httpx.Client, name: str, **extra: object) -> httpx.Response:
    return client.post("/v3/motp", json={"msisdn": _number(name), "retry": 0, **extra})


def test_the_spec_lists_every_required_fault_with_a_number_and_description():
    rows = faults()
    assert set(rows) >= REQUIRED
    prefix = str(scenarios()["fault_prefix"])
    assert len({row.msisdn for row in rows.values()}) == len(rows)
    for row in rows.values():
        assert row.msisdn.startswith(prefix), row
        assert row.description
        assert fault_for(row.msisdn) == row
        assert fault_for("+" + row.msisdn) == row
        assert fault_for("0" + row.msisdn[2:]) == row
    assert fault_named("slow").number("delay") > 5


def test_an_ordinary_number_has_no_fault():
    assert fault_for("6281234567890") is None
    assert fault_for(None) is None


def test_slow_is_processed_at_once_and_answers_late(server):
    client = httpx.Client(base_url=server.base_url, headers=AUTH, timeout=0.1)
    with client, pytest.raises(httpx.ReadTimeout):
        _motp(client, "slow")
    # the client gave up; the sandbox processed it all the same (recorded before the wait)
    assert len(_eventually(lambda: server.sends(_number("slow"), "motp"))) == 1
    with httpx.Client(base_url=server.base_url, headers=AUTH, timeout=5) as client:
        answer = _motp(client, "slow")
    assert answer.status_code == 200
    assert answer.json()["rc"] == 0
    assert len(server.sends(_number("slow"))) == 2


def _raw_post(server: SandboxServer, path: str, body: dict[str, object]) -> bytes:
    """Everything the server sends back on a raw socket before it closes."""
    payload = json.dumps(body).encode()
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Apikey {API_KEY}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(head.encode() + payload)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    return received


@pytest.mark.parametrize("name", ["drop_before", "drop_after"])
def test_drops_close_the_connection_without_a_single_byte(server, name, caplog):
    caplog.set_level(logging.INFO)
    assert _raw_post(server, "/motp", {"msisdn": _number(name), "retry": 0}) == b""
    client = httpx.Client(base_url=server.base_url, headers=AUTH)
    with client, pytest.raises(httpx.RemoteProtocolError):
        _motp(client, name)
    processed = fault_named(name).processed
    assert len(server.sends(_number(name), "motp")) == (2 if processed else 0)
    assert len(server.requests(_number(name), "motp")) == 2
    assert len(server.state.otps) == (2 if processed else 0)
    # uvicorn neither answered 500 nor logged an application error
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.records


def test_drop_after_sends_the_callback(server, receiver):
    client = httpx.Client(base_url=server.base_url, headers=AUTH)
    with client, pytest.raises(httpx.RemoteProtocolError):
        _motp(client, "drop_after", callback_url=receiver.url)
    assert len(receiver.wait(1)) == 1
    assert receiver.received[0]["msisdn"] == "+" + _number("drop_after")


def test_html_502_is_a_proxy_page_and_nothing_is_processed(server):
    with httpx.Client(base_url=server.base_url, headers=AUTH) as client:
        answer = client.post(
            "/sms", json={"msisdn": _number("html_502"), "senderid": "x", "text": "hi"}
        )
    assert answer.status_code == 502
    assert answer.headers["content-type"].startswith("text/html")
    assert "502 Bad Gateway" in answer.text
    assert server.sends(_number("html_502")) == []
    assert server.requests(_number("html_502"))[0]["fault"] == "html_502"


def test_truncated_json_is_processed_and_the_body_is_cut(server):
    with httpx.Client(base_url=server.base_url, headers=AUTH) as client:
        answer = _motp(client, "truncated_json")
    assert answer.status_code == 200
    assert answer.text.startswith('{"rc":0')
    with pytest.raises(json.JSONDecodeError):
        answer.json()
    assert len(server.sends(_number("truncated_json"), "motp")) == 1


def test_unavailable_then_ok_refuses_twice_then_succeeds_once(server):
    rcs = []
    with httpx.Client(base_url=server.base_url, headers=AUTH) as client:
        for _ in range(4):
            rcs.append(_motp(client, "unavailable_then_ok").json()["rc"])
    unavailable = rc_named("SERVICE_TEMPORARILY_UNAVAILABLE")
    assert rcs == [unavailable, unavailable, 0, 0]
    sends = server.sends(_number("unavailable_then_ok"), "/motp")
    assert len(sends) == 2
    assert [r["processed"] for r in server.requests(_number("unavailable_then_ok"))] == [
        False,
        False,
        True,
        True,
    ]


def test_duplicate_callback_is_posted_twice(server, receiver):
    with httpx.Client(base_url=server.base_url, headers=AUTH) as client:
        trxid = _motp(client, "duplicate_callback", callback_url=receiver.url).json()["trxid"]
    received = receiver.wait(2)
    assert [r["trxid"] for r in received] == [trxid, trxid]
    assert len(server.sends(_number("duplicate_callback"))) == 1


def test_late_callback_waits_longer_than_usual(server, receiver):
    with httpx.Client(base_url=server.base_url, headers=AUTH) as client:
        answer = _motp(client, "late_callback", callback_url=receiver.url).json()
    assert answer["rc"] == 0
    # the spec's delay is seconds: right after the answer it is scheduled, not sent
    (delivery,) = server.deliveries(answer["trxid"])
    assert delivery["attempts"] == 0
    assert not delivery["done"]
    assert len(server.sends(_number("late_callback"))) == 1


def test_late_callback_delay_is_configurable(receiver):
    config = SandboxConfig(api_key=API_KEY, late_callback_delay=0.0)
    with SandboxServer(config) as quick, httpx.Client(base_url=quick.base_url, headers=AUTH) as c:
        _motp(c, "late_callback", callback_url=receiver.url)
        assert len(receiver.wait(1)) == 1


def test_inspection_endpoint_counts_processed_sends(server):
    with httpx.Client(base_url=server.base_url, headers=AUTH) as client:
        _motp(client, "truncated_json")
        client.post(
            "/sms", json={"msisdn": _number("truncated_json"), "senderid": "x", "text": "a"}
        )
        sends = client.get(
            "/_sandbox/sends",
            params={"msisdn": "+" + _number("truncated_json"), "operation": "motp"},
        ).json()
        everything = client.get("/_sandbox/requests").json()
    assert [s["operation"] for s in sends] == ["motp"]
    assert sends[0]["fault"] == "truncated_json"
    assert sends[0]["processed"] is True
    assert len(everything) == 2


def test_faults_apply_only_after_the_checks(server):
    with httpx.Client(base_url=server.base_url) as client:
        answer = _motp(client, "drop_before")  # no Authorization
        invalid = client.post("/motp", json={"msisdn": _number("drop_before")}, headers=AUTH)
    assert answer.json()["rc"] == rc_named("AUTHORIZATION_FAILED")
    assert invalid.json()["rc"] == rc_named("MISSING_PARAMETER")
    refused_unread, refused_invalid = server.requests()
    assert refused_unread["msisdn"] is None  # refused before the body was read
    assert refused_invalid["msisdn"] == _number("drop_before")
    for record in (refused_unread, refused_invalid):
        assert record["fault"] is None
        assert record["processed"] is False


# In-process: the app without a socket raises the drop and records the same -------------


async def test_in_process_drop_raises_a_remote_protocol_error(make_sandbox):
    async with make_sandbox() as sandbox:
        for name in ("drop_before", "drop_after"):
            with pytest.raises(ConnectionDropped) as caught:
                await sandbox.client.post(
                    "/motp", json={"msisdn": _number(name), "retry": 0}, headers=AUTH
                )
            assert isinstance(caught.value, httpx.RemoteProtocolError)
            assert caught.value.fault == name
            assert caught.value.request.url.path == "/motp"
            assert caught.value.processed is fault_named(name).processed
            assert len(sandbox.state.sends(_number(name))) == int(fault_named(name).processed)
        assert sandbox.state.fault_for("+" + _number("slow")) == fault_named("slow")


async def test_in_process_latency_waits_before_every_answer(make_sandbox, monkeypatch):
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    monkeypatch.setattr("citcall_contract.sandbox.app.asyncio.sleep", record)
    async with make_sandbox(latency=0.25, slow_delay=1.0) as sandbox:
        await sandbox.call("motp")
        await sandbox.client.post(
            "/motp", json={"msisdn": _number("slow"), "retry": 0}, headers=AUTH
        )
    # asyncio.sleep is patched process-wide: keep only waits as long as the latency
    # (anything else sleeping meanwhile, e.g. a short poll, is not the sandbox's answer).
    assert [w for w in waits if w >= 0.25] == [0.25, 1.25]


def test_config_refuses_bad_fault_settings():
    for bad in ({"latency": -1}, {"slow_delay": float("nan")}, {"late_callback_delay": -0.1}):
        with pytest.raises(ValueError, match=next(iter(bad))):
            SandboxConfig(**bad)  # type: ignore[arg-type]


async def test_the_request_log_keeps_a_bounded_msisdn(make_sandbox):
    async with make_sandbox(max_logged_requests=3) as sandbox:
        for _ in range(5):
            await sandbox.client.post("/motp", json={"msisdn": "6" * 50_000}, headers=AUTH)
        records = sandbox.state.requests.snapshot()
    assert len(records) == 3
    assert all(len(r["msisdn"]) <= 32 for r in records)


async def test_injected_faults_apply_to_any_number_once(make_sandbox):
    async with make_sandbox() as sandbox:
        sandbox.state.inject_fault("drop_after", operation="motp")
        sandbox.state.inject_fault("html_502", times=2)
        first = await sandbox.client.post("/sms", json=VALID_SMS, headers=AUTH)
        with pytest.raises(ConnectionDropped):
            await sandbox.client.post("/motp", json={"msisdn": ORDINARY, "retry": 0}, headers=AUTH)
        second = await sandbox.client.post(
            "/motp", json={"msisdn": ORDINARY, "retry": 0}, headers=AUTH
        )
        third = await sandbox.call("motp", {"msisdn": ORDINARY, "retry": 0})
        assert (first.status_code, second.status_code, third["rc"]) == (502, 502, 0)
        faults_seen = [r["fault"] for r in sandbox.state.requests.snapshot()]
        assert faults_seen == ["html_502", "drop_after", "html_502", None]
        assert len(sandbox.state.sends(ORDINARY, "motp")) == 2
        with pytest.raises(KeyError, match="known"):
            sandbox.state.inject_fault("no_such_fault")


def test_the_fault_table_is_served(server):
    rows = httpx.get(f"{server.base_url}/_sandbox/faults").json()
    assert {row["name"]: row["msisdn"] for row in rows} == {
        name: row.msisdn for name, row in faults().items()
    }
    assert next(r for r in rows if r["name"] == "slow")["delay"] == fault_named("slow").number(
        "delay"
    )
