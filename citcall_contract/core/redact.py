"""Keep the credentials and OTP codes out of everything an error, report or recording carries.

A gateway or proxy may echo the API key or the Basic token in its answer (`{"rc":96,
"info":"apikey <key> not found"}`, an error page listing the request's headers), so
every string an error keeps (message, `info`, `response`, `request`, `snippet`,
`reason`) goes through one `Redactor` first, and reports and recordings through `hide`.

Secrets: a secret of `WHOLE_WORD_BELOW` characters or more is hidden wherever it
appears; a shorter one (a test key such as `k`) could be part of ordinary words
(`citcall_mock`), so it is hidden only where it stands as a token of its own, not
next to a letter, digit, `_` or `-`.

OTP codes: one rule for the facade's errors and the recorder (`mask_otp_digits`).
In a text that may spell out a code (an SMS OTP's `text`), every group of digits at
least as long as the shortest OTP (the missed call's `x-otp-digits`) is masked, in
any layout (`123-456`, `12 34 56`) and any script (full-width or Arabic-Indic
digits: Unicode digits count); a known code (the request's `token`) is masked in any
layout wherever it stands as a number of its own (`mask_codes`).
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

SECRET = "[secret]"  # noqa: S105 (the placeholder, not a password)
MASK = "***"
TOO_DEEP = "[nested too deeply]"
#: Below this depth, structures an error keeps are copied; deeper parts are replaced.
MAX_DEPTH = 32
#: A secret at least this long is hidden anywhere; a shorter one only as a whole token.
WHOLE_WORD_BELOW = 8
#: A secret cut by the end of a truncated body still hides when this much of it shows.
_MIN_PARTIAL = 4
_MASKED_FIELDS = frozenset({"token"})  # OTP codes: not needed to reconcile a send
#: Characters that make up a token: a short secret next to one is part of another word.
_WORD = r"[\w-]"
#: What people put between the digits of a code: spaces, dashes, dots, commas, slashes.
_SEPARATOR = r"[\s\-\u2010-\u2015\u2212.,/_\u00b7\u2027\u30fb]"
_DIGIT = re.compile(r"\d")


def _ascii_digits(text: str) -> str:
    """`text` with every Unicode decimal digit as its ASCII digit (same length)."""
    if text.isascii():
        return text
    return _DIGIT.sub(lambda m: str(unicodedata.decimal(m.group(), 0)), text)


def _mask_spans(text: str, spans: Iterable[tuple[int, int]], digit: str) -> str:
    """`text` with every digit inside the given spans replaced by `digit`."""
    pieces, last = [], 0
    for start, end in spans:
        pieces.append(text[last:start])
        pieces.append(_DIGIT.sub(digit, text[start:end]))
        last = end
    if not pieces:
        return text
    pieces.append(text[last:])
    return "".join(pieces)


@functools.cache
def _otp_group() -> re.Pattern[str]:
    """Digit groups: digits, possibly separated by a few separator characters."""
    return re.compile(rf"\d(?:{_SEPARATOR}{{0,3}}\d)*")


@functools.cache
def _otp_length() -> int:
    """The shortest OTP: the missed call's `x-otp-digits` (read from the spec once)."""
    from citcall_contract.spec.rules import otp_digits

    return otp_digits()


def code_digits(value: object) -> str | None:
    """The ASCII digits of an OTP code (full-width `12-34` -> `"1234"`), None when it has none."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    text = str(value)
    if text.isascii() and text.isdigit():
        return text
    digits = "".join(_DIGIT.findall(_ascii_digits(text)))
    return digits or None


def _code_pattern(codes: Iterable[str]) -> re.Pattern[str] | None:
    between = f"{_SEPARATOR}{{0,3}}"
    alternatives = sorted({between.join(code) for code in codes if code}, key=len, reverse=True)
    if not alternatives:
        return None
    return re.compile(rf"(?<!\d)(?:{'|'.join(alternatives)})(?!\d)")


def mask_codes(text: str, codes: Iterable[str], digit: str = "*") -> str:
    """`text` with each known code (ASCII digits, see `code_digits`) masked in any layout
    and script where it stands as a number of its own (not inside a longer number)."""
    pattern = _code_pattern(codes)
    if pattern is None or not _DIGIT.search(text):
        return text
    spans = [m.span() for m in pattern.finditer(_ascii_digits(text))]
    return _mask_spans(text, spans, digit)


def mask_otp_digits(text: str, codes: Iterable[str] = (), digit: str = "*") -> str:
    """A text that may spell out an OTP, with every OTP-length digit group and each known
    code masked: `Your code is 123-456` -> `Your code is ***-***`."""
    if not _DIGIT.search(text):
        return text
    shortest = _otp_length()
    groups = [
        m.span() for m in _otp_group().finditer(text) if len(_DIGIT.findall(m.group())) >= shortest
    ]
    return mask_codes(_mask_spans(text, groups, digit), codes, digit)


def hide(text: str, secrets: Iterable[str | None], placeholder: str = MASK) -> str:
    """`text` with each non-empty secret, and its JSON-escaped forms, replaced.

    The one way reports and recordings (verify, verify-receiver, record, check-traffic)
    hide credentials; the facade's errors keep a `Redactor` for their many fields.
    """
    return Redactor((s for s in secrets if s), placeholder).text(text)


def _forms(secret: str) -> set[str]:
    escaped = json.dumps(secret)[1:-1]
    return {secret, escaped, escaped.replace("/", "\\/")}


def _alternation(forms: Iterable[str]) -> str:
    # Longest first, so a secret containing another is replaced whole.
    return "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))


class Redactor:
    """Replaces each secret (and its JSON-escaped forms) with `placeholder` (`[secret]`)."""

    def __init__(self, secrets: Iterable[str], placeholder: str = SECRET) -> None:
        secrets = tuple(s for s in secrets if s)
        self._placeholder = placeholder
        long_forms: set[str] = set()
        short_forms: set[str] = set()
        for secret in secrets:
            (long_forms if len(secret) >= WHOLE_WORD_BELOW else short_forms).update(_forms(secret))
        parts = []
        if long_forms:
            parts.append(f"(?:{_alternation(long_forms)})")
        if short_forms:
            parts.append(f"(?<!{_WORD})(?:{_alternation(short_forms)})(?!{_WORD})")
        self._pattern = re.compile("|".join(parts)) if parts else None
        self._originals = [s for s in secrets if len(s) > _MIN_PARTIAL]

    def text(self, value: str) -> str:
        if self._pattern is None:
            return value
        placeholder = self._placeholder
        return self._pattern.sub(lambda _: placeholder, value)

    def truncated(self, value: str) -> str:
        """`text`, and a trailing prefix of a secret (a body cut mid-secret) hidden too."""
        value = self.text(value)
        for secret in self._originals:
            for size in range(len(secret) - 1, _MIN_PARTIAL - 1, -1):
                if not value.endswith(secret[:size]):
                    continue
                before = value[-size - 1 : -size]
                if len(secret) < WHOLE_WORD_BELOW and re.fullmatch(_WORD, before):
                    continue  # the end of another word, not a cut secret
                return value[:-size] + self._placeholder
        return value

    def deep(self, value: Any, depth: int = 0) -> Any:
        """A copy of a JSON-like value with every string redacted; deep parts replaced."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, Mapping | list | tuple) and depth >= MAX_DEPTH:
            return TOO_DEEP
        if isinstance(value, Mapping):
            return {self.text(str(k)): self.deep(v, depth + 1) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.deep(v, depth + 1) for v in value]
        return value

    def request(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """A request body as errors show it: secrets redacted, OTP codes masked."""
        codes = [c for c in (code_digits(body.get(name)) for name in _MASKED_FIELDS) if c]
        shown: dict[str, Any] = {}
        for key, value in body.items():
            if key in _MASKED_FIELDS:
                shown[key] = MASK
            elif key == "text" and isinstance(value, str):
                shown[key] = self.text(mask_otp_digits(value, codes))
            else:
                shown[key] = self.deep(value, 1)
        return shown
