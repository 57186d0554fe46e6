"""Which operation an exchange's URL is: the spec's servers, the user's base URLs, the recording's.

URLs are compared the way HTTP compares them, so nothing is skipped for its spelling:
scheme and host in any case, a trailing-dot host (`pub.citcall.com.`), the default
port written out (`:443`), user info (`http://u:pw@host`), repeated and trailing
slashes (the gateway ignores them) and path case. A base URL the user gives also
stands for the spec's server paths on its origin (`/v3`, `/gateway/v3`), so
`--base-url http://127.0.0.1:8090` finds `http://127.0.0.1:8090/gateway/v3/sms`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from citcall_contract import spec

_SLASHES = re.compile(r"/{2,}")
_DEFAULT_PORTS = {"http": 80, "https": 443}
#: Distinct base URLs of recordings remembered (parsed once each).
MAX_BASES = 64
#: Distinct (method, URL) pairs remembered; the cache starts afresh beyond it.
MAX_CACHED = 10_000
#: Distinct suggested base URLs counted for the "nothing matched" hint.
MAX_SUGGESTIONS = 64


@dataclass(frozen=True)
class Origin:
    scheme: str
    host: str
    port: int

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        port = "" if _DEFAULT_PORTS[self.scheme] == self.port else f":{self.port}"
        return f"{self.scheme}://{host}{port}"


def normalise_path(path: str) -> str:
    collapsed = _SLASHES.sub("/", path).lower()
    return collapsed.rstrip("/") or "/"


def split_url(url: str) -> tuple[Origin, str] | None:
    """(origin, normalised path) of an http(s) URL; None for anything else."""
    try:
        parts = urlsplit(url.strip())
        scheme = parts.scheme.lower()
        host = (parts.hostname or "").rstrip(".")
        if scheme not in _DEFAULT_PORTS or not host:
            return None
        port = parts.port or _DEFAULT_PORTS[scheme]
    except ValueError:  # `http://[::1`, a port out of range
        return None
    return Origin(scheme, host, port), normalise_path(parts.path)


def parse_base(url: str) -> tuple[Origin, str]:
    """(origin, path prefix) of a base URL; ValueError naming what is wrong."""
    split = split_url(url)
    if split is None:
        raise ValueError(f"not an http(s) base URL: {url!r}")
    origin, path = split
    return origin, "" if path == "/" else path


class Matcher:
    """URL -> the spec's operation, for the spec's servers and the given base URLs."""

    def __init__(self, base_urls: Iterable[str] = ()) -> None:
        self.by_path = {
            (op.path.lower(), op.method.upper()): op for op in spec.operations().values()
        }
        self.api_paths = {op.path.lower() for op in spec.operations().values()}
        self._server_paths = [parse_base(url)[1] for url in spec.servers()]
        self._bases: dict[Origin, list[str]] = {}
        self._known: set[str] = set()
        self._recorded_bases: dict[str, tuple[Origin, list[str]] | None] = {}
        self._cache: dict[tuple[str, str, str | None], spec.Operation | None] = {}
        self.suggestions: Counter[str] = Counter()
        for url in spec.servers():
            self._add(*parse_base(url))
        for url in base_urls:
            self.add_base(url)

    def _add(self, origin: Origin, path: str) -> None:
        paths = self._bases.setdefault(origin, [])
        if path not in paths:
            paths.append(path)
            paths.sort(key=len, reverse=True)  # the most specific base first
        self._cache.clear()

    def add_base(self, url: str) -> None:
        """A base URL traffic went to, and the spec's server paths on its origin."""
        if url in self._known:
            return
        origin, path = parse_base(url)
        self._known.add(url)
        for prefix in (path, *self._server_paths):
            self._add(origin, prefix)

    def _recorded(self, url: object) -> tuple[Origin, list[str]] | None:
        """A base URL a recording names: its origin and path prefixes (its own, and the
        spec's server paths); None for one that is not a base URL."""
        if not isinstance(url, str):
            return None
        if url not in self._recorded_bases:
            if len(self._recorded_bases) >= MAX_BASES:
                self._recorded_bases.clear()
            try:
                origin, path = parse_base(url)
            except ValueError:
                self._recorded_bases[url] = None
            else:
                prefixes = sorted({path, *self._server_paths}, key=len, reverse=True)
                self._recorded_bases[url] = (origin, prefixes)
        return self._recorded_bases[url]

    def relative_paths(self, url: str, recorded_base: object = None) -> list[str]:
        """The path under each base that serves `url` (the user's, the spec's, and the one
        the exchange's recording names), the most specific first."""
        split = split_url(url)
        if split is None:
            return []
        origin, path = split
        prefixes = self._bases.get(origin, [])
        extra = self._recorded(recorded_base) if recorded_base is not None else None
        if extra is not None and extra[0] == origin:
            prefixes = sorted({*prefixes, *extra[1]}, key=len, reverse=True)
        return [
            path[len(base) :] or "/"
            for base in prefixes
            if path == base or path.startswith(base + "/")
        ]

    def relative_path(self, url: str, recorded_base: object = None) -> str | None:
        """The API path `url` names under a known base, else the most specific remainder."""
        paths = self.relative_paths(url, recorded_base)
        return next((p for p in paths if p in self.api_paths), paths[0] if paths else None)

    def operation(
        self, method: str, url: str, recorded_base: object = None
    ) -> spec.Operation | None:
        """The operation of a request; `recorded_base` is the base URL its recording names
        (`_citcall.base_url`), which counts for this exchange only."""
        key = (method, url, recorded_base if isinstance(recorded_base, str) else None)
        if key in self._cache:
            return self._cache[key]
        method = method.upper()
        found = None
        for path in self.relative_paths(url, recorded_base):
            found = self.by_path.get((path, method))
            if found is not None:
                break
        if len(self._cache) >= MAX_CACHED:
            self._cache.clear()
        self._cache[key] = found
        return found

    def note_skipped(self, url: str) -> None:
        """Count the base URL a skipped exchange would have needed, if its path ends with
        an API path (for the hint when nothing matched)."""
        split = split_url(url)
        if split is None:
            return
        origin, path = split
        for api_path in self.api_paths:
            if path.endswith(api_path):
                base = f"{origin}{path[: -len(api_path)]}"
                if base in self.suggestions or len(self.suggestions) < MAX_SUGGESTIONS:
                    self.suggestions[base] += 1
                return
