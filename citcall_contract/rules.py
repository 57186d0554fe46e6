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
