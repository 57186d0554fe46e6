"""Argument checks that run before any network I/O.

Every bound comes from the spec's component schemas, read once on first use (not at
import), so a bound changes in the YAML only. A refused argument raises
CitcallInputError naming the field. The checks are plain comparisons and cached regexes:
they run on every send.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from citcall_contract import spec
from citcall_contract.client.errors import CitcallInputError


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


@functools.cache
def int_bounds(schema_name: str) -> IntRange:
    """`minimum`/`maximum` of an integer schema (of its integer branch for an `anyOf`)."""
    schema = spec.component_schema(schema_name)
    return IntRange.of(_integer_branch(schema) if "anyOf" in schema else schema)


@functools.cache
def length_bounds(schema_name: str) -> tuple[int, int | None]:
    schema = spec.component_schema(schema_name)
    high = schema.get("maxLength")
    return int(schema.get("minLength", 0)), None if high is None else int(high)


@functools.cache
def schema_pattern(schema_name: str) -> re.Pattern[str]:
    return re.compile(spec.component_schema(schema_name)["pattern"])


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
    return check_text(value, "senderid", *length_bounds("Senderid"))


def check_sms_text(value: object) -> str:
    return check_text(value, "text", *length_bounds("SmsText"))


def check_gateway(value: object) -> int:
    return check_int(value, "gateway", int_bounds("GatewayNumber"))


def check_valid_time(value: object) -> int | None:
    return check_optional_int(value, "valid_time", int_bounds("ValidTime"))


def check_limit_try(value: object) -> int | None:
    return check_optional_int(value, "limit_try", int_bounds("LimitTry"))


def _check_pattern(value: object, field: str, pattern: re.Pattern[str], what: str) -> str:
    if not isinstance(value, str):
        raise _type_error(field, "a string", value)
    if not pattern.fullmatch(value):
        raise CitcallInputError(field, f"{value!r} is not {what}")
    return value


def check_otp_code(value: object, field: str = "token") -> str:
    pattern = schema_pattern("OtpCode")
    return _check_pattern(value, field, pattern, f"an OTP code ({pattern.pattern})")


def check_trxid(value: object) -> str:
    pattern = schema_pattern("Trxid")
    return _check_pattern(value, "trxid", pattern, f"a transaction ID ({pattern.pattern})")


_VISIBLE_ASCII = re.compile(r"[\x21-\x7e]+")


def check_callback_url(value: object) -> str | None:
    """An absolute http(s) URL, by the spec's CallbackUrl schema (format uri, pattern)."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise _type_error("callback_url", "a string", value)
    # Visible ASCII only: the uri format check (rfc3986-validator) uses Python's `$`,
    # which lets a final newline through.
    error = next(iter(spec.schema_validator("CallbackUrl").iter_errors(value)), None)
    if error is not None or not _VISIBLE_ASCII.fullmatch(value):
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
