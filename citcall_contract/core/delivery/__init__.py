"""Deliver one HTTP request to a URL or to an in-process ASGI / WSGI app, bounded in time and size.

The one delivery mechanism of the kit: `trigger`, `verify-receiver`, the
`citcall_callbacks` fixture, the in-process mock and the sandbox's callbacks all send
through here, so a receiver answers the same way whether it listens on a port or is
handed over as an app object (Starlette, FastAPI, Django's ASGI handler; Flask, Django's
WSGI handler). Part of the bottom layer: it imports httpx and `core.hosts` only.

- A URL is contacted only when its host is allowed (loopback unless the caller names
  more hosts); no proxies from the environment, no redirects (`targets`, `url`).
- An app is called through httpx's `ASGITransport` / `WSGITransport`: no port, no thread
  pool of a server, the app's own routing and middleware (`asgi`, `wsgi`).
- Every delivery has one deadline (`timeout`, for the whole exchange) and keeps at most
  `max_body` bytes of the answer. A hang, a dropped connection or an app that raised
  after starting its answer come back as `DeliveryResult.error`, never as an exception.
  An app that raises before answering is answered 500, as a server would (`results`).
- `deliver` is for synchronous callers and `adeliver` for async ones (`api`); a WSGI app
  and a sync caller's exchange run on daemon threads given up at the deadline (`threads`).
"""

from citcall_contract.core.delivery.api import adeliver, check_target, deliver
from citcall_contract.core.delivery.results import SERVER_ERROR_BODY, DeliveryResult
from citcall_contract.core.delivery.targets import (
    APP_BASE_URL,
    DEFAULT_MAX_BODY,
    DEFAULT_TIMEOUT,
    DeliveryOptions,
    DeliveryRefused,
    Interface,
    Target,
    app_interface,
    safe_url,
)
from citcall_contract.core.delivery.url import url_client

__all__ = [
    "APP_BASE_URL",
    "DEFAULT_MAX_BODY",
    "DEFAULT_TIMEOUT",
    "SERVER_ERROR_BODY",
    "DeliveryOptions",
    "DeliveryRefused",
    "DeliveryResult",
    "Interface",
    "Target",
    "adeliver",
    "app_interface",
    "check_target",
    "deliver",
    "safe_url",
    "url_client",
]
