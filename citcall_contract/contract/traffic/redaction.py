"""Secrets and OTP codes out of recorded traffic, in one place for `record` and `check-traffic`.

Secrets: a header whose name speaks of credentials (`Authorization`, `X-Echo-Auth`,
`Cookie`, `X-Api-Key`...) keeps no value at all; in every other header value, URL and
body string the key and the Basic token found in the request (`redact.hide`), URL user
info (`http://user:pw@host`) and credential query parameters (`?apikey=...`) are hidden.

OTP codes follow `redact`'s one rule, with digits turned to `0` so that a redacted body
still validates as it did: a request's `token` and `/verify`'s `token_verify` wholly, the
last `x-otp-digits` digits of a missed call's `token` (the calling number) in answers and
callbacks, every OTP-length digit group of an SMS OTP's `text`, and the codes a request
carries wherever they stand in the exchange, in any layout or script.
"""

from __future__ import annotations

import base64
import binascii
import functools
import re
from collections.abc import Callable, Iterable
from typing import Any

from citcall_contract import spec
from citcall_contract.core.redact import (
    MASK,
    MAX_DEPTH,
    Redactor,
    code_digits,
    mask_codes,
    mask_otp_digits,
)
from citcall_contract.spec.rules import otp_digits

REDACTED = "<redacted>"
#: What replaces URL user info and credential query values (still a valid URI).
REDACTED_URL_PART = "redacted"
OTP_FIELDS = frozenset({"token", "token_verify"})
_OTP_FIELD_ORDER = sorted(OTP_FIELDS)
#: Masked digits become this, so masked bodies keep their schema (digit patterns).
MASK_DIGIT = "0"
#: Header names that carry credentials: their values are never written.
_CREDENTIAL_NAME = re.compile(
    r"auth|key|token|secret|passw|cookie|session|signature|credential", re.IGNORECASE
)
#: `scheme://user:password@` (slashes possibly JSON-escaped): the user info goes, up to
#: the authority's last `@` (a password may hold an unescaped one).
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*:(?://|\\/\\/))[^/\\?#\s\"'<>]*@")
_CREDENTIAL_QUERY = re.compile(
    r"(?i)([?&;][^=&#\s\"'<>]*(?:key|token|secret|passw|auth|sig|session)[^=&#\s\"'<>]*=)"
    r"[^&#\s\"'<>]*"
)
_DIGIT = re.compile(r"\d")
#: Headers whose digits are lengths and dates, never a code.
_NUMERIC_HEADERS = frozenset({"content-length", "date", "last-modified", "expires", "age"})
#: Bodies are walked this deep; a deeper one is redacted as text.


def is_credential_header(name: str) -> bool:
    return _CREDENTIAL_NAME.search(name) is not None


def header_secrets(headers: Iterable[tuple[str, str]]) -> list[str]:
    """The secret strings credential headers carry: the value, the key or Basic token, and
    the decoded Basic parts."""
    found: list[str] = []
    for name, value in headers:
        if not is_credential_header(name) or value.strip() in {"", REDACTED}:
            continue
        scheme, _, credential = value.strip().partition(" ")
        found += [value.strip(), credential.strip() or scheme]
        token = credential.strip() or value.strip()
        try:
            decoded = base64.b64decode(token, validate=True).decode("utf-8")
        except (binascii.Error, ValueError):
            continue
        _, sep, key = decoded.partition(":")
        if sep:
            found += [decoded, key]
    return sorted({s for s in found if s}, key=len, reverse=True)


class Hiding:
    """What to hide in one exchange: the credentials its headers carry and the OTP codes
    its request carries. Secrets are worked out on first use (most checked exchanges
    never need them)."""

    def __init__(
        self,
        headers: Iterable[tuple[str, str]] | Callable[[], Iterable[tuple[str, str]]] = (),
        codes: Iterable[str] | Callable[[], Iterable[str]] = (),
    ) -> None:
        self._headers = headers
        self._codes = codes

    @functools.cached_property
    def secrets(self) -> list[str]:
        """The credentials of the request's headers (given, or read by the callable given)."""
        return header_secrets(self._headers() if callable(self._headers) else self._headers)

    @functools.cached_property
    def codes(self) -> tuple[str, ...]:
        """The request's OTP codes (given, or worked out by the callable given)."""
        return tuple(self._codes() if callable(self._codes) else self._codes)

    @functools.cached_property
    def _redactor(self) -> Redactor:
        return Redactor(self.secrets, MASK)

    def text(self, value: str, codes: bool = True) -> str:
        """A string as it may be written: credentials, URL user info, credential query
        values and (unless `codes` is false) the request's OTP codes gone."""
        value = self._redactor.text(value)
        if "@" in value:
            value = _USERINFO.sub(rf"\1{REDACTED_URL_PART}@", value)
        if "=" in value:
            value = _CREDENTIAL_QUERY.sub(rf"\1{REDACTED_URL_PART}", value)
        return mask_codes(value, self.codes, MASK_DIGIT) if codes and self.codes else value

    def cut(self, value: str, limit: int) -> str:
        """`text` of the first `limit` characters of `value`; when `value` is longer, the
        end is dropped too, where a secret or code may stand cut in two."""
        if len(value) <= limit:
            return self.text(value)
        longest = max([len(s) for s in self.secrets] + [3 * len(c) for c in self.codes] + [0])
        hidden = self.text(value[:limit])
        return hidden[: max(0, len(hidden) - longest - 1)]

    def url(self, value: str) -> str:
        """A URL as it may be written: its host and port are kept as they are (a code
        may look like a port), its query loses codes too."""
        base, mark, query = value.partition("?")
        return self.text(base, codes=False) + self.text(mark + query)

    def headers(self, headers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
        return [
            (
                name,
                REDACTED
                if is_credential_header(name)
                else self.text(value, codes=name.lower() not in _NUMERIC_HEADERS),
            )
            for name, value in headers
        ]

    def deep(self, value: Any, depth: int = 0) -> Any:
        """A JSON value with every key and string passed through `text`; ValueError when
        it is nested deeper than `MAX_DEPTH`."""
        if depth > MAX_DEPTH:
            raise ValueError("nested too deeply")
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {self.text(k): self.deep(v, depth + 1) for k, v in value.items()}
        if isinstance(value, list):
            return [self.deep(v, depth + 1) for v in value]
        return value


def request_codes(body: Any) -> tuple[str, ...]:
    """The OTP codes a request body carries (`token`), as ASCII digits."""
    if not isinstance(body, dict):
        return ()
    codes = [code_digits(body[name]) for name in _OTP_FIELD_ORDER if name in body]
    return tuple(c for c in codes if c)


def _mask_value(value: Any, keep: int | None) -> Any:
    """Digits of `value` turned to 0: all of them, or all but the first `keep`."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return value
    text = str(value)
    kept = "" if keep is None else text[:keep]
    masked = kept + _DIGIT.sub(MASK_DIGIT, text[len(kept) :])
    if isinstance(value, int):
        return int(masked) if masked.lstrip("-").isdigit() else value
    return masked


def redact_body(
    body: Any, direction: str, otp_text: bool = False, codes: Iterable[str] = ()
) -> Any:
    """A copy of a decoded JSON body with its OTP digits zeroed.

    `direction` is `request`, `response` or `callback`. In a request `token` is the
    code itself; in answers and callbacks it is a calling number whose last
    `x-otp-digits` digits are the code. `otp_text` masks the OTP digits of `text` (SMS
    OTP), `codes` are the request's codes, masked there too.
    """
    if not isinstance(body, dict):
        return body
    copy = dict(body)
    for name in OTP_FIELDS & set(copy):
        value = copy[name]
        if direction == "request" or name == "token_verify":
            copy[name] = _mask_value(value, None)
        else:
            length = len(str(value)) if isinstance(value, str | int) else 0
            copy[name] = _mask_value(value, max(0, length - otp_digits()))
    if otp_text and isinstance(copy.get("text"), str):
        copy["text"] = mask_otp_digits(copy["text"], codes, MASK_DIGIT)
    return copy


@functools.cache
def otp_text_operations() -> frozenset[str]:
    """Operations whose request carries an OTP `token` and a `text` that may spell it out."""
    found = set()
    for op in spec.operations().values():
        properties = spec.resolve(spec.pointer(op.request_schema_ref())).get("properties", {})
        if "token" in properties and "text" in properties:
            found.add(op.operation_id)
    return frozenset(found)
