"""The sandbox's HTTP protocol: uvicorn's, plus a way to drop a connection and server limits.

uvicorn answers 500 when an app ends without a response, so a fault that closes the
connection needs the transport: each request's ASGI scope gets a `drop` callable
(`faults.DROP_EXTENSION`). uvicorn's httptools protocol has no limit on the size of a
request head and no time-out for receiving one (its keep-alive timer only runs between
requests), so idle or slow connections could pile up until file descriptors run out.
This protocol adds, per `SandboxConfig`: a head-size cap (`max_header_bytes`, answered
431), a head time-out (`header_timeout`) and a cap on open connections
(`max_connections`; the oldest connection still waiting for a head makes room).
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send
from uvicorn.protocols.http.auto import AutoHTTPProtocol

from citcall_contract.sandbox.config import SandboxConfig
from citcall_contract.sandbox.faults import DROP_EXTENSION

_TOO_LARGE = (
    b"HTTP/1.1 431 Request Header Fields Too Large\r\n"
    b"content-type: text/plain; charset=utf-8\r\ncontent-length: 31\r\nconnection: close\r\n\r\n"
    b"Request header fields too large"
)

#: Seconds a refused connection stays open to drain the client's bytes before closing.
_LINGER = 1.0


def protocol_class(config: SandboxConfig) -> type[asyncio.Protocol]:
    """uvicorn's HTTP protocol (httptools when installed, else h11) with the sandbox's limits."""
    base: Any = AutoHTTPProtocol
    tracks_heads = hasattr(base, "on_headers_complete")  # httptools: parser callbacks

    class SandboxProtocol(base):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._awaiting_head = True
            self._head_bytes = 0
            self._head_timer: asyncio.TimerHandle | None = None
            self._opened_at = time.monotonic()
            self._refused = False
            self.app = self._with_drop(self.__dict__["app"])

        def _with_drop(self, app: ASGIApp) -> ASGIApp:
            async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
                if not tracks_heads:  # h11 has no head callback; the app call is one
                    self._awaiting_head = False
                    self._cancel_head_timer()
                scope["extensions"] = {**scope.get("extensions", {}), DROP_EXTENSION: self._drop}
                await app(scope, receive, send)

            return wrapped

        def _drop(self) -> None:
            self.transport.close()

        # Connections ---------------------------------------------------------------
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            super().connection_made(transport)
            self._start_head_timer()
            if len(self.connections) > config.max_connections:
                self._make_room()

        def _make_room(self) -> None:
            idle = [
                c
                for c in self.connections
                if c is not self
                and getattr(c, "_awaiting_head", False)
                and (c.cycle is None or c.cycle.response_complete)
            ]
            victim = min(idle, key=lambda c: c._opened_at) if idle else self
            victim.transport.close()

        def connection_lost(self, exc: Exception | None) -> None:
            self._cancel_head_timer()
            super().connection_lost(exc)

        # Request heads -------------------------------------------------------------
        def data_received(self, data: bytes) -> None:
            if self._refused:
                return  # a refused head: drop what the client still sends
            if self._awaiting_head:
                if self._head_timer is None:
                    self._start_head_timer()
                self._head_bytes += len(data)
            super().data_received(data)
            if tracks_heads and self._awaiting_head and self._head_bytes > config.max_header_bytes:
                self._refuse_head()

        def _refuse_head(self) -> None:
            """Answer 431, then close gently: closing with the client's bytes unread
            would reset the connection and the client would never see the answer."""
            self._cancel_head_timer()
            self._refused = True
            self.transport.write(_TOO_LARGE)
            if self.transport.can_write_eof():
                self.transport.write_eof()
            asyncio.get_running_loop().call_later(_LINGER, self.transport.close)

        def on_headers_complete(self) -> None:
            self._awaiting_head = False
            self._head_bytes = 0
            self._cancel_head_timer()
            super().on_headers_complete()

        def on_message_complete(self) -> None:
            super().on_message_complete()
            self._awaiting_head = tracks_heads

        def _start_head_timer(self) -> None:
            self._cancel_head_timer()
            loop = asyncio.get_running_loop()
            self._head_timer = loop.call_later(config.header_timeout, self._head_timed_out)

        def _cancel_head_timer(self) -> None:
            if self._head_timer is not None:
                self._head_timer.cancel()
                self._head_timer = None

        def _head_timed_out(self) -> None:
            self._head_timer = None
            if self._awaiting_head and not self.transport.is_closing():
                self.transport.close()

    return SandboxProtocol
