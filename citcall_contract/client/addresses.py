"""Where the client sends: the default host, the checks on `base_url`, and the environment.

The default is the spec's first https server (`spec_servers.SERVERS`, derived from the
YAML), so a client built without `base_url` never sends the API key unencrypted. Plain
http is accepted for loopback hosts (the sandbox) and otherwise only with
`allow_insecure_http=True`, asked for by name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from citcall_contract.client.errors import CitcallInputError
from citcall_contract.core.hosts import LOOPBACK_HOSTS, first_https_server, is_allowed
from citcall_contract.spec.derived_servers import SERVERS

#: Environment variables read by `Citcall.from_env()`.
ENV_API_KEY = "CITCALL_API_KEY"
ENV_USERID = "CITCALL_USERID"
ENV_BASE_URL = "CITCALL_BASE_URL"  # one URL or several, comma-separated, primary first
ENV_ALLOW_INSECURE_HTTP = "CITCALL_ALLOW_INSECURE_HTTP"  # 1/true/yes or 0/false/no
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"", "0", "false", "no", "off"})


DEFAULT_BASE_URL = first_https_server(SERVERS)


def display(url: str) -> str:
    """A base URL as errors and reprs show it: never userinfo, query or fragment."""
    try:
        parts = urlsplit(url)
        netloc = parts.netloc.rpartition("@")[2]
    except ValueError:
        return "<unparsable URL>"
    return f"{parts.scheme}://{netloc}{parts.path}"


def check_base_url(url: object, allow_insecure_http: bool) -> str:
    """One base URL, trailing slashes removed; CitcallInputError('base_url', ...) if unusable."""
    if not isinstance(url, str) or not url.strip():
        raise CitcallInputError("base_url", f"must be a non-empty URL string, not {url!r}")
    url = url.strip()
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018  (raises ValueError on a bad port)
    except ValueError:
        raise CitcallInputError("base_url", f"{display(url)} is not a URL") from None
    if parts.scheme not in {"http", "https"} or not host:
        raise CitcallInputError("base_url", f"{display(url)} is not an absolute http(s) URL")
    if parts.username is not None or parts.password is not None:
        raise CitcallInputError(
            "base_url", "must not carry credentials; pass api_key (and userid) instead"
        )
    if parts.query or parts.fragment:
        raise CitcallInputError("base_url", f"{display(url)} must not have a query or fragment")
    if parts.scheme == "http" and not allow_insecure_http and not is_allowed(url, LOOPBACK_HOSTS):
        raise CitcallInputError(
            "base_url",
            f"{display(url)} is plain http: the API key would cross the network unencrypted; "
            "use an https URL, or pass allow_insecure_http=True to mean it",
        )
    return url.rstrip("/")


def check_base_urls(value: object, allow_insecure_http: bool = False) -> tuple[str, ...]:
    """`base_url` as given (one URL or a sequence, primary first) -> checked URLs."""
    if isinstance(value, str):
        return (check_base_url(value, allow_insecure_http),)
    if not isinstance(value, Sequence) or isinstance(value, bytes | bytearray):
        raise CitcallInputError("base_url", "must be a URL or a sequence of URLs")
    urls = tuple(check_base_url(url, allow_insecure_http) for url in value)
    if not urls:
        raise CitcallInputError("base_url", "needs at least one URL")
    return urls


def _flag(environ: Mapping[str, str], name: str) -> bool:
    raw = environ.get(name, "").strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise CitcallInputError(name, f"must be 1/true/yes or 0/false/no, not {raw!r}")


def settings_from_env(environ: Mapping[str, str]) -> dict[str, Any]:
    """Constructor arguments from the environment (only the variables that are set).

    A variable that is set but empty or blank is an error naming it, never "not set":
    an empty `CITCALL_BASE_URL` (a template whose substitution failed) would otherwise
    send staging traffic to the billed production host.
    """
    api_key = _set(environ, ENV_API_KEY, "it must hold the Citcall API key")
    if api_key is None:
        raise CitcallInputError(ENV_API_KEY, "is not set (the Citcall API key)")
    settings: dict[str, Any] = {"api_key": api_key}
    userid = _set(environ, ENV_USERID, "unset it for Apikey auth")
    if userid is not None:
        settings["userid"] = userid
    raw_urls = _set(environ, ENV_BASE_URL, f"unset it for the default, {DEFAULT_BASE_URL}")
    if raw_urls is not None:
        settings["base_url"] = _env_urls(raw_urls)
    if _flag(environ, ENV_ALLOW_INSECURE_HTTP):
        settings["allow_insecure_http"] = True
    return settings


def _set(environ: Mapping[str, str], name: str, when_empty: str) -> str | None:
    """The variable's value (stripped), None when it is not set at all."""
    if name not in environ:
        return None
    value = environ[name].strip()
    if not value:
        raise CitcallInputError(name, f"is set but empty; {when_empty}")
    return value


def _env_urls(raw: str) -> list[str]:
    """`CITCALL_BASE_URL` split at commas; an empty or unusable item names the variable."""
    items = [item.strip() for item in raw.split(",")]
    for number, item in enumerate(items, 1):
        where = f"item {number} of {len(items)}" if len(items) > 1 else "its value"
        if not item:
            raise CitcallInputError(ENV_BASE_URL, f"{where} is empty (a blank substitution?)")
        try:
            check_base_url(item, allow_insecure_http=True)  # the http rule is the client's
        except CitcallInputError as exc:
            problem = str(exc).removeprefix("base_url: ")
            raise CitcallInputError(ENV_BASE_URL, f"{where}: {problem}") from None
    return items
