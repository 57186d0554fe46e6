"""Transport faults on test numbers (the spec's `x-sandbox-scenarios.faults`), applied once
a request has passed every check: what is processed and what the client gets back.

A dropped connection needs the socket: the sandbox's uvicorn protocol puts a `drop`
callable into the ASGI scope's extensions (`DROP_EXTENSION`). Without it (the app driven
in-process, e.g. through `httpx.ASGITransport`) the drop is raised as `ConnectionDropped`,
an `httpx.RemoteProtocolError`, which is what an httpx client sees over a socket.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from citcall_contract.sandbox.config import SandboxConfig
from citcall_contract.sandbox.responses import JSON_MEDIA_TYPE, dumps, error_body
from citcall_contract.spec.codes import is_success
from citcall_contract.spec.scenarios import Fault

#: Key of the ASGI scope extension holding a callable that closes the client's connection.
DROP_EXTENSION = "citcall_contract.drop"
#: How long a dropping response waits for the server to notice the closed connection.
_DISCONNECT_WAIT = 1.0

Body = dict[str, Any]
Process = Callable[[], Body]


class ConnectionDropped(httpx.RemoteProtocolError):
    """In-process stand-in for a connection the sandbox closed without an answer."""

    def __init__(self, fault: str, processed: bool, request: httpx.Request | None = None) -> None:
        super().__init__(
            f"sandbox fault {fault}: connection closed without an answer (processed: {processed})",
            request=request,
        )
        self.fault = fault
        self.processed = processed


class DropResponse(Response):
    """Closes the connection instead of answering."""

    def __init__(self, fault: str, processed: bool) -> None:
        super().__init__(b"", status_code=200)
        self.fault = fault
        self.processed = processed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        drop = scope.get("extensions", {}).get(DROP_EXTENSION)
        if drop is None:
            request = httpx.Request(scope["method"], str(Request(scope).url))
            raise ConnectionDropped(self.fault, self.processed, request)
        drop()
        # Wait until the server has seen the connection go, so it does not answer for us.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(_DISCONNECT_WAIT):
                while (await receive())["type"] != "http.disconnect":
                    pass


@dataclass(frozen=True)
class FaultResult:
    """What a fault made of a request: the response and whether the operation took effect."""

    response: Response
    processed: bool
    body: Body | None  # the operation's answer, when it ran
    delay: float = 0.0  # seconds to wait before answering (after the request is recorded)


def _json(body: Body) -> Response:
    return Response(dumps(body), media_type=JSON_MEDIA_TYPE)


def _ran(body: Body) -> bool:
    return is_success(body.get("rc"))


def _slow(fault: Fault, config: SandboxConfig, process: Process, attempt: int) -> FaultResult:
    body = process()
    delay = config.slow_delay if config.slow_delay is not None else fault.number("delay")
    return FaultResult(_json(body), _ran(body), body, delay)


def _drop_before(
    fault: Fault, config: SandboxConfig, process: Process, attempt: int
) -> FaultResult:
    return FaultResult(DropResponse(fault.name, processed=False), False, None)


def _drop_after(fault: Fault, config: SandboxConfig, process: Process, attempt: int) -> FaultResult:
    body = process()
    return FaultResult(DropResponse(fault.name, processed=_ran(body)), _ran(body), body)


def _proxy_page(fault: Fault, config: SandboxConfig, process: Process, attempt: int) -> FaultResult:
    params = fault.params
    response = Response(
        str(params["body"]).encode("utf-8"),
        status_code=int(params["status"]),
        media_type=str(params["content_type"]),
    )
    return FaultResult(response, False, None)


def _truncated(fault: Fault, config: SandboxConfig, process: Process, attempt: int) -> FaultResult:
    body = process()
    data = dumps(body)
    response = Response(
        data[: len(data) // 2], media_type=JSON_MEDIA_TYPE, headers={"connection": "close"}
    )
    return FaultResult(response, _ran(body), body)


def _unavailable_then_ok(
    fault: Fault, config: SandboxConfig, process: Process, attempt: int
) -> FaultResult:
    if attempt <= int(fault.number("failures")):
        refused = error_body(int(fault.number("rc")))
        return FaultResult(_json(refused), False, refused)
    body = process()
    return FaultResult(_json(body), _ran(body), body)


def _normal(fault: Fault, config: SandboxConfig, process: Process, attempt: int) -> FaultResult:
    """Faults of the callback (duplicate, late): the answer itself is ordinary."""
    body = process()
    return FaultResult(_json(body), _ran(body), body)


Behaviour = Callable[[Fault, SandboxConfig, Process, int], FaultResult]

#: fault name -> behaviour. create_app refuses to start if the spec names a fault that is
#: not here, so a new row cannot be silently ignored.
BEHAVIOURS: Mapping[str, Behaviour] = {
    "slow": _slow,
    "drop_before": _drop_before,
    "drop_after": _drop_after,
    "html_502": _proxy_page,
    "truncated_json": _truncated,
    "unavailable_then_ok": _unavailable_then_ok,
    "duplicate_callback": _normal,
    "late_callback": _normal,
}


@dataclass(frozen=True)
class CallbackPlan:
    """How a callback is posted: how many copies and how much later than usual."""

    copies: int = 1
    extra_delay: float = 0.0


def callback_plan(fault: Fault | None, config: SandboxConfig) -> CallbackPlan:
    """The callback side of a fault (`duplicate_callback`, `late_callback`), else ordinary."""
    if fault is None:
        return CallbackPlan()
    if fault.name == "duplicate_callback":
        return CallbackPlan(copies=int(fault.number("copies", 2)))
    if fault.name == "late_callback":
        delay = config.late_callback_delay
        return CallbackPlan(extra_delay=fault.number("delay") if delay is None else delay)
    return CallbackPlan()
