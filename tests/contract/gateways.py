"""Gateways for the contract tests: the real sandbox with its JSON answers rewritten.

`verify` must catch a gateway that answers wrongly, and `check-traffic` a recording of one;
both start from the sandbox and change what it says (`RewritingGateway`).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from typing import Any

from citcall_contract.sandbox import SandboxConfig, create_app

Rewrite = Callable[[str, dict[str, Any]], dict[str, Any]]


class RewritingGateway:
    """The sandbox (built from `config`) with each JSON answer passed through
    `rewrite(path, body)`; answers that are not JSON pass unchanged."""

    def __init__(self, rewrite: Rewrite, config: SandboxConfig | None = None) -> None:
        self.app = create_app(config or SandboxConfig())
        self.rewrite = rewrite

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
            raw = b"".join(chunks)
            with contextlib.suppress(ValueError):  # not JSON: passed on as it is
                raw = json.dumps(self.rewrite(scope["path"], json.loads(raw))).encode()
            headers = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
            headers.append((b"content-length", str(len(raw)).encode()))
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": raw})

        await self.app(scope, receive, capture)
