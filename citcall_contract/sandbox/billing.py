"""What a send costs: SMS parts from the text's encoding, prices, and the account balance.

The part sizes are the spec's (`SmsText.x-sms-parts`); the GSM 03.38 alphabet below is
the standard's, which decides whether a text travels as GSM-7 or as UCS-2.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

from citcall_contract.spec import component_schema

# GSM 03.38 default alphabet and its extension table (each extension character costs
# two septets: an escape and the character).
_GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")
_GSM7 = _GSM7_BASIC | _GSM7_EXTENSION


@functools.cache
def _part_sizes() -> Mapping[str, tuple[int, int]]:
    parts = component_schema("SmsText")["x-sms-parts"]
    return {name: (int(row["single"]), int(row["multi"])) for name, row in parts.items()}


def sms_encoding(text: str) -> str:
    """`gsm7` when every character is in the GSM alphabet, else `ucs2`."""
    return "gsm7" if _GSM7.issuperset(text) else "ucs2"  # set operations: once per send


def sms_units(text: str, encoding: str) -> int:
    """Length in the encoding's units: septets for GSM-7, UTF-16 code units for UCS-2."""
    if encoding == "gsm7":
        if _GSM7_EXTENSION.isdisjoint(text):
            return len(text)
        return len(text) + sum(1 for ch in text if ch in _GSM7_EXTENSION)
    return len(text.encode("utf-16-le")) // 2


def sms_count(text: str) -> int:
    """Parts billed for `text`: one if it fits a single SMS, else ceil(units / per-part)."""
    encoding = sms_encoding(text)
    single, multi = _part_sizes()[encoding]
    units = sms_units(text, encoding)
    if units <= single:
        return 1
    return -(-units // multi)


class Balance:
    """The account balance; `None` is unlimited. Used from one event loop only."""

    def __init__(self, initial: int | None) -> None:
        self.initial = initial
        self.remaining = initial

    def try_charge(self, amount: int) -> bool:
        """Take `amount` if the balance covers it; False (nothing taken) when it does not."""
        if self.remaining is None:
            return True
        if amount > self.remaining:
            return False
        self.remaining -= amount
        return True

    def reset(self) -> None:
        self.remaining = self.initial
