"""A recording set-up for tests: upstream gateway on loopback, the recorder in front of it,
served as `record` serves it (the sandbox's protocol: head limits, dropping connections)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from citcall_contract.commands.record import uvicorn_config
from citcall_contract.contract.traffic.proxy import TransparentRelay
from citcall_contract.contract.traffic.recorder import TrafficWriter
from citcall_contract.contract.verify.relay import Limits, ServedApp
from citcall_contract.sandbox import SandboxConfig

from ..gateways import Rewrite, RewritingGateway

__all__ = [
    "API_KEY",
    "SUCCESS",
    "Recording",
    "SandboxConfig",
    "drifting_gateway",
    "entry",
    "recording",
]

API_KEY = "traffic-secret-key-0123"
#: A missed call's successful answer, as the gateway gives it.
SUCCESS = {
    "rc": 0,
    "trxid": "20170709083044690027711524",
    "msisdn": "+6281234567890",
    "token": "622130401234",
    "gateway": 0,
}


def entry(
    url: str,
    request: Any,
    response: Any,
    status: int = 200,
    *,
    response_text: str | None = None,
    content_type: str = "application/json",
) -> dict[str, Any]:
    """A HAR entry: a POST of `request` (as JSON) to `url`, answered `response` (as JSON,
    or `response_text` as it stands)."""
    return {
        "startedDateTime": "2026-01-01T00:00:00Z",
        "time": 12.5,
        "request": {
            "method": "POST",
            "url": url,
            "headers": [{"name": "Authorization", "value": "Apikey har-secret-key"}],
            "postData": {"mimeType": "application/json", "text": json.dumps(request)},
        },
        "response": {
            "status": status,
            "headers": [{"name": "Content-Type", "value": content_type}],
            "content": {
                "mimeType": content_type,
                "text": json.dumps(response) if response_text is None else response_text,
            },
        },
    }


def drifting_gateway(drift: Rewrite) -> RewritingGateway:
    """The sandbox (accepting `API_KEY`) with its answers rewritten: a gateway that changed
    under its spec."""
    return RewritingGateway(drift, SandboxConfig(api_key=API_KEY))


@dataclass
class Recording:
    upstream: str  # the gateway's base URL (what the recording names as its base)
    proxy: str  # where the app under test sends its requests
    writer: TrafficWriter

    def entries(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.writer.path.read_text().splitlines()]


class RecorderServer(ServedApp):
    """The recorder's relay on a free loopback port, with `record`'s server settings."""

    def uvicorn_config(self, log_level: str) -> Any:
        return uvicorn_config(self.app)


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
        with RecorderServer(TransparentRelay(base, limits, on_exchange=writer)) as proxy:
            yield Recording(base, proxy.base_url, writer)
    finally:
        writer.close()
