"""Delivery to an in-process ASGI app (Starlette, FastAPI, Django's ASGI handler).

The app runs through httpx's `ASGITransport` on the caller's event loop: no port, the
app's own routing and middleware. Its answer is recorded as it is sent and capped at
`max_body`; an app that raises before answering is answered 500, as a server would.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import httpx

from citcall_contract.core.delivery.results import Collected, exception_text
from citcall_contract.core.delivery.targets import Request

Message = MutableMapping[str, Any]
Send = Callable[[Message], Awaitable[None]]


class _StopApp(Exception):
    """Raised into an ASGI app's `send` once its answer is longer than we keep."""


async def asgi_exchange(app: Any, request: Request, collected: Collected) -> None:
    """Run `app` through httpx's ASGITransport, recording (and capping) what it sends."""
    silent = False  # the app returned without answering: no status to report

    async def capped(scope: Message, receive: Callable[[], Awaitable[Message]], send: Send) -> None:
        nonlocal silent
        complete = False

        async def recording_send(message: Message) -> None:
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
                    await _end(send)
                if not fits:
                    raise _StopApp

        try:
            await app(scope, receive, recording_send)
        except _StopApp:
            pass
        except Exception as exc:
            collected.raised = exception_text(exc)
            if collected.status is None:
                collected.server_error(request.max_body)
                await send({"type": "http.response.start", "status": 500, "headers": []})
                await _end(send)
                complete = True
            elif not complete:
                collected.error = f"the app failed during its answer: {collected.raised}"
        if collected.status is None:
            collected.error, silent = "the app returned without answering", True
            await send({"type": "http.response.start", "status": 500, "headers": []})
        if not complete:
            await _end(send)

    transport = httpx.ASGITransport(app=capped, client=("127.0.0.1", 50000))
    async with httpx.AsyncClient(transport=transport, trust_env=False) as client:
        await client.request(
            request.method, request.url, content=request.body, headers=request.headers
        )
    if silent:
        collected.status = None


async def _end(send: Send) -> None:
    await send({"type": "http.response.body", "body": b"", "more_body": False})
