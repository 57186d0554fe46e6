"""The sandbox as a Starlette app: every operation of the spec, at three base paths.

Each request goes through the gateway's checks in order: method (99), auth (98/96/77/76),
JSON (97), schema (88/42/7/43/...), callback host, scenario rc, then the operation
itself (balance 14, verification 78-81). Every business outcome is HTTP 200 with `rc`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any, NamedTuple

from starlette.applications import Starlette
from starlette.datastructures import URLPath
from starlette.exceptions import HTTPException
from starlette.middleware.errors import ServerErrorMiddleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Match, NoMatchFound, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from citcall_contract.core.hosts import host_header_name, is_allowed, is_loopback_host
from citcall_contract.sandbox.config import SandboxConfig
from citcall_contract.sandbox.credentials import check_authorization
from citcall_contract.sandbox.faults import BEHAVIOURS, ConnectionDropped
from citcall_contract.sandbox.operations import HANDLERS, Handler
from citcall_contract.sandbox.relaxation import unimplemented
from citcall_contract.sandbox.responses import error_body, json_response
from citcall_contract.sandbox.state import SandboxState
from citcall_contract.sandbox.validation import Rejection, checker, parse_json_object
from citcall_contract.spec import Operation, operation_callback, operations
from citcall_contract.spec.codes import is_success, parse_rc, rc_named
from citcall_contract.spec.rules import international_msisdn
from citcall_contract.spec.scenarios import faults, forced_rc, validation_rules

logger = logging.getLogger("citcall_contract.sandbox")

#: Base paths the operations are served under: the spec's own paths, the provider's
#: documented `/gateway/v3` and the named hosts' `/v3`.
BASE_PATHS = ("", "/gateway/v3", "/v3")
INSPECTION_PREFIX = "/_sandbox"
_SLASHES = re.compile("/{2,}")

Endpoint = Callable[[Request], Awaitable[Response]]


class _AnyMethod:
    """An endpoint as a plain ASGI app, so the route takes every method and the endpoint
    answers a wrong one with rc 99 and HTTP 200, as the gateway does (not a 405)."""

    def __init__(self, endpoint: Endpoint) -> None:
        self._endpoint = endpoint

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = await self._endpoint(Request(scope, receive))
        await response(scope, receive, send)


class _OperationPaths(BaseRoute):
    """Every operation at every base path, found with one dict lookup.

    Starlette's router tries each route's regex in turn (a few microseconds a route, on
    every request); the operations' paths are fixed strings, so a dict finds them at once.
    """

    def __init__(self, endpoints: Mapping[str, ASGIApp]) -> None:
        self._endpoints = dict(endpoints)

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] == "http":
            endpoint = self._endpoints.get(_route_path(scope))
            if endpoint is not None:
                return Match.FULL, {"endpoint": endpoint, "path_params": {}}
        return Match.NONE, {}

    def url_path_for(self, name: str, /, **path_params: Any) -> URLPath:
        raise NoMatchFound(name, path_params)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        await scope["endpoint"](scope, receive, send)


def _route_path(scope: Scope) -> str:
    """The path below the app's `root_path`, as Starlette's routes match it."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    if root and path.startswith(root) and path[len(root) : len(root) + 1] == "/":
        return path[len(root) :]
    return path


async def _read_body(request: Request, limit: int) -> bytes | None:
    """The body, or None when it is larger than `limit` bytes (read no further).

    Reads the ASGI messages directly: most bodies come in one message, and
    `Request.stream()`'s async generator costs more than the read itself.
    """
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        return None
    chunks: list[bytes] = []
    size = 0
    more = True
    while more:
        message = await request.receive()
        if message["type"] == "http.disconnect":
            raise ClientDisconnect
        if message["type"] != "http.request":
            continue
        chunk = message.get("body", b"")
        more = message.get("more_body", False)
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def rejection_body(rejection: Rejection) -> dict[str, Any]:
    return error_body(rejection.rc, rejection.detail, rejection.info)


class _Outcome(NamedTuple):
    """An answer and what the request did: the fault applied, processed or not, rc, trxid.

    (A named tuple: built on every request, and far cheaper than a frozen dataclass.)"""

    response: Response
    processed: bool = False
    body: Mapping[str, Any] | None = None
    fault: str | None = None
    delay: float = 0.0


def _answer(body: dict[str, Any], processed: bool = False) -> _Outcome:
    return _Outcome(json_response(body), processed, body)


def _operation_endpoint(state: SandboxState, op: Operation, handler: Handler) -> Endpoint:
    config = state.config
    op_id = op.operation_id
    request_checker = checker(op_id, state.rules.names)  # compiled now, not on first use
    forms = state.answer_forms  # None unless answers vary (`answer_forms="varied"`)
    wrong_method = rc_named("WRONG_METHOD")
    invalid_json = rc_named("INVALID_JSON_FORMAT")
    callback_refused = validation_rules().callback_host_refused_rc
    allow_hosts = config.callback_allow_hosts
    # Only operations that post callbacks care where `callback_url` points.
    checks_callback_url = operation_callback(op_id) is not None

    async def handle(request: Request) -> tuple[_Outcome, object]:
        """The outcome and the msisdn as received (None before the body is read)."""
        if request.method != "POST":
            wrong = error_body(wrong_method, f"{request.method} {op.path}; use POST")
            return _answer(wrong), None
        refused = check_authorization(request.headers.get("authorization"), config)
        if refused is not None:
            return _answer(error_body(refused)), None
        raw = await _read_body(request, config.max_body_bytes)
        if raw is None:
            detail = f"body larger than {config.max_body_bytes} bytes"
            return _answer(error_body(invalid_json, detail)), None
        body = parse_json_object(raw)
        if isinstance(body, Rejection):
            return _answer(rejection_body(body)), None
        msisdn = body.get("msisdn")
        rejection = request_checker.check(body)
        if rejection is not None:
            return _answer(rejection_body(rejection)), msisdn
        url = body.get("callback_url")
        if checks_callback_url and isinstance(url, str) and not is_allowed(url, allow_hosts):
            detail = "callback_url host is not in the sandbox's callback allowlist"
            return _answer(error_body(callback_refused, detail)), msisdn
        fault = state.fault_of(op_id, msisdn)
        if fault is not None:
            attempt = state.next_attempt(fault, international_msisdn(body["msisdn"]))
            result = BEHAVIOURS[fault.name](
                fault, config, lambda: handler(state, op_id, body, False), attempt
            )
            outcome = _Outcome(
                result.response, result.processed, result.body, fault.name, result.delay
            )
            return outcome, msisdn
        forced = forced_rc(body["msisdn"])
        if forced is not None and not is_success(forced):
            return _answer(error_body(forced)), msisdn
        answer = handler(state, op_id, body, forced is not None)
        return _answer(answer, is_success(answer.get("rc"))), msisdn

    async def endpoint(request: Request) -> Response:
        outcome, msisdn = await handle(request)
        answered = outcome.body or {}
        rc = answered.get("rc")
        trxid = answered.get("trxid")
        state.requests.add(
            operation=op_id,
            path=op.path,
            msisdn=msisdn,
            fault=outcome.fault,
            processed=outcome.processed,
            rc=_rc_or_none(rc),
            trxid=trxid if isinstance(trxid, str) else None,
        )
        delay = outcome.delay + config.latency
        if delay:
            await asyncio.sleep(delay)
        if forms is not None:
            return forms.answer(op_id, outcome.body, outcome.response)
        return outcome.response

    return endpoint


def _rc_or_none(raw: object) -> int | None:
    try:
        return parse_rc(raw)
    except (TypeError, ValueError):
        return None


def _inspection_routes(state: SandboxState) -> list[BaseRoute]:
    async def deliveries(request: Request) -> Response:
        return json_response(state.deliveries.snapshot(request.query_params.get("trxid")))

    def _filters(request: Request) -> tuple[str | None, str | None]:
        return request.query_params.get("msisdn"), request.query_params.get("operation")

    async def requests(request: Request) -> Response:
        return json_response(state.requests.snapshot(*_filters(request)))

    async def sends(request: Request) -> Response:
        return json_response(state.sends(*_filters(request)))

    async def fault_table(request: Request) -> Response:
        rows = [
            {"name": f.name, "msisdn": f.msisdn, "processed": f.processed, **f.params}
            | {"description": f.description}
            for f in faults().values()
        ]
        return json_response(rows)

    async def health(request: Request) -> Response:
        return json_response(
            {
                "status": "ok",
                "transactions": len(state.otps),
                "pending_callbacks": state.dispatcher.pending,
                "deliveries": len(state.deliveries),
                "requests": len(state.requests),
                "balance": state.balance.remaining,
            }
        )

    async def reset(request: Request) -> Response:
        state.reset()
        return json_response({"status": "reset"})

    allowed = {name.strip("[]").lower() for name in state.config.inspection_allow_hosts}

    def loopback_only(endpoint: Endpoint) -> Endpoint:
        """Refuse a `Host` that is not a loopback name: a page on another site that
        rebinds its DNS name to 127.0.0.1 still sends its own name, so it cannot read
        OTP deliveries or reset the sandbox."""

        async def guarded(request: Request) -> Response:
            host = host_header_name(request.headers.get("host"))
            if host is None or not (is_loopback_host(host) or host in allowed):
                detail = "inspection endpoints answer loopback Host names only"
                return json_response(error_body(rc_named("UNKNOWN_ERROR"), detail), 403)
            return await endpoint(request)

        return guarded

    return [
        Route(f"{INSPECTION_PREFIX}/deliveries", loopback_only(deliveries), methods=["GET"]),
        Route(f"{INSPECTION_PREFIX}/health", loopback_only(health), methods=["GET"]),
        Route(f"{INSPECTION_PREFIX}/requests", loopback_only(requests), methods=["GET"]),
        Route(f"{INSPECTION_PREFIX}/sends", loopback_only(sends), methods=["GET"]),
        Route(f"{INSPECTION_PREFIX}/faults", loopback_only(fault_table), methods=["GET"]),
        Route(f"{INSPECTION_PREFIX}/reset", loopback_only(reset), methods=["POST"]),
    ]


async def _http_error(request: Request, exc: Exception) -> Response:
    """Unknown path (404) or wrong method on an inspection endpoint (405), as JSON."""
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    if status == 405:
        body = error_body(rc_named("WRONG_METHOD"), f"{request.method} {request.url.path}")
    else:
        body = error_body(rc_named("UNKNOWN_ERROR"), f"no operation at {request.url.path}")
    return json_response(body, status_code=status)


async def _server_error(request: Request, exc: Exception) -> Response:
    if isinstance(exc, ConnectionDropped):  # a fault in-process, raised on to the caller
        return json_response(error_body(rc_named("UNKNOWN_ERROR"), str(exc)), 500)
    logger.exception("sandbox error on %s %s", request.method, request.url.path)
    return json_response(error_body(rc_named("UNKNOWN_ERROR"), "sandbox error"), 500)


def create_app(config: SandboxConfig | None = None) -> SandboxApp:
    """A sandbox app with its own state. Validators are compiled (once per process) here."""
    config = config or SandboxConfig()
    state = SandboxState.create(config)
    missing = sorted(set(operations()) - set(HANDLERS))
    if missing:
        raise RuntimeError(f"the sandbox has no handler for operations {missing}")
    unknown_faults = sorted(set(faults()) - set(BEHAVIOURS))
    if unknown_faults:
        raise RuntimeError(f"the sandbox has no behaviour for faults {unknown_faults}")
    if unimplemented():
        raise RuntimeError(f"the sandbox cannot relax the rules {unimplemented()}")
    endpoints: dict[str, ASGIApp] = {}
    for op in operations().values():
        endpoint = _AnyMethod(_operation_endpoint(state, op, HANDLERS[op.operation_id]))
        endpoints.update((base + op.path, endpoint) for base in BASE_PATHS)
    routes: list[BaseRoute] = [_OperationPaths(endpoints), *_inspection_routes(state)]

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        await state.dispatcher.aclose()

    handlers: dict[Any, Callable[[Request, Exception], Awaitable[Response]]] = {
        HTTPException: _http_error,
        Exception: _server_error,
    }
    app = SandboxApp(
        routes=routes, exception_handlers=handlers, lifespan=lifespan, operations=endpoints
    )
    app.state.sandbox = state
    return app


def normalize_path(path: str) -> str:
    """The path as the gateway reads it: repeated slashes merged, a trailing slash dropped.

    The official PHP SDK (3.4) joins `https://pub.citcall.com/` and `/v3/motp` into
    `//v3/motp`; the gateway's front servers merge slashes, so it works in production.
    """
    if "//" in path:
        path = _SLASHES.sub("/", path)
    if len(path) > 1 and path.endswith("/"):
        path = path.rstrip("/") or "/"
    return path


class SandboxApp(Starlette):
    """Starlette, with paths read the way the gateway reads them (`normalize_path`), and a
    short way in for operation requests.

    An operation's endpoint answers every outcome itself (rc 99 for a wrong method, never
    an HTTPException), so of Starlette's stack it needs only ServerErrorMiddleware (a 500
    answer, then the exception raised on, e.g. `ConnectionDropped` in-process). Its
    requests go straight there; the exception middleware and the router, a quarter of a
    request's time, serve the inspection endpoints and unknown paths as before.
    """

    def __init__(self, *, operations: Mapping[str, ASGIApp] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._operations = {
            path: ServerErrorMiddleware(endpoint, handler=_server_error)
            for path, endpoint in (operations or {}).items()
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path = scope["path"]
            normal = normalize_path(path)
            if normal != path:
                scope = {**scope, "path": normal, "raw_path": normal.encode("utf-8")}
            operation = None if scope.get("root_path") else self._operations.get(normal)
            if operation is not None:
                scope["app"] = self
                await operation(scope, receive, send)
                return
        await super().__call__(scope, receive, send)
