"""Fixtures for the sandbox tests: in-process clients, a fake clock, a loopback receiver."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from citcall_contract.sandbox import SandboxConfig, create_app
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


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def make_sandbox(clock: FakeClock) -> Callable[..., Any]:
    """`async with make_sandbox(**config) as sandbox:` (fake clock unless one is given)."""

    @contextlib.asynccontextmanager
    async def factory(**overrides: Any) -> AsyncIterator[Sandbox]:
        config = SandboxConfig(**{"api_key": API_KEY, "clock": clock, **overrides})
        app = create_app(config)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://sandbox") as client:
            try:
                yield Sandbox(client, app.state.sandbox)
            finally:
                await app.state.sandbox.dispatcher.aclose()

    return factory


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


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    box: dict[str, Receiver] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            rec = box["r"]
            rec.received.append(json.loads(self.rfile.read(length)))
            status = rec.statuses.pop(0) if rec.statuses else 200
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    box["r"] = Receiver(url=f"http://127.0.0.1:{server.server_port}/hook")
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield box["r"]
    finally:
        server.shutdown()
        server.server_close()
