"""Deliver one HTTP request to a URL or to an in-process ASGI / WSGI app, bounded in time and size.

The one delivery mechanism of the kit: `trigger`, `verify-receiver`, the
`citcall_callbacks` fixture and the in-process mock all send through here, so a
receiver answers the same way whether it listens on a port or is handed over as an app
object (Starlette, FastAPI, Django's ASGI handler; Flask, Django's WSGI handler).

- A URL is contacted only when its host is allowed (`citcall_contract.core.hosts`: loopback
  unless the caller names more hosts); no proxies from the environment, no redirects.
- An app is called through httpx's `ASGITransport` / `WSGITransport`: no port, no thread
  pool of a server, the app's own routing and middleware.
- Every delivery has one deadline (`timeout`, for the whole exchange) and keeps at most
  `max_body` bytes of the answer. A hang, a dropped connection or an app that raised
  after starting its answer come back as `DeliveryResult.error`, never as an exception.
  An app that raises before answering is answered 500, as a server would.

`deliver` is for synchronous callers (it runs the exchange on a helper thread, so it
also works inside a running event loop); `adeliver` is the same for async callers. A
WSGI app always runs on its own daemon thread, so a hanging one is abandoned at the
deadline instead of blocking the caller. An async app that blocks its event loop
(`time.sleep` in `async def`) cannot be interrupted by `adeliver`; `deliver` still
returns at the deadline.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import inspect
import ssl
import threading
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import Any, Literal

import httpx

from citcall_contract.core.hosts import LOOPBACK_HOSTS, hide_userinfo, is_allowed

__all__ = [
    "DEFAULT_MAX_BODY",
    "DEFAULT_TIMEOUT",
    "DeliveryRefused",
    "DeliveryResult",
    "Target",
    "adeliver",
    "app_interface",
    "check_target",
    "deliver",
    "safe_url",
]

#: Seconds a delivery may take, answer included, unless the caller says otherwise.
DEFAULT_TIMEOUT = 5.0
#: Bytes of the answer kept (the rest is not read); receivers' answers are tiny.
DEFAULT_MAX_BODY = 64 * 1024
#: Host name in the URL seen by an in-process app.
APP_BASE_URL = "http://testserver"
#: What a server answers (status 500) for an app that raised before answering.
SERVER_ERROR_BODY = b"Internal Server Error"

#: A URL, or an ASGI (`async (scope, receive, send)`) or WSGI (`(environ, start_response)`) app.
Target = str | Callable[..., Any]
Interface = Literal["asgi", "wsgi"]


class DeliveryRefused(ValueError):
    """The target may not be contacted (host not allowed, not a URL or app); nothing was sent."""


@dataclass(frozen=True)
class DeliveryResult:
    """How the target answered: `status` None means it never answered (see `error`)."""

    status: int | None
    #: Answer headers, names in lower case (repeated headers joined with ", ").
    headers: Mapping[str, str] = field(default_factory=dict)
    #: The first `max_body` bytes of the answer.
    body: bytes = b""
    #: True when the answer was longer than `max_body` (the rest was not read).
    truncated: bool = False
    #: Seconds from the start of the delivery to the end of the answer (or the failure).
    elapsed: float = 0.0
    #: Why the exchange failed (timed out, connection dropped, app failed mid-answer).
    error: str | None = None
    #: The exception an in-process app raised (a server would log it), as "Type: message".
    raised: str | None = None

    @property
    def answered(self) -> bool:
        """True when a complete status line and headers came back and nothing failed."""
        return self.status is not None and self.error is None

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def snippet(self, limit: int = 200) -> str:
        """The start of the body as text, for one-line reports."""
        text = self.text.replace("\r", " ").replace("\n", " ")
        return text if len(text) <= limit else text[: limit - 3] + "..."


def deliver(
    target: Target,
    *,
    body: bytes = b"",
    path: str = "",
    method: str = "POST",
    headers: Mapping[str, str] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    max_body: int = DEFAULT_MAX_BODY,
    allow_hosts: Iterable[str] = (),
    interface: Interface | None = None,
) -> DeliveryResult:
    """Send one request to `target` and return its answer; blocks at most about `timeout` s.

    `target` is a URL (`path` is appended to its path) or an app (`path` is the request
    path, "/" when empty). `allow_hosts` adds hosts to the loopback default. `interface`
    forces "asgi" or "wsgi" when an app's signature does not tell. Raises
    `DeliveryRefused` before sending anything when the target may not be contacted.
    """
    request = _request(target, body, path, method, headers, timeout, max_body, allow_hosts)
    kind = _interface(target, interface)
    box: list[DeliveryResult] = []
    started = time.perf_counter()

    def run() -> None:
        try:
            box.append(asyncio.run(_deliver(kind, target, request)))
        except Exception as exc:  # a failure of the exchange itself, reported, not raised
            elapsed = time.perf_counter() - started
            box.append(DeliveryResult(None, elapsed=elapsed, error=f"delivery failed: {exc!r}"))

    worker = threading.Thread(target=run, name="citcall-delivery", daemon=True)
    worker.start()
    # The async side enforces the deadline; the margin covers an app blocking its loop.
    worker.join(timeout + 1.0)
    if box:
        return box[0]
    return DeliveryResult(
        None, elapsed=time.perf_counter() - started, error=_timed_out(timeout, blocked=True)
    )


async def adeliver(
    target: Target,
    *,
    body: bytes = b"",
    path: str = "",
    method: str = "POST",
    headers: Mapping[str, str] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    max_body: int = DEFAULT_MAX_BODY,
    allow_hosts: Iterable[str] = (),
    interface: Interface | None = None,
) -> DeliveryResult:
    """`deliver` for async callers: an ASGI app runs on the caller's event loop."""
    request = _request(target, body, path, method, headers, timeout, max_body, allow_hosts)
    return await _deliver(_interface(target, interface), target, request)


def check_target(
    target: Target,
    *,
    path: str = "",
    allow_hosts: Iterable[str] = (),
    interface: Interface | None = None,
) -> None:
    """Raise `DeliveryRefused` if `deliver` would refuse `target`; contacts nothing."""
    _request(target, b"", path, "POST", None, DEFAULT_TIMEOUT, 0, allow_hosts)
    _interface(target, interface)


def app_interface(app: Callable[..., Any]) -> Interface:
    """Which kind of app: "asgi" for `async (scope, receive, send)`, else "wsgi" for
    `(environ, start_response)`; DeliveryRefused when the signature does not tell."""
    call = app if inspect.isfunction(app) or inspect.ismethod(app) else type(app).__call__
    if inspect.iscoroutinefunction(call) or inspect.iscoroutinefunction(app):
        return "asgi"
    try:
        parameters = inspect.signature(app).parameters.values()
    except (TypeError, ValueError):
        parameters = None
    if parameters is not None:
        positional = [
            p
            for p in parameters
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty
        ]
        if len(positional) == 3:
            return "asgi"
        if len(positional) == 2:
            return "wsgi"
    raise DeliveryRefused(
        f"cannot tell whether {type(app).__name__} is an ASGI or a WSGI app; pass interface="
    )


# --- the request, checked before anything is sent -------------------------------------


@dataclass(frozen=True)
class _Request:
    url: str
    method: str
    headers: Mapping[str, str]
    body: bytes
    timeout: float
    max_body: int


def _request(
    target: Target,
    body: bytes,
    path: str,
    method: str,
    headers: Mapping[str, str] | None,
    timeout: float,
    max_body: int,
    allow_hosts: Iterable[str],
) -> _Request:
    if not timeout > 0 or timeout == float("inf"):
        raise DeliveryRefused(f"timeout must be a positive number of seconds, not {timeout!r}")
    if max_body < 0:
        raise DeliveryRefused(f"max_body must be >= 0, not {max_body!r}")
    if path and not path.startswith("/"):
        raise DeliveryRefused(f"path must start with '/', not {path!r}")
    if isinstance(target, str):
        allowed = (*LOOPBACK_HOSTS, *allow_hosts)
        if not is_allowed(target, allowed):
            raise DeliveryRefused(
                f"{safe_url(target)}: not an http(s) URL of an allowed host "
                "(loopback only, unless the host is allowed explicitly)"
            )
        url = target.rstrip("/") + path if path else target
    elif callable(target):
        url = APP_BASE_URL + (path or "/")
    else:
        raise DeliveryRefused(f"target must be a URL or an ASGI/WSGI app, not {target!r}")
    # Uncompressed answers: `max_body` then bounds what is held, not what a bomb expands to.
    sent = {"Accept-Encoding": "identity", **(headers or {})}
    return _Request(url, method.upper(), sent, bytes(body), timeout, max_body)


def _interface(target: Target, forced: Interface | None) -> Interface | None:
    if isinstance(target, str):
        return None
    if forced is not None:
        if forced not in ("asgi", "wsgi"):
            raise DeliveryRefused(f"interface must be 'asgi' or 'wsgi', not {forced!r}")
        return forced
    return app_interface(target)


def safe_url(url: str) -> str:
    """`url` with its user information hidden (`hosts.hide_userinfo`), even when malformed."""
    try:
        return hide_userinfo(url)
    except ValueError:
        return repr(url[:80]) if "@" not in url else "(a malformed URL)"


def _timed_out(timeout: float, *, blocked: bool = False) -> str:
    why = " (the app blocked its event loop)" if blocked else ""
    return f"timed out: no complete answer within {timeout:g} s{why}"


# --- the exchange ---


async def _deliver(kind: Interface | None, target: Target, request: _Request) -> DeliveryResult:
    started = time.perf_counter()
    collected = _Collected()
    try:
        if kind == "wsgi":
            await _in_thread(_wsgi_exchange, target, request, collected)
        else:
            async with asyncio.timeout(request.timeout):
                if kind == "asgi":
                    await _asgi_exchange(target, request, collected)
                else:
                    await _url_exchange(request, collected)
    except TimeoutError:
        collected.error = _timed_out(request.timeout)
    except httpx.TimeoutException:
        collected.error = _timed_out(request.timeout)
    except httpx.HTTPError as exc:
        collected.error = f"connection failed: {type(exc).__name__}: {exc}"
    except Exception as exc:  # e.g. an app breaking the ASGI protocol: reported, not raised
        collected.error = f"delivery failed: {type(exc).__name__}: {exc}"
    return collected.result(time.perf_counter() - started)


@dataclass
class _Collected:
    """What came back so far; filled by the exchange, read once it ends."""

    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    chunks: list[bytes] = field(default_factory=list)
    size: int = 0
    truncated: bool = False
    error: str | None = None
    raised: str | None = None

    def take(self, chunk: bytes, limit: int) -> bool:
        """Keep what fits under `limit`; False once the answer is longer than that."""
        room = limit - self.size
        if len(chunk) > room:
            self.chunks.append(chunk[: max(room, 0)])
            self.size = limit
            self.truncated = True
            return False
        self.chunks.append(chunk)
        self.size += len(chunk)
        return True

    def set_headers(self, raw: Iterable[tuple[Any, Any]]) -> None:
        for count, (name, value) in enumerate(raw):
            if count >= 100:  # an app may send any number; a report needs a few
                break
            key = _text(name).lower()
            text = _text(value)
            self.headers[key] = f"{self.headers[key]}, {text}" if key in self.headers else text

    def result(self, elapsed: float) -> DeliveryResult:
        return DeliveryResult(
            status=self.status,
            headers=dict(self.headers),
            body=b"".join(self.chunks),
            truncated=self.truncated,
            elapsed=elapsed,
            error=self.error,
            raised=self.raised,
        )


def _text(value: Any) -> str:
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("latin-1")
    return str(value)


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """One verifying context for all URL deliveries (building one costs milliseconds)."""
    return ssl.create_default_context()


async def _url_exchange(request: _Request, collected: _Collected) -> None:
    async with (
        httpx.AsyncClient(
            timeout=request.timeout, trust_env=False, follow_redirects=False, verify=_ssl_context()
        ) as client,
        client.stream(
            request.method, request.url, content=request.body, headers=request.headers
        ) as response,
    ):
        collected.status = response.status_code
        collected.set_headers(response.headers.multi_items())
        async for chunk in response.aiter_raw():
            if not collected.take(chunk, request.max_body):
                break


class _StopApp(Exception):
    """Raised into an ASGI app's `send` once its answer is longer than we keep."""


async def _asgi_exchange(app: Any, request: _Request, collected: _Collected) -> None:
    """Run `app` through httpx's ASGITransport, recording (and capping) what it sends."""
    silent = False  # the app returned without answering: no status to report

    async def capped(
        scope: MutableMapping[str, Any],
        receive: Callable[[], Awaitable[MutableMapping[str, Any]]],
        send: Callable[[MutableMapping[str, Any]], Awaitable[None]],
    ) -> None:
        nonlocal silent
        complete = False

        async def recording_send(message: MutableMapping[str, Any]) -> None:
            nonlocal complete
            if complete:
                return
            if message["type"] == "http.response.start":
                collected.status = int(message["status"])
                collected.set_headers(message.get("headers", ()))
                await send(message)
            elif message["type"] == "http.response.body":
                fits = collected.take(bytes(message.get("body", b"")), request.max_body)
                if not fits or not message.get("more_body", False):
                    complete = True
                    await send({"type": "http.response.body", "body": b"", "more_body": False})
                if not fits:
                    raise _StopApp

        try:
            await app(scope, receive, recording_send)
        except _StopApp:
            pass
        except Exception as exc:
            collected.raised = _exception(exc)
            if collected.status is None:
                await _answer_500(send, collected, request)
                complete = True
            elif not complete:
                collected.error = f"the app failed during its answer: {collected.raised}"
        if collected.status is None:
            collected.error, silent = "the app returned without answering", True
            await send({"type": "http.response.start", "status": 500, "headers": []})
        if not complete:
            await send({"type": "http.response.body", "body": b"", "more_body": False})

    transport = httpx.ASGITransport(app=capped, client=("127.0.0.1", 50000))
    async with httpx.AsyncClient(transport=transport, trust_env=False) as client:
        await client.request(
            request.method, request.url, content=request.body, headers=request.headers
        )
    if silent:
        collected.status = None


async def _answer_500(
    send: Callable[[MutableMapping[str, Any]], Awaitable[None]],
    collected: _Collected,
    request: _Request,
) -> None:
    """What an ASGI server answers when the app raised before starting its answer."""
    collected.status = 500
    collected.set_headers([("content-type", "text/plain; charset=utf-8")])
    collected.take(SERVER_ERROR_BODY, request.max_body)
    await send({"type": "http.response.start", "status": 500, "headers": []})
    await send({"type": "http.response.body", "body": b"", "more_body": False})


def _wsgi_exchange(app: Any, request: _Request, collected: _Collected) -> None:
    """Run `app` through httpx's WSGITransport (blocking), reading at most `max_body` bytes."""
    transport = httpx.WSGITransport(app=app)
    try:
        with (
            httpx.Client(transport=transport, trust_env=False) as client,
            client.stream(
                request.method, request.url, content=request.body, headers=request.headers
            ) as response,
        ):
            collected.status = response.status_code
            collected.set_headers(response.headers.multi_items())
            try:
                for chunk in response.iter_raw():
                    if not collected.take(chunk, request.max_body):
                        break
            except Exception as exc:
                collected.raised = _exception(exc)
                collected.error = f"the app failed during its answer: {collected.raised}"
    except Exception as exc:
        # A WSGI server answers 500 when the app raises before answering.
        collected.raised = _exception(exc)
        if collected.status is None:
            collected.status = 500
            collected.set_headers([("content-type", "text/plain; charset=utf-8")])
            collected.take(SERVER_ERROR_BODY, request.max_body)


def _exception(exc: BaseException) -> str:
    text = str(exc)
    text = text if len(text) <= 200 else text[:197] + "..."
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


async def _in_thread(
    work: Callable[[Any, _Request, _Collected], None],
    app: Any,
    request: _Request,
    collected: _Collected,
) -> None:
    """Run blocking `work` on a daemon thread; give up on it (not wait) at the deadline."""
    loop = asyncio.get_running_loop()
    done: asyncio.Future[None] = loop.create_future()
    # The thread fills its own record, copied over only when it finished in time.
    own = _Collected()

    def finish(error: BaseException | None) -> None:
        if done.done():
            return
        if error is None:
            done.set_result(None)
        else:
            done.set_exception(error)

    def run() -> None:
        error: BaseException | None = None
        try:
            work(app, request, own)
        except BaseException as exc:  # reported on the caller's side
            error = exc
        # RuntimeError: the caller's loop is gone, nobody is waiting any more.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(finish, error)

    threading.Thread(target=run, name="citcall-delivery-wsgi", daemon=True).start()
    try:
        await asyncio.wait_for(asyncio.shield(done), request.timeout)
    except TimeoutError:
        collected.error = _timed_out(request.timeout)
        collected.status = own.status
        return
    for name in ("status", "headers", "chunks", "size", "truncated", "error", "raised"):
        setattr(collected, name, getattr(own, name))
