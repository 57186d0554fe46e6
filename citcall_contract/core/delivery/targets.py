"""What a delivery may contact, checked before anything is sent: the target and its options.

A URL only when its host is allowed (`citcall_contract.core.hosts`: loopback unless the
caller names more hosts); an app only when its signature says ASGI or WSGI (or the caller
does). A bad target or option is `DeliveryRefused`, raised before any byte leaves.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypedDict

from citcall_contract.core.hosts import LOOPBACK_HOSTS, hide_userinfo, is_allowed

#: Seconds a delivery may take, answer included, unless the caller says otherwise.
DEFAULT_TIMEOUT = 5.0
#: Bytes of the answer kept (the rest is not read); receivers' answers are tiny.
DEFAULT_MAX_BODY = 64 * 1024
#: Host name in the URL seen by an in-process app.
APP_BASE_URL = "http://testserver"

#: A URL, or an ASGI (`async (scope, receive, send)`) or WSGI (`(environ, start_response)`) app.
Target = str | Callable[..., Any]
Interface = Literal["asgi", "wsgi"]


class DeliveryRefused(ValueError):
    """The target may not be contacted (host not allowed, not a URL or app); nothing was sent."""


class DeliveryOptions(TypedDict, total=False):
    """How `deliver` and `adeliver` send; every option has a default."""

    #: The request body (default: empty).
    body: bytes
    #: Appended to a URL's path; the request path for an app ("/" when empty).
    path: str
    #: The HTTP method (default POST).
    method: str
    headers: Mapping[str, str] | None
    #: Seconds for the whole exchange, answer included (default `DEFAULT_TIMEOUT`).
    timeout: float
    #: Bytes of the answer kept (default `DEFAULT_MAX_BODY`); the rest is not read.
    max_body: int
    #: Hosts allowed besides loopback, for a URL target.
    allow_hosts: Iterable[str]
    #: "asgi" or "wsgi", for an app whose signature does not tell.
    interface: Interface | None


@dataclass(frozen=True)
class Request:
    """A request that passed every check: what the exchange sends, and its bounds."""

    url: str
    method: str
    headers: Mapping[str, str]
    body: bytes
    timeout: float
    max_body: int


def prepare(target: Target, options: DeliveryOptions) -> Request:
    """The request `options` describe for `target`; DeliveryRefused when it may not be sent."""
    timeout = options.get("timeout", DEFAULT_TIMEOUT)
    max_body = options.get("max_body", DEFAULT_MAX_BODY)
    path = options.get("path", "")
    if not timeout > 0 or timeout == float("inf"):
        raise DeliveryRefused(f"timeout must be a positive number of seconds, not {timeout!r}")
    if max_body < 0:
        raise DeliveryRefused(f"max_body must be >= 0, not {max_body!r}")
    if path and not path.startswith("/"):
        raise DeliveryRefused(f"path must start with '/', not {path!r}")
    if isinstance(target, str):
        allowed = (*LOOPBACK_HOSTS, *options.get("allow_hosts", ()))
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
    headers = {"Accept-Encoding": "identity", **(options.get("headers") or {})}
    method = options.get("method", "POST").upper()
    return Request(url, method, headers, bytes(options.get("body", b"")), timeout, max_body)


def interface_of(target: Target, forced: Interface | None) -> Interface | None:
    """ "asgi" or "wsgi" for an app (`forced` wins), None for a URL."""
    if isinstance(target, str):
        return None
    if forced is not None:
        if forced not in ("asgi", "wsgi"):
            raise DeliveryRefused(f"interface must be 'asgi' or 'wsgi', not {forced!r}")
        return forced
    return app_interface(target)


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


def safe_url(url: str) -> str:
    """`url` with its user information hidden (`hosts.hide_userinfo`), even when malformed."""
    try:
        return hide_userinfo(url)
    except ValueError:
        return repr(url[:80]) if "@" not in url else "(a malformed URL)"
