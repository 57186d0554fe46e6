"""Gateway rules that the spec states as `x-` extensions, each read and applied once.

The client checks input with them, the sandbox enforces them and the contract checks
excuse refusals by them; keeping them here means the three can never disagree.
"""

from __future__ import annotations

import functools
import re

from citcall_contract.spec import component_schema


@functools.cache
def home_country_code() -> str | None:
    """The country code that replaces a national trunk `0` (`RequestMsisdn.x-home-country-code`)."""
    code = component_schema("RequestMsisdn").get("x-home-country-code")
    return str(code) if code else None


@functools.cache
def national_digits() -> tuple[tuple[str, int, int], ...]:
    """(country code, min digits, max digits) rows of `RequestMsisdn.x-national-digits`."""
    rows = component_schema("RequestMsisdn").get("x-national-digits", [])
    return tuple((str(r["country_code"]), int(r["min"]), int(r["max"])) for r in rows)


def international_msisdn(msisdn: str) -> str:
    """A number in international digits: `+62...`, `0062...` and `0...` (trunk) become `62...`.

    The one reading of a number's prefix: the client normalises with it before sending,
    the sandbox reads what it received with it, so both see the same country and length.
    """
    if msisdn.startswith("+"):
        return msisdn[1:]
    if msisdn.startswith("00"):
        return msisdn[2:]  # the international call prefix
    home = home_country_code()
    if home and msisdn.startswith("0"):
        return home + msisdn[1:]
    return msisdn


def national_bounds(digits: str) -> tuple[str, int, int] | None:
    """The `x-national-digits` row for an international number's country, if it has one."""
    for row in national_digits():
        if digits.startswith(row[0]):
            return row
    return None


@functools.cache
def _country_names() -> dict[str, str]:
    rows = component_schema("RequestMsisdn").get("x-national-digits", [])
    return {str(r["country_code"]): str(r.get("country", "")) for r in rows}


@functools.cache
def msisdn_digit_bounds() -> tuple[int, int] | None:
    """(min, max) digits of `RequestMsisdn.pattern` (`{10,17}`), for messages."""
    found = re.search(r"\{(\d+),(\d+)\}", str(component_schema("RequestMsisdn")["pattern"]))
    return (int(found[1]), int(found[2])) if found else None


def _shown(value: str, limit: int = 24) -> str:
    return value if len(value) <= limit else value[:limit] + "..."


def msisdn_problem(msisdn: object) -> str | None:
    """Why the gateway would refuse `msisdn`, in words (characters, then digit counts for
    its country, then the spec's overall bounds); None when these rules accept it.

    One explanation for the sandbox's rc 42 and any client message, e.g.
    `0812 is 62812 in international form, 5 digits; numbers in Indonesia (62) have 11-16`.
    """
    if not isinstance(msisdn, str):
        return f"must be a string of digits, not {type(msisdn).__name__}"
    shown = _shown(msisdn)
    body = msisdn[1:] if msisdn.startswith("+") else msisdn
    if not body:
        return f"{shown!r} has no digits"
    if not body.isascii() or not body.isdigit():
        return f"{shown!r} has characters other than digits (only a leading + is allowed)"
    digits = international_msisdn(msisdn)
    bounds = national_bounds(digits)
    if bounds is not None and not bounds[1] <= len(digits) <= bounds[2]:
        code, low, high = bounds
        country = _country_names().get(code) or "country code"
        form = (
            f"{shown}, {len(digits)} digits"
            if digits == msisdn
            else (f"{shown} is {_shown(digits)} in international form, {len(digits)} digits")
        )
        return f"{form}; numbers in {country} ({code}) have {low}-{high}"
    overall = msisdn_digit_bounds()
    if overall is not None and not overall[0] <= len(body) <= overall[1]:
        return f"{shown} has {len(body)} digits; numbers have {overall[0]}-{overall[1]}"
    return None


def national_length_ok(msisdn: str) -> bool:
    """False when the number's country has digit bounds (`x-national-digits`) it breaks."""
    digits = international_msisdn(msisdn)
    bounds = national_bounds(digits)
    return bounds is None or bounds[1] <= len(digits) <= bounds[2]


@functools.cache
def otp_digits() -> int:
    """How many trailing digits of a missed call's `token` are the OTP (`x-otp-digits`)."""
    return int(component_schema("MiscallResponse")["properties"]["token"]["x-otp-digits"])


def missed_call_otp(token: object) -> str | None:
    """A missed call's OTP: the last `otp_digits()` digits of the calling number, `token`."""
    digits = otp_digits()
    return token[-digits:] if isinstance(token, str) and len(token) >= digits else None


@functools.cache
def otp_words_pattern() -> re.Pattern[str]:
    """Whole-word, case-insensitive match of the spec's `SmsRequest.x-otp-words`."""
    words = component_schema("SmsRequest")["x-otp-words"]
    alternatives = "|".join(r"\s+".join(map(re.escape, str(w).split())) for w in words)
    return re.compile(rf"\b(?:{alternatives})\b", re.IGNORECASE)


def looks_like_otp(text: object) -> bool:
    """Whether `text` holds an OTP word, which `/sms` refuses (rc INVALID_SMS_CONTENT)."""
    return isinstance(text, str) and otp_words_pattern().search(text) is not None
