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
from typing import Any, cast

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


class _CoalescingTransport:
    """A connection's transport whose writes within one turn of the event loop go out as one.

    uvicorn writes an answer's head and its body separately: two `send()` calls and two
    TCP segments for a few hundred bytes, which on loopback cost a tenth of a request's
    time. Writes are held and sent together at the end of the turn; every write and
    close of the connection goes through here, so the order of bytes is kept and a
    close sends what is held first.
    """

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._held: list[bytes] = []

    def write(self, data: bytes) -> None:
        if not self._held:
            self._loop.call_soon(self.flush)
        self._held.append(data)

    def flush(self) -> None:
        if not self._held:
            return
        data = self._held[0] if len(self._held) == 1 else b"".join(self._held)
        self._held = []
        if not self._transport.is_closing():
            self._transport.write(data)

    def write_eof(self) -> None:
        self.flush()
        self._transport.write_eof()

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


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
            if not tracks_heads:
                self.app = self._with_drop(self.__dict__["app"])

        def _with_drop(self, app: ASGIApp) -> ASGIApp:
            """h11 has no head callback: the app call ends the head and brings the scope."""

            async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
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
            # From here on uvicorn (and each request's cycle) writes through this.
            self.transport: Any = _CoalescingTransport(
                cast(asyncio.Transport, transport), self.loop
            )
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
                self._head_bytes += len(data)
                if not tracks_heads and self._head_timer is None:
                    self._start_head_timer()
            super().data_received(data)
            if tracks_heads and self._awaiting_head and self._head_bytes:
                # Part of a head is still to come. (Most heads arrive whole, so the timer
                # is only started for the rest: not a timer per request.)
                if self._head_bytes > config.max_header_bytes:
                    self._refuse_head()
                elif self._head_timer is None:
                    self._start_head_timer()

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
            # The scope is uvicorn's, new for this request; the cycle is made from it next.
            self.scope.setdefault("extensions", {})[DROP_EXTENSION] = self._drop
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
