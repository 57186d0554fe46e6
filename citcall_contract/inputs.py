"""Argument checks that run before any network I/O.

Every bound comes from the spec's component schemas, read once at import, so a bound
changes in the YAML only. A refused argument raises CitcallInputError naming the field.
The checks are plain comparisons and precompiled regexes: they run on every send.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from citcall_contract.errors import CitcallInputError
from citcall_contract.spec import load_spec, schema_validator

_SCHEMAS: Mapping[str, Any] = load_spec()["components"]["schemas"]


@dataclass(frozen=True)
class IntRange:
    """Inclusive bounds of an integer schema."""

    low: int
    high: int

    @classmethod
    def of(cls, schema: Mapping[str, Any]) -> IntRange:
        return cls(int(schema["minimum"]), int(schema["maximum"]))


def _integer_branch(schema: Mapping[str, Any]) -> Mapping[str, Any]:
    """The `type: integer` branch of an `anyOf` schema such as GatewayNumber."""
    return next(branch for branch in schema["anyOf"] if branch.get("type") == "integer")


GATEWAY = IntRange.of(_integer_branch(_SCHEMAS["GatewayNumber"]))
VALID_TIME = IntRange.of(_SCHEMAS["ValidTime"])
LIMIT_TRY = IntRange.of(_SCHEMAS["LimitTry"])
SENDERID_LENGTH = IntRange(
    int(_SCHEMAS["Senderid"]["minLength"]), int(_SCHEMAS["Senderid"]["maxLength"])
)
TEXT_MIN_LENGTH = int(_SCHEMAS["SmsText"]["minLength"])
_OTP_CODE = re.compile(_SCHEMAS["OtpCode"]["pattern"])
_TRXID = re.compile(_SCHEMAS["Trxid"]["pattern"])
_CALLBACK_URL = schema_validator("CallbackUrl")


def _type_error(field: str, expected: str, value: object) -> CitcallInputError:
    return CitcallInputError(field, f"must be {expected}, not {type(value).__name__}")


def check_int(value: object, field: str, bounds: IntRange) -> int:
    """An int within `bounds` (bool is refused although it is an int subclass)."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise _type_error(field, "an integer", value)
    if not bounds.low <= value <= bounds.high:
        raise CitcallInputError(field, f"must be {bounds.low}-{bounds.high}, not {value}")
    return value


def check_optional_int(value: object, field: str, bounds: IntRange) -> int | None:
    return None if value is None else check_int(value, field, bounds)


def check_text(value: object, field: str, min_length: int, max_length: int | None = None) -> str:
    """Non-blank text the gateway can carry (encodable as UTF-8) within length bounds."""
    if not isinstance(value, str):
        raise _type_error(field, "a string", value)
    if len(value) < min_length or not value.strip():
        raise CitcallInputError(field, "must not be empty or blank")
    if max_length is not None and len(value) > max_length:
        raise CitcallInputError(field, f"must be at most {max_length} characters, not {len(value)}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise CitcallInputError(
            field, "contains characters that cannot be sent (lone surrogates)"
        ) from None
    return value


def check_senderid(value: object) -> str:
    return check_text(value, "senderid", SENDERID_LENGTH.low, SENDERID_LENGTH.high)


def check_sms_text(value: object) -> str:
    return check_text(value, "text", TEXT_MIN_LENGTH)


def _check_pattern(value: object, field: str, pattern: re.Pattern[str], what: str) -> str:
    if not isinstance(value, str):
        raise _type_error(field, "a string", value)
    if not pattern.fullmatch(value):
        raise CitcallInputError(field, f"{value!r} is not {what}")
    return value


def check_otp_code(value: object, field: str = "token") -> str:
    return _check_pattern(value, field, _OTP_CODE, f"an OTP code ({_OTP_CODE.pattern})")


def check_trxid(value: object) -> str:
    return _check_pattern(value, "trxid", _TRXID, f"a transaction ID ({_TRXID.pattern})")


def check_callback_url(value: object) -> str | None:
    """An absolute http(s) URL, by the spec's CallbackUrl schema (format uri, pattern)."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise _type_error("callback_url", "a string", value)
    error = next(iter(_CALLBACK_URL.iter_errors(value)), None)
    if error is not None:
        raise CitcallInputError(
            "callback_url",
            f"{_short(value)} is not an absolute http(s) URL (RFC 3986: ASCII, %-encoded)",
        )
    try:
        host = urlsplit(value).hostname
    except ValueError:
        host = None
    if not host:
        raise CitcallInputError("callback_url", f"{_short(value)} has no host")
    return value


def _short(value: str, limit: int = 80) -> str:
    return repr(value if len(value) <= limit else value[:limit] + "...")
