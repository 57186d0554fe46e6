"""Helpers shared by the sandbox tests (valid bodies, fake clock, in-process client, receiver)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from citcall_contract.sandbox.state import SandboxState
from citcall_contract.spec import operation

API_KEY = "test-key"
AUTH = {"Authorization": f"Apikey {API_KEY}"}
#: A valid body for every operation; tests change one field at a time.
VALID_BODIES: dict[str, dict[str, Any]] = {
    "asyncMiscall": {"msisdn": "6281234567890", "gateway": 0},
    "motp": {"msisdn": "6281234567890", "retry": 1},
    "syncMiscall": {"msisdn": "6281234567890", "gateway": 0},
    "sendSms": {"msisdn": "6281234567890", "senderid": "citcall", "text": "Hello World!"},
    "sendSmsOtp": {"msisdn": "6281234567890", "senderid": "citcall", "text": "Use 4821"},
    "verifyOtp": {"msisdn": "6281234567890", "trxid": "20190801155256104472275", "token": "1234"},
}


class FakeClock:
    """Monotonic time the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Sandbox:
    """An app with its state and an httpx client that calls it in-process."""

    client: httpx.AsyncClient
    state: SandboxState

    async def call(
        self, operation_id: str, body: Any = None, headers: dict[str, str] | None = None, **kw: Any
    ) -> dict[str, Any]:
        """POST to an operation and check that the answer is 200 and valid for its schema."""
        path = operation(operation_id).path
        payload = VALID_BODIES[operation_id] if body is None else body
        response = await self.client.post(path, json=payload, headers=headers or AUTH, **kw)
        assert response.status_code == 200, response.text
        data: dict[str, Any] = response.json()
        errors = list(operation(operation_id).response_validator().iter_errors(data))
        assert not errors, (data, errors)
        return data


@dataclass
class Receiver:
    """A loopback HTTP server that records POSTed JSON and answers with queued statuses."""

    url: str
    received: list[dict[str, Any]] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)

    def wait(self, count: int, timeout: float = 5.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.01)
        return list(self.received)
