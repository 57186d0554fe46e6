"""The two `Authorization` schemes of the spec, built and read in one place.

`Apikey <key>` is the recommended form; `Basic base64(userid:key)` is the other. The
client builds headers with these, the sandbox reads them back, the contract suite
probes with them, so the three cannot disagree on the encoding.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

__all__ = ["Credentials", "apikey_header", "basic_credentials", "basic_header", "decode_basic"]


def apikey_header(api_key: str) -> str:
    return f"Apikey {api_key}"


def basic_credentials(userid: str, api_key: str) -> str:
    """The base64 `userid:key` token of a Basic header (a secret, like the key)."""
    return base64.b64encode(f"{userid}:{api_key}".encode()).decode("ascii")


def basic_header(userid: str, api_key: str) -> str:
    return f"Basic {basic_credentials(userid, api_key)}"


def decode_basic(token: str) -> tuple[str, str] | None:
    """`(userid, key)` from a base64 `userid:key`, or None when it is not one."""
    try:
        raw = base64.b64decode(token.strip(), validate=True)
        text = raw.decode("utf-8")
    except (binascii.Error, ValueError):
        return None
    userid, sep, key = text.partition(":")
    if not sep or not userid or not key:
        return None
    return userid, key


@dataclass(frozen=True)
class Credentials:
    """An API key and optional user ID; the key never appears in a repr."""

    api_key: str
    userid: str | None = None

    def __repr__(self) -> str:
        return f"Credentials(userid={self.userid!r}, api_key=<hidden>)"

    def apikey_header(self) -> str:
        return apikey_header(self.api_key)

    def basic_header(self) -> str | None:
        return None if self.userid is None else basic_header(self.userid, self.api_key)

    def header(self) -> str:
        """Basic when a user ID is set, else Apikey: what a client configured so sends."""
        return self.basic_header() or self.apikey_header()

    def secrets(self) -> tuple[str, ...]:
        """Every string that must never be printed: the key and the Basic token."""
        token = None if self.userid is None else basic_credentials(self.userid, self.api_key)
        return tuple(s for s in (self.api_key, token) if s)
