"""Delivery to a URL: one streamed request, no proxies from the environment, no redirects.

The caller has checked the host (`targets.prepare`) and holds the deadline; the answer is
read only up to `max_body` bytes. Each delivery opens its own client unless the caller
keeps one from `url_client()` (the sandbox posts many callbacks from one event loop).
"""

from __future__ import annotations

import functools
import ssl

import httpx

from citcall_contract.core.delivery.results import Collected
from citcall_contract.core.delivery.targets import Request


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """One verifying context for all URL deliveries (building one costs milliseconds)."""
    return ssl.create_default_context()


def url_client() -> httpx.AsyncClient:
    """A client as URL deliveries use it, to keep for many `adeliver(client=...)` calls on
    one event loop (its connections are reused); the caller closes it."""
    return httpx.AsyncClient(trust_env=False, follow_redirects=False, verify=_ssl_context())


async def url_exchange(
    request: Request, collected: Collected, client: httpx.AsyncClient | None = None
) -> None:
    if client is None:
        async with url_client() as own:
            await _post(own, request, collected)
    else:
        await _post(client, request, collected)


async def _post(client: httpx.AsyncClient, request: Request, collected: Collected) -> None:
    async with client.stream(
        request.method,
        request.url,
        content=request.body,
        headers=request.headers,
        timeout=request.timeout,
    ) as response:
        collected.status = response.status_code
        collected.set_headers(response.headers.multi_items())
        async for chunk in response.aiter_raw():
            if not collected.take(chunk, request.max_body):
                break
