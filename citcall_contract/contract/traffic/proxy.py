"""`record`'s relay: what the client gets through it is what it would get without it.

verify's relay turns an upstream failure into a 502 with a note, so that a run reports
it; a recorder must not change what the client under test sees. Here a dropped upstream
connection drops the client's connection, and an answer cut off mid-body reaches the
client cut off (its head, the bytes that came, then a closed connection). Closing the
client's connection needs the server's transport: the ASGI scope extension
`DROP_EXTENSION`, which the sandbox's HTTP protocol provides (`record` serves with it).
Limits of the recorder's own (answer size, time) still answer 502/504 with
`PROBLEM_HEADER`, as in verify.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import httpx

from citcall_contract.contract.verify.relay import Exchange, Relay

#: The ASGI scope extension holding a callable that closes the client's connection
#: (the name `sandbox.faults.DROP_EXTENSION` gives it; a test holds the two equal).
DROP_EXTENSION = "citcall_contract.drop"
DROPPED = "dropped"
TRUNCATED = "truncated"
#: How long a dropping answer waits for the server to notice the closed connection.
_DISCONNECT_WAIT = 1.0


class _Client:
    """The ASGI `send` of one request, and the means to drop its connection."""

    def __init__(self, send: Any, drop: Any, receive: Any) -> None:
        self.send = send
        self.drop = drop
        self.receive = receive

    async def __call__(self, message: dict[str, Any]) -> None:
        await self.send(message)


class TransparentRelay(Relay):
    """A `Relay` that passes the upstream's transport faults on as they are."""

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            drop = (scope.get("extensions") or {}).get(DROP_EXTENSION)
            send = _Client(send, drop, receive)
        await super().__call__(scope, receive, send)

    async def _forward(self, exchange: Exchange, headers: list[tuple[str, str]]) -> None:
        try:
            await super()._forward(exchange, headers)
        except httpx.TimeoutException:
            raise TimeoutError from None  # the recorder's own time limit: answered 504
        except httpx.TransportError as exc:
            if exchange.status is None:
                exchange.fault = DROPPED
                exchange.problem = f"the upstream gave no answer ({type(exc).__name__})"
            else:
                exchange.fault = TRUNCATED
                exchange.problem = (
                    f"the upstream closed the connection after {len(exchange.response_body)} "
                    f"bytes of the answer ({type(exc).__name__})"
                )

    async def _answer(self, exchange: Exchange, send: Any) -> None:
        client = send if isinstance(send, _Client) else None
        if exchange.fault is None or client is None or client.drop is None:
            await super()._answer(exchange, send)
            return
        if exchange.fault == TRUNCATED:
            declared = [
                (k, v) for k, v in exchange.raw_response_headers if k.lower() == b"content-length"
            ]
            headers = [
                (k, v)
                for k, v in exchange.raw_response_headers
                if k.lower() not in {b"content-length", b"content-encoding"}
            ]
            if not any(k.lower() == b"content-encoding" for k, _ in exchange.raw_response_headers):
                headers += declared  # the length the client was promised, not delivered
            await send(
                {"type": "http.response.start", "status": exchange.status, "headers": headers}
            )
            await send(
                {"type": "http.response.body", "body": exchange.response_body, "more_body": True}
            )
        client.drop()
        # Wait until the server has seen the connection go, so it does not answer for us.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(_DISCONNECT_WAIT):
                while (await client.receive())["type"] != "http.disconnect":
                    pass
