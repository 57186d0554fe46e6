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


def forms_seen(schema_name: str, bodies: list[dict[str, Any]]) -> dict[str, set[str]]:
    """For each field with several `x-wire-forms`: the forms found among `bodies`.

    A present value is in form f when f leaves it unchanged (`"00"` is a digit string, not
    an integer); a missing field is `absent`.
    """
    from citcall_contract.spec.wire_forms import field_forms

    seen: dict[str, set[str]] = {name: set() for name in field_forms(schema_name)}
    for body in bodies:
        for name, forms in field_forms(schema_name).items():
            if name not in body:
                seen[name].add("absent")
                continue
            value = body[name]
            seen[name].update(
                f.form for f in forms if f.form != "absent" and _same(f.apply(value), value)
            )
    return seen


def _same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b


def all_forms(schema_name: str) -> dict[str, set[str]]:
    """Every form of every varied field of an object schema, from the spec."""
    from citcall_contract.spec.wire_forms import field_forms

    return {name: {f.form for f in forms} for name, forms in field_forms(schema_name).items()}
