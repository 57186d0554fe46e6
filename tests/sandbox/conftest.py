"""Fixtures for the sandbox tests: in-process clients, a fake clock, a loopback receiver."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator, Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from citcall_contract.sandbox import SandboxConfig, create_app
from tests.serving import serve_in_background

from .sandbox_support import API_KEY, FakeClock, Receiver, Sandbox


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
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            try:
                yield Sandbox(client, app.state.sandbox)
            finally:
                await app.state.sandbox.dispatcher.aclose()

    return factory


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
    with serve_in_background(server, poll_interval=0.02):
        yield box["r"]
