"""Keep the credentials and OTP codes out of everything an error carries.

A gateway or proxy may echo the API key or the Basic token in its answer (`{"rc":96,
"info":"apikey <key> not found"}`, an error page listing the request's headers), so
every string an error keeps (message, `info`, `response`, `request`, `snippet`,
`reason`) goes through one `Redactor` first. OTP codes are masked in request copies:
the `token` field and any run of OTP-length digits in `text`.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

SECRET = "[secret]"  # noqa: S105 (the placeholder, not a password)
MASK = "***"
TOO_DEEP = "[nested too deeply]"
#: Below this depth, structures an error keeps are copied; deeper parts are replaced.
MAX_DEPTH = 32
#: A secret cut by the end of a truncated body still hides when this much of it shows.
_MIN_PARTIAL = 4
_MASKED_FIELDS = frozenset({"token"})  # OTP codes: not needed to reconcile a send


@functools.cache
def _otp_run() -> re.Pattern[str]:
    """Digit runs as long as the shortest OTP (the missed call's `x-otp-digits`) or longer."""
    from citcall_contract.spec.rules import otp_digits

    return re.compile(rf"\d{{{otp_digits()},}}")


def mask_otp_digits(text: str) -> str:
    return _otp_run().sub(lambda m: "*" * len(m.group()), text)


def hide(text: str, secrets: Iterable[str | None], placeholder: str = MASK) -> str:
    """`text` with each non-empty secret, and its JSON-escaped forms, replaced.

    The one way reports and recordings (verify, verify-receiver, record, check-traffic)
    hide credentials; the facade's errors keep a `Redactor` for their many fields.
    """
    return Redactor((s for s in secrets if s), placeholder).text(text)


class Redactor:
    """Replaces each secret (and its JSON-escaped forms) with `placeholder` (`[secret]`)."""

    def __init__(self, secrets: Iterable[str], placeholder: str = SECRET) -> None:
        secrets = tuple(secrets)
        self._placeholder = placeholder
        forms: set[str] = set()
        for secret in secrets:
            if not secret:
                continue
            escaped = json.dumps(secret)[1:-1]
            forms |= {secret, escaped, escaped.replace("/", "\\/")}
        # Longest first, so a secret containing another is replaced whole.
        self._forms = sorted(forms, key=len, reverse=True)
        self._originals = [s for s in secrets if len(s) > _MIN_PARTIAL]

    def text(self, value: str) -> str:
        for form in self._forms:
            if form in value:
                value = value.replace(form, self._placeholder)
        return value

    def truncated(self, value: str) -> str:
        """`text`, and a trailing prefix of a secret (a body cut mid-secret) hidden too."""
        value = self.text(value)
        for secret in self._originals:
            for size in range(len(secret) - 1, _MIN_PARTIAL - 1, -1):
                if value.endswith(secret[:size]):
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
        shown: dict[str, Any] = {}
        for key, value in body.items():
            if key in _MASKED_FIELDS:
                shown[key] = MASK
            elif key == "text" and isinstance(value, str):
                shown[key] = self.text(mask_otp_digits(value))
            else:
                shown[key] = self.deep(value, 1)
        return shown
