"""Phone numbers in the seed's form: country code and digits, `6281234567890`.

People type `081234567890`, `+62 812-3456-7890` or `0062812...`; the gateway's own
examples use the bare international form, so every number is normalised to it before it
is sent. The prefix rule and the bounds (home country code, digit counts, the wire
pattern) are the spec's, read through `rules` on first use.
"""

from __future__ import annotations

import functools
import re

from citcall_contract.client.errors import CitcallInputError
from citcall_contract.spec import rules

# Separators people write inside numbers; anything else (letters, `#`, `*`) is refused.
_SEPARATORS = re.compile(r"[\s\-.()/]+")
_DIGITS = re.compile(r"[0-9]+")


@functools.cache
def _wire_pattern() -> re.Pattern[str]:
    from citcall_contract.spec import component_schema

    return re.compile(component_schema("RequestMsisdn")["pattern"])


def normalize_msisdn(raw: object, field: str = "msisdn") -> str:
    """`raw` as country code plus digits, or CitcallInputError naming `field`."""
    if not isinstance(raw, str):
        raise CitcallInputError(field, f"must be a string of digits, not {type(raw).__name__}")
    text = raw if raw.isdigit() else _SEPARATORS.sub("", raw)  # fast path: already digits
    digits = rules.international_msisdn(text)
    if not _DIGITS.fullmatch(digits) or not digits.isascii():
        raise CitcallInputError(field, f"{raw!r} is not a phone number (digits, +, spaces, -)")
    if digits.startswith("0"):
        raise CitcallInputError(field, f"{raw!r}: a country code cannot start with 0")
    bounds = rules.national_bounds(digits)
    if bounds is not None:
        country_code, low, high = bounds
        if not low <= len(digits) <= high:
            raise CitcallInputError(
                field,
                f"{raw!r}: numbers with country code {country_code} have {low}-{high} digits, "
                f"this one has {len(digits)}",
            )
        if digits[len(country_code)] == "0":
            raise CitcallInputError(field, f"{raw!r}: a trunk 0 after country code {country_code}")
    if not _wire_pattern().fullmatch(digits):
        raise CitcallInputError(
            field, f"{raw!r}: {len(digits)} digits is not a possible mobile number"
        )
    return digits
