"""Which hosts the kit may contact: a literal host allowlist, nothing resolved.

The sandbox's callbacks, the contract suite's targets and the receiver tools all ask
here. Resolving names would let a test (or a schemathesis case) make them reach any
machine; comparing the URL's host literally keeps traffic on the hosts the user named.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from urllib.parse import urlsplit

#: The default allowlist: the local machine only.
LOOPBACK_HOSTS: tuple[str, ...] = ("127.0.0.1", "localhost", "::1")


def url_host(url: str) -> str | None:
    """The lower-case host of an http(s) URL, brackets of IPv6 literals removed; else None.

    The URL is parsed twice, by urllib and by httpx (which sends the callbacks); a URL
    the two read differently is refused rather than guessed at.
    """
    import httpx

    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018  (raises ValueError on a bad port)
        sent_to = httpx.URL(url).host
    except (ValueError, httpx.InvalidURL):
        return None
    if parts.scheme not in {"http", "https"} or not host or host.lower() != sent_to.lower():
        return None
    return host.lower()


def hide_userinfo(url: str) -> str:
    """`url` with any `user:password@` replaced by `***@`, for logs and reports."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return parts._replace(netloc="***@" + parts.netloc.rpartition("@")[2]).geturl()


def host_header_name(header: str | None) -> str | None:
    """The lower-case host of a `Host` header (`[::1]:8090` gives `::1`), or None."""
    if not header:
        return None
    header = header.strip().lower()
    if header.startswith("["):
        name, bracket, rest = header[1:].partition("]")
        if not bracket or (rest and not (rest.startswith(":") and rest[1:].isdigit())):
            return None
        return name
    name, colon, port = header.partition(":")
    if colon and not port.isdigit():
        return None
    return name or None


def is_loopback_host(host: str) -> bool:
    """`localhost` or a loopback IP literal (any of 127.0.0.0/8, ::1)."""
    return _is_loopback(host.strip("[]").lower())


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_allowed(url: str, allow_hosts: Iterable[str]) -> bool:
    """True when `url`'s host is on the allowlist (any loopback IP matches a loopback entry)."""
    host = url_host(url)
    if host is None:
        return False
    allowed = {entry.strip("[]").lower() for entry in allow_hosts}
    if host in allowed:
        return True
    try:
        is_loopback_ip = ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
    return is_loopback_ip and any(_is_loopback(entry) for entry in allowed)


def first_https_server(servers: Iterable[str]) -> str:
    """The client's default address: the first https server (never send a key in clear)."""
    for url in servers:
        if url.startswith("https://"):
            return url
    raise LookupError("the spec lists no https server")
