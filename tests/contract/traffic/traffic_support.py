"""A recording set-up for tests: upstream gateway on loopback, the recorder in front of it."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from citcall_contract.contract.traffic.recorder import TrafficWriter
from citcall_contract.contract.verify.relay import Limits, Relay, ServedApp
from citcall_contract.sandbox import SandboxConfig, create_app

__all__ = ["API_KEY", "DriftingGateway", "Recording", "SandboxConfig", "recording"]

API_KEY = "traffic-secret-key-0123"


@dataclass
class Recording:
    upstream: str  # the gateway's base URL (what check-traffic gets as --base-url)
    proxy: str  # where the app under test sends its requests
    writer: TrafficWriter

    def entries(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.writer.path.read_text().splitlines()]


class DriftingGateway:
    """The sandbox with its JSON answers rewritten by `drift(path, body)`: a gateway that
    changed under its spec."""

    def __init__(self, drift: Callable[[str, dict[str, Any]], dict[str, Any]]) -> None:
        self.app = create_app(SandboxConfig(api_key=API_KEY))
        self.drift = drift

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def capture(message: dict) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            raw = json.dumps(self.drift(scope["path"], json.loads(b"".join(chunks)))).encode()
            headers = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
            await send({**start, "headers": [*headers, (b"content-length", b"%d" % len(raw))]})
            await send({"type": "http.response.body", "body": raw})

        await self.app(scope, receive, capture)


@contextmanager
def recording(upstream: Any, out: Path, limits: Limits | None = None) -> Iterator[Recording]:
    """The recorder in front of `upstream`: a running server's URL, or an app to serve."""
    if isinstance(upstream, str):
        yield from _record_to(upstream + "/gateway/v3", out, limits)
        return
    with ServedApp(upstream) as served:
        yield from _record_to(served.base_url + "/gateway/v3", out, limits)


def _record_to(base: str, out: Path, limits: Limits | None) -> Iterator[Recording]:
    writer = TrafficWriter(out, base)
    try:
        with ServedApp(Relay(base, limits, on_exchange=writer)) as proxy:
            yield Recording(base, proxy.base_url, writer)
    finally:
        writer.close()
