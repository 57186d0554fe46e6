"""A bounded forwarding relay: one upstream, every answer capped in size and time.

`verify` sends its traffic through one so that a hostile server (a 50 MB answer, an
endless chunked body, a trickle) costs a bounded amount of memory and time and shows
up as a failure instead of a hang; `record` is the same relay writing each exchange
down. The relay buffers an answer (up to the cap) before passing it on, so a breach
can still be answered with a clear 502/504 instead of half a body.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx

from citcall_contract.core.serving import BackgroundServer

#: Citcall's answers are under a kilobyte; a megabyte is generous.
DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024
DEFAULT_MAX_REQUEST_BYTES = 1024 * 1024
#: Seconds for one whole exchange: connect, send, headers and the complete body.
DEFAULT_TIMEOUT = 10.0
#: Header a relay-made answer carries, so a reader can tell it from the upstream's.
PROBLEM_HEADER = "x-citcall-relay-problem"
MAX_KEPT_PROBLEMS = 100

_HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "host",
        "content-length",
        # Answers are passed on decoded (the cap counts decoded bytes: no gzip bombs).
        "content-encoding",
    }
)


@dataclass(frozen=True)
class Limits:
    """What one exchange may cost, and (optionally) when the whole run must stop."""

    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES
    max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES
    timeout: float = DEFAULT_TIMEOUT
    #: `time.monotonic()` instant after which nothing more is forwarded.
    deadline: float | None = None


@dataclass
class Exchange:
    """One request passed upstream and what came back (or why nothing usable did)."""

    started: float  # epoch seconds
    method: str
    url: str  # the upstream URL the request was sent to
    request_headers: list[tuple[str, str]]
    request_body: bytes
    status: int | None = None
    response_headers: list[tuple[str, str]] = field(default_factory=list)
    response_body: bytes = b""
    elapsed: float = 0.0
    problem: str | None = None
    #: The answer's head as the upstream sent it, passed on byte for byte (a header value
    #: need not be Latin-1 text, e.g. `X-Note: € uro`).
    raw_response_headers: list[tuple[bytes, bytes]] = field(default_factory=list)
    #: An upstream failure a transparent relay (`record`) passes on as it is:
    #: "dropped" (no answer) or "truncated" (part of the body, then the connection closed).
    fault: str | None = None


def upstream_url(upstream: str, raw_path: str, query: str) -> str:
    """The upstream base URL with the request's path (and query) appended."""
    base = upstream.rstrip("/")
    url = base + (raw_path if raw_path.startswith("/") else "/" + raw_path)
    return f"{url}?{query}" if query else url


def keep_head(exchange: Exchange, response: httpx.Response) -> None:
    """The answer's status and end-to-end headers: raw (to pass on) and as text (to read)."""
    exchange.status = response.status_code
    raw = [
        (k, v) for k, v in response.headers.raw if k.decode("latin-1").lower() not in _HOP_BY_HOP
    ]
    exchange.raw_response_headers = raw
    exchange.response_headers = [(k.decode("latin-1"), _header_text(v)) for k, v in raw]


def _header_text(value: bytes) -> str:
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return value.decode("latin-1")


def relay_answer(exchange: Exchange) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    """What the client is answered: the upstream's answer, or the relay's note of a problem."""
    if exchange.problem is None:
        return exchange.status or 502, list(exchange.raw_response_headers), exchange.response_body
    headers = [
        (b"content-type", b"text/plain; charset=utf-8"),
        (PROBLEM_HEADER.encode(), exchange.problem.encode("ascii", "replace")),
    ]
    return exchange.status or 502, headers, f"citcall-contract relay: {exchange.problem}\n".encode()


class Relay:
    """An ASGI app that forwards every request to `upstream` within `limits`."""

    def __init__(
        self,
        upstream: str,
        limits: Limits | None = None,
        on_exchange: Callable[[Exchange], None] | None = None,
    ) -> None:
        parts = urlsplit(upstream)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise ValueError(f"upstream must be an http(s) URL, not {upstream!r}")
        self.upstream = upstream
        self.limits = limits or Limits()
        self.on_exchange = on_exchange
        #: The first problems (bounded), and how many exchanges passed through.
        self.problems: list[str] = []
        self.problem_count = 0
        self.count = 0
        self._client: httpx.AsyncClient | None = None

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(
                timeout=httpx.Timeout(self.limits.timeout),
                follow_redirects=False,  # traffic goes to the upstream only
                trust_env=False,  # no proxies or netrc from the environment
            )
        return self._client

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        raw_path = scope.get("raw_path") or scope["path"].encode()
        query = scope.get("query_string", b"").decode("latin-1")
        exchange = Exchange(
            started=time.time(),
            method=scope["method"],
            url=upstream_url(self.upstream, raw_path.decode("latin-1"), query),
            request_headers=[
                (k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]
            ],
            request_body=b"",
        )
        began = time.monotonic()
        try:
            await self._exchange(exchange, receive)
        finally:
            exchange.elapsed = time.monotonic() - began
        self.count += 1
        if exchange.problem is not None:
            self.problem_count += 1
            if len(self.problems) < MAX_KEPT_PROBLEMS:
                where = f"{exchange.method} {urlsplit(exchange.url).path}"
                self.problems.append(f"{where}: {exchange.problem}")
        if self.on_exchange is not None:
            self.on_exchange(exchange)  # before answering: once the client has it, it is kept
        await self._answer(exchange, send)

    async def _lifespan(self, receive: Any, send: Any) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self._client is not None:
                    await self._client.aclose()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _read_request(self, exchange: Exchange, receive: Any) -> bool:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                exchange.problem = "the client went away"
                return False
            body = message.get("body", b"")
            size += len(body)
            if size > self.limits.max_request_bytes:
                exchange.problem = f"request body larger than {self.limits.max_request_bytes} bytes"
                exchange.status = 413
                return False
            chunks.append(body)
            if not message.get("more_body"):
                exchange.request_body = b"".join(chunks)
                return True

    async def _exchange(self, exchange: Exchange, receive: Any) -> None:
        deadline = self.limits.deadline
        if deadline is not None and time.monotonic() >= deadline:
            exchange.problem = "the run's time limit has passed: not forwarded"
            exchange.status = 503
            return
        if not await self._read_request(exchange, receive):
            return
        headers = [(k, v) for k, v in exchange.request_headers if k.lower() not in _HOP_BY_HOP]
        budget = self.limits.timeout
        if deadline is not None:
            budget = max(0.001, min(budget, deadline - time.monotonic()))
        try:
            async with asyncio.timeout(budget):
                await self._forward(exchange, headers)
        except TimeoutError:
            exchange.problem = f"no complete answer within {budget:.3g} s"
            exchange.status = 504
        except httpx.HTTPError as exc:
            exchange.problem = f"upstream failed: {type(exc).__name__}: {exc}"
            exchange.status = 502

    async def _forward(self, exchange: Exchange, headers: list[tuple[str, str]]) -> None:
        request = self._http().build_request(
            exchange.method, exchange.url, headers=headers, content=exchange.request_body
        )
        response = await self._http().send(request, stream=True)
        keep_head(exchange, response)  # a body cut off later still has its head
        chunks: list[bytes] = []
        size = 0
        try:
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > self.limits.max_response_bytes:
                    exchange.problem = (
                        f"answer larger than {self.limits.max_response_bytes} bytes (cut off)"
                    )
                    exchange.status = 502
                    return
                chunks.append(chunk)
        finally:
            exchange.response_body = b"".join(chunks)
            await response.aclose()

    async def _answer(self, exchange: Exchange, send: Any) -> None:
        status, headers, body = relay_answer(exchange)
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


class ServedApp(BackgroundServer):
    """`with ServedApp(app) as served:` runs an ASGI app (the relay) on a loopback port."""

    thread_name = "citcall-relay"
