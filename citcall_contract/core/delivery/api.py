"""`deliver`, `adeliver`, `check_target`: one request to a URL or an app, bounded.

The target and options are checked first (`targets.prepare`: nothing is sent when they
are refused); then the one mechanism for the target runs (`url`, `asgi`, `wsgi`) under
the deadline, and whatever happened comes back as a `DeliveryResult`, never an exception.
"""

from __future__ import annotations

import asyncio
import functools
import time
from typing import Unpack

import httpx

from citcall_contract.core.delivery.asgi import asgi_exchange
from citcall_contract.core.delivery.results import Collected, DeliveryResult, timed_out
from citcall_contract.core.delivery.targets import (
    DeliveryOptions,
    Interface,
    Request,
    Target,
    interface_of,
    prepare,
)
from citcall_contract.core.delivery.threads import in_thread, run_on_thread
from citcall_contract.core.delivery.url import url_exchange
from citcall_contract.core.delivery.wsgi import wsgi_exchange


def deliver(target: Target, **options: Unpack[DeliveryOptions]) -> DeliveryResult:
    """Send one request to `target` and return its answer; blocks at most about `timeout` s.

    `target` is a URL (`path` is appended to its path) or an app (`path` is the request
    path, "/" when empty); see `DeliveryOptions` for the rest. Raises `DeliveryRefused`
    before sending anything when the target may not be contacted. Runs the exchange on
    a helper thread, so it also works inside a running event loop.
    """
    request = prepare(target, options)
    kind = interface_of(target, options.get("interface"))
    return run_on_thread(functools.partial(_exchange, kind, target, request), request.timeout)


async def adeliver(
    target: Target,
    *,
    client: httpx.AsyncClient | None = None,
    **options: Unpack[DeliveryOptions],
) -> DeliveryResult:
    """`deliver` for async callers: an ASGI app runs on the caller's event loop.

    A caller that posts to URLs often may pass a `client` from `url_client()`, kept on
    this loop. An async app that blocks its loop (`time.sleep` in `async def`) cannot be
    interrupted here; `deliver` still returns at the deadline.
    """
    request = prepare(target, options)
    kind = interface_of(target, options.get("interface"))
    return await _exchange(kind, target, request, client)


def check_target(target: Target, **options: Unpack[DeliveryOptions]) -> None:
    """Raise `DeliveryRefused` if `deliver` would refuse `target`; contacts nothing."""
    prepare(target, options)
    interface_of(target, options.get("interface"))


async def _exchange(
    kind: Interface | None,
    target: Target,
    request: Request,
    client: httpx.AsyncClient | None = None,
) -> DeliveryResult:
    started = time.perf_counter()
    collected = Collected()
    try:
        if kind == "wsgi":
            await in_thread(wsgi_exchange, target, request, collected)
        else:
            async with asyncio.timeout(request.timeout):
                if kind == "asgi":
                    await asgi_exchange(target, request, collected)
                else:
                    await url_exchange(request, collected, client)
    except (TimeoutError, httpx.TimeoutException):
        collected.error = timed_out(request.timeout)
    except httpx.HTTPError as exc:
        collected.error = f"connection failed: {type(exc).__name__}: {exc}"
    except Exception as exc:  # e.g. an app breaking the ASGI protocol: reported, not raised
        collected.error = f"delivery failed: {type(exc).__name__}: {exc}"
    return collected.result(time.perf_counter() - started)
