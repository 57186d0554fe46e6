"""Delivery to an in-process WSGI app (Flask, Django's WSGI handler), blocking.

The app runs through httpx's `WSGITransport`; the caller runs this on its own daemon
thread (`threads.in_thread`), so a hanging app is abandoned at the deadline. An app
that raises before answering is answered 500, as a WSGI server would.
"""

from __future__ import annotations

from typing import Any

import httpx

from citcall_contract.core.delivery.results import Collected, exception_text
from citcall_contract.core.delivery.targets import Request


def wsgi_exchange(app: Any, request: Request, collected: Collected) -> None:
    """Run `app` through httpx's WSGITransport, reading at most `max_body` bytes."""
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
                collected.raised = exception_text(exc)
                collected.error = f"the app failed during its answer: {collected.raised}"
    except Exception as exc:
        collected.raised = exception_text(exc)
        if collected.status is None:
            collected.server_error(request.max_body)
