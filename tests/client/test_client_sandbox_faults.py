"""The facade against the sandbox's fault numbers, over real loopback HTTP (issue 11.3).

Each fault is driven by its name through the spec's `x-sandbox-scenarios.faults`; the
sandbox says what it processed, so every test asserts the facade's outcome *and* that
the call caused at most one processed send.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from citcall_contract import (
    AsyncCitcall,
    Citcall,
    CitcallOutcomeUnknownError,
    CitcallResponseError,
    CitcallUnavailableError,
    RetryPolicy,
)
from citcall_contract.spec.scenarios import fault_named

from .client_support import NO_WAIT
from .hostile_servers import HostileServer, closed_port, hostile_server

sandbox = pytest.importorskip("citcall_contract.sandbox")

API_KEY = "fault-rehearsal-key"
SLOW = 1.0  # the sandbox's `slow` delay here; the client gives up on reads after READ
READ = 0.3
LATE = 0.3  # the `late_callback` delay here
OPERATION = "motp"


def _number(fault: str) -> str:
    return fault_named(fault).msisdn


def _eventually(read: Callable[[], list[Any]], count: int, timeout: float = 5.0) -> list[Any]:
    """`read()` once it has `count` items, or its last value after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while len(found := read()) < count and time.monotonic() < deadline:
        time.sleep(0.01)
    return found


@pytest.fixture(scope="module")
def server() -> Iterator[Any]:
    config = sandbox.SandboxConfig(
        api_key=API_KEY, slow_delay=SLOW, late_callback_delay=LATE, callback_backoff=0.01
    )
    with sandbox.SandboxServer(config) as running:
        yield running


@pytest.fixture(autouse=True)
def _fresh(server: Any) -> None:
    server.state.reset()


@pytest.fixture
def client(server: Any) -> Iterator[Citcall]:
    timeout = httpx.Timeout(READ, connect=2.0)
    with Citcall(API_KEY, base_url=server.base_url, timeout=timeout, retry=NO_WAIT) as citcall:
        yield citcall


def _sends(server: Any, fault: str) -> list[dict[str, Any]]:
    return server.sends(_number(fault), OPERATION)


def _requests(server: Any, fault: str) -> list[dict[str, Any]]:
    return server.requests(_number(fault), OPERATION)


# fault -> (the facade's exception, or None for success; processed sends; requests made)
OUTCOMES: dict[str, tuple[type[Exception] | None, int, int]] = {
    "slow": (CitcallOutcomeUnknownError, 1, 1),
    "drop_before": (CitcallOutcomeUnknownError, 0, 1),
    "drop_after": (CitcallOutcomeUnknownError, 1, 1),
    "html_502": (CitcallResponseError, 0, 1),
    "truncated_json": (CitcallResponseError, 1, 1),
    "unavailable_then_ok": (None, 1, 3),
    "duplicate_callback": (None, 1, 1),
    "late_callback": (None, 1, 1),
}


def test_every_fault_of_the_spec_is_rehearsed_here():
    from citcall_contract.spec.scenarios import faults

    assert set(faults()) == set(OUTCOMES)


@pytest.mark.parametrize("fault", sorted(OUTCOMES))
def test_each_fault_gives_its_outcome_and_at_most_one_processed_send(server, client, fault):
    expected, processed, requested = OUTCOMES[fault]

    if expected is None:
        result = client.motp(_number(fault))
        assert result.trxid
    else:
        with pytest.raises(expected) as caught:
            client.motp(_number(fault))
        assert caught.value.msisdn == _number(fault)
        assert caught.value.host == server.base_url

    # A slow answer is processed while the client has already given up: wait for it.
    assert len(_eventually(lambda: _sends(server, fault), processed)) == processed
    assert len(_requests(server, fault)) == requested
    assert len(_sends(server, fault)) <= 1


def test_html_502_says_what_came_back(client):
    with pytest.raises(CitcallResponseError) as caught:
        client.motp(_number("html_502"))
    assert caught.value.status_code == 502
    assert "Bad Gateway" in caught.value.snippet


def test_unavailable_then_ok_without_retries_is_not_processed(server):
    with (
        Citcall(API_KEY, base_url=server.base_url, retry=None) as client,
        pytest.raises(CitcallUnavailableError),
    ):
        client.motp(_number("unavailable_then_ok"))
    assert _sends(server, "unavailable_then_ok") == []
    assert len(_requests(server, "unavailable_then_ok")) == 1


def test_a_deadline_shorter_than_slow_is_outcome_unknown_and_processed_once(server):
    with (
        Citcall(API_KEY, base_url=server.base_url, timeout=10.0, deadline=0.3) as client,
        pytest.raises(CitcallOutcomeUnknownError, match="deadline"),
    ):
        client.motp(_number("slow"))
    assert len(_eventually(lambda: _sends(server, "slow"), 1)) == 1


def _receiver(conn: Any, server: HostileServer) -> None:
    server.send(conn, b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")


def test_duplicate_callback_reaches_the_receiver_twice_for_one_send(server, client):
    with hostile_server(_receiver) as receiver:
        result = client.motp(_number("duplicate_callback"), callback_url=receiver.base_url)
        deliveries = server.wait_for_deliveries(2, trxid=result.trxid)
        assert receiver.requests == 2  # a receiver must deduplicate by trxid
    assert len(deliveries) == 2
    assert len(_sends(server, "duplicate_callback")) == 1


def test_late_callback_arrives_after_the_answer(server, client):
    with hostile_server(_receiver) as receiver:
        result = client.motp(_number("late_callback"), callback_url=receiver.base_url)
        assert (
            server.deliveries(result.trxid) == [] or not server.deliveries(result.trxid)[0]["done"]
        )
        deliveries = server.wait_for_deliveries(1, trxid=result.trxid)
    assert [d["delivered"] for d in deliveries] == [True]
    assert len(_sends(server, "late_callback")) == 1


# Failover over loopback.


def test_failover_from_a_closed_port_to_the_sandbox(server):
    with Citcall(API_KEY, base_url=[closed_port(), server.base_url], retry=None) as client:
        result = client.motp("081234567890")
    assert result.trxid
    assert len(server.sends("6281234567890", OPERATION)) == 1


@pytest.mark.parametrize("fault", ["drop_after", "slow", "drop_before", "truncated_json"])
def test_no_failover_once_the_request_reached_the_sandbox(server, fault):
    timeout = httpx.Timeout(READ, connect=2.0)
    with (
        hostile_server(_receiver) as backup,
        Citcall(
            API_KEY, base_url=[server.base_url, backup.base_url], timeout=timeout, retry=NO_WAIT
        ) as client,
    ):
        with pytest.raises(CitcallOutcomeUnknownError):
            client.motp(_number(fault))
        assert backup.requests == 0
    assert len(_eventually(lambda: _sends(server, fault), OUTCOMES[fault][1])) <= 1


async def test_async_client_under_the_transport_faults(server):
    timeout = httpx.Timeout(READ, connect=2.0)
    policy = RetryPolicy(sleep=lambda seconds: None)
    async with AsyncCitcall(
        API_KEY, base_url=[closed_port(), server.base_url], timeout=timeout, retry=policy
    ) as client:
        for fault, (expected, processed, requested) in OUTCOMES.items():
            if expected is None:
                assert (await client.motp(_number(fault))).trxid
            else:
                with pytest.raises(expected):
                    await client.motp(_number(fault))
            assert len(_eventually(lambda f=fault: _sends(server, f), processed)) == processed
            assert len(_requests(server, fault)) == requested


def test_the_readme_rehearsal_with_the_citcall_sandbox_fixture(citcall_sandbox):
    number = fault_named("drop_after").msisdn
    with (
        Citcall(citcall_sandbox.api_key, base_url=citcall_sandbox.base_url) as client,
        pytest.raises(CitcallOutcomeUnknownError),
    ):
        client.motp(number)
    assert len(citcall_sandbox.server.sends(number, "motp")) == 1  # billed once, not resent
