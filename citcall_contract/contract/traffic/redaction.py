"""Secrets and OTP codes out of recorded traffic, in one place for `record` and `check-traffic`.

What goes: the `Authorization` header (and cookies), any copy of the key or Basic token
inside a body or URL (a gateway may echo it in `info`), and OTP digits: a request's
`token` and `/verify`'s `token_verify`, the last `x-otp-digits` digits of a missed call's
`token` (the calling number) in answers and callbacks, and digit runs in an SMS OTP's
`text`. Digits are replaced by `0`, so a redacted body still validates as it did.
"""

from __future__ import annotations

import base64
import binascii
import functools
import re
from collections.abc import Iterable
from typing import Any

from citcall_contract import spec
from citcall_contract.core.redact import hide
from citcall_contract.spec.rules import otp_digits

REDACTED = "<redacted>"
SECRET_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key"}
)
OTP_FIELDS = frozenset({"token", "token_verify"})
_DIGIT_RUN = re.compile(r"[0-9]{4,}")
_MIN_SECRET = 4  # shorter strings would blank out ordinary words


def header_secrets(headers: Iterable[tuple[str, str]]) -> list[str]:
    """The secret strings an `Authorization` value carries: key, Basic token, decoded key."""
    found: list[str] = []
    for name, value in headers:
        if name.lower() not in SECRET_HEADERS:
            continue
        scheme, _, credential = value.strip().partition(" ")
        for candidate in (value.strip(), credential.strip(), scheme if not credential else ""):
            if len(candidate) >= _MIN_SECRET:
                found.append(candidate)
        token = credential.strip() or value.strip()
        try:
            decoded = base64.b64decode(token, validate=True).decode("utf-8")
        except (binascii.Error, ValueError):
            continue
        _, sep, key = decoded.partition(":")
        if sep and len(key) >= _MIN_SECRET:
            found.append(key)
    return sorted(set(found), key=len, reverse=True)


def redact_text(text: str, secrets: Iterable[str]) -> str:
    """`text` with the recorded credentials hidden (`redact.hide`, JSON-escaped forms too)."""
    return hide(text, secrets)


def redact_headers(headers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(k, REDACTED if k.lower() in SECRET_HEADERS else v) for k, v in headers]


def _zero_digits(text: str) -> str:
    return re.sub(r"[0-9]", "0", text)


def _mask_value(value: Any, keep: int | None) -> Any:
    """Digits of `value` turned to 0: all of them, or all but the first `keep`."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return value
    text = str(value)
    masked = _zero_digits(text) if keep is None else text[:keep] + _zero_digits(text[keep:])
    if isinstance(value, int):
        return int(masked) if masked.lstrip("-").isdigit() else value
    return masked


def redact_body(body: Any, direction: str, otp_text: bool = False) -> Any:
    """A copy of a decoded JSON body with its OTP digits zeroed.

    `direction` is `request`, `response` or `callback`. In a request `token` is the
    code itself; in answers and callbacks it is a calling number whose last
    `x-otp-digits` digits are the code. `otp_text` masks digit runs in `text` (SMS OTP).
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
        copy["text"] = _DIGIT_RUN.sub(lambda m: _zero_digits(m.group()), copy["text"])
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
