"""Deliberately wrong gateways: `verify` must fail on each, naming the broken check."""

from __future__ import annotations

import json
import threading
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from citcall_contract import spec
from citcall_contract.core.serving import BackgroundServer

from ..gateways import RewritingGateway

ASGIApp = Callable[
    [dict, Callable[[], Awaitable[dict]], Callable[[dict], Awaitable[None]]], Awaitable[None]
]


def yes_man_app() -> Starlette:
    """Says rc 0 to everything (any method, any credentials, any body) with a thin body,
    and posts a callback that lacks `result` to any loopback callback_url."""

    async def answer(request: Request) -> JSONResponse:
        try:
            body = json.loads(await request.body())
        except ValueError:
            body = {}
        url = body.get("callback_url") if isinstance(body, dict) else None
        if isinstance(url, str) and url.startswith("http://127.0.0.1:"):
            threading.Thread(
                target=httpx.post, args=(url,), kwargs={"json": {"trxid": "1"}}
            ).start()
        return JSONResponse({"rc": 0, "trxid": "1"})

    methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"]
    routes = [
        Route(base + op.path, answer, methods=methods)
        for op in spec.operations().values()
        for base in ("", "/gateway/v3", "/v3")
    ]
    return Starlette(routes=routes)


#: An rc the spec does not list: `verify` must report it as new, not fail on it.
NEW_RC = 177


def forgetful_strict_sandbox() -> RewritingGateway:
    """Refuses every valid SMS with MISSING_PARAMETER and never finds a transaction;
    its deprecated /call answers with a code the spec does not know."""

    def rewrite(path: str, body: dict[str, Any]) -> dict[str, Any]:
        if path.endswith("/call") and body.get("rc") == 0:
            return {"rc": NEW_RC, "info": "a code from the future"}
        if path.endswith("/sms") and body.get("rc") == 0:
            return {"rc": 88, "info": "missing parameter"}
        if path.endswith("/verify"):
            return {"rc": 78, "info": "Data not found!"}
        return body

    return RewritingGateway(rewrite)


class ServedApp(BackgroundServer):
    """Any ASGI app on a free loopback port (uvicorn in a thread), for HTTP runs."""

    def uvicorn_config(self, log_level: str) -> Any:
        import uvicorn

        return uvicorn.Config(self.app, log_level="warning", lifespan="off")
