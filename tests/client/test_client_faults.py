"""Fault injection: hundreds of sends through a faulty network; nothing is processed twice.

The gateway double processes a send (as the real gateway would bill it) for every fault
that happens once the request's bytes have arrived, and not for faults before them. The
facade must never send again after such a fault, retry the faults that prove nothing was
processed, and report each outcome truthfully.
"""

from __future__ import annotations

import json
import random
from collections import Counter, defaultdict

import httpx
import pytest
import respx

from citcall_contract import (
    AsyncCitcall,
    Citcall,
    CitcallConnectionError,
    CitcallOutcomeUnknownError,
    CitcallUnavailableError,
    RetryPolicy,
)
from citcall_contract.client.facade import DEFAULT_BASE_URL

from .client_support import API_KEY, SEED_MSISDN, success_example

POLICY = RetryPolicy(attempts=3, backoff=0.0)
SENDS = 300

# fault name -> (the gateway processes the send, the request reached the gateway's host)
FAULTS: dict[str, tuple[bool | None, bool]] = {
    "ok": (True, True),
    "reset_before_body": (False, False),  # connection refused or reset while connecting
    "connect_timeout": (False, False),
    "reset_after_body": (True, True),  # processed, then the connection dropped
    "read_timeout": (True, True),
    "html_5xx": (None, True),  # a proxy's 502 page: forwarded or not, nobody knows
    "truncated_json": (True, True),
    "rc34": (False, True),
    "rc66": (False, True),
}


class FaultyGateway:
    """respx side effect: one random fault per request, and the gateway's own ledger."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.processed: Counter[str] = Counter()
        self.seen = 0  # requests that reached the gateway's host
        self.log: dict[str, list[tuple[str, bool]]] = defaultdict(list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        send_id = json.loads(request.content)["text"]
        fault = self.rng.choice(list(FAULTS))
        processes, reached = FAULTS[fault]
        if processes is None:
            processes = self.rng.random() < 0.5
        self.seen += reached
        self.log[send_id].append((fault, processes))
        if processes:
            self.processed[send_id] += 1
        return self._answer(fault, send_id, request)

    @staticmethod
    def _answer(fault: str, send_id: str, request: httpx.Request) -> httpx.Response:
        body = {**success_example("sendSms"), "text": send_id}
        if fault == "ok":
            return httpx.Response(200, json=body)
        if fault == "reset_before_body":
            raise httpx.ConnectError("Connection reset by peer", request=request)
        if fault == "connect_timeout":
            raise httpx.ConnectTimeout("timed out", request=request)
        if fault == "reset_after_body":
            raise httpx.RemoteProtocolError("Server disconnected", request=request)
        if fault == "read_timeout":
            raise httpx.ReadTimeout("timed out", request=request)
        if fault == "html_5xx":
            return httpx.Response(502, html="<html><h1>502 Bad Gateway</h1></html>")
        if fault == "truncated_json":
            return httpx.Response(200, content=json.dumps(body).encode()[:25])
        return httpx.Response(200, json={"rc": int(fault[2:]), "info": "busy"})


def _outcome(send_id: str, gateway: FaultyGateway, result: object) -> str:
    """Check one send's outcome against the gateway's ledger; name it for the tally."""
    attempts = gateway.log[send_id]
    assert 1 <= len(attempts) <= POLICY.attempts
    processed = gateway.processed[send_id]
    assert processed <= 1, f"{send_id} was processed {processed} times: {attempts}"
    # No request ever follows one that may have been processed.
    assert not any(processes for _fault, processes in attempts[:-1]), attempts
    if isinstance(result, BaseException):
        assert isinstance(
            result, CitcallConnectionError | CitcallUnavailableError | CitcallOutcomeUnknownError
        ), repr(result)
    if isinstance(result, CitcallConnectionError | CitcallUnavailableError):
        assert processed == 0, f"{send_id}: said 'not processed' but was: {attempts}"
        return type(result).__name__
    if isinstance(result, CitcallOutcomeUnknownError):
        assert result.request["text"] == send_id
        assert result.msisdn == SEED_MSISDN
        return "outcome unknown"
    assert processed == 1
    assert result.text == send_id
    return "sent"


def test_no_send_is_processed_twice_under_faults():
    gateway = FaultyGateway(seed=20261124)
    tally: Counter[str] = Counter()
    with respx.mock(base_url=DEFAULT_BASE_URL) as router:
        route = router.post("/sms").mock(side_effect=gateway)
        with Citcall(API_KEY, retry=POLICY) as client:
            for n in range(SENDS):
                send_id = f"send {n}"
                try:
                    result: object = client.sms(SEED_MSISDN, send_id, senderid="citcall")
                except Exception as error:
                    result = error
                tally[_outcome(send_id, gateway, result)] += 1

    faults = [fault for attempts in gateway.log.values() for fault, _ in attempts]
    assert route.call_count == len(faults)  # every request the facade made is in the ledger
    assert gateway.seen == sum(1 for fault in faults if FAULTS[fault][1])
    assert sum(gateway.processed.values()) <= SENDS
    # Every kind of outcome happened, so the run exercised each path.
    assert set(tally) == {
        "sent",
        "outcome unknown",
        "CitcallConnectionError",
        "CitcallUnavailableError",
    }, tally
    assert len(gateway.log) == SENDS


@pytest.mark.parametrize("seed", [1, 2])
async def test_async_client_under_faults(seed):
    gateway = FaultyGateway(seed=seed)
    with respx.mock(base_url=DEFAULT_BASE_URL) as router:
        router.post("/sms").mock(side_effect=gateway)
        async with AsyncCitcall(API_KEY, retry=POLICY) as client:
            for n in range(60):
                send_id = f"async {n}"
                try:
                    result: object = await client.sms(SEED_MSISDN, send_id, senderid="citcall")
                except Exception as error:
                    result = error
                _outcome(send_id, gateway, result)
    assert max(gateway.processed.values()) == 1
