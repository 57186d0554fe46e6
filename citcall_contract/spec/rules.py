"""Gateway rules that the spec states as `x-` extensions, each read and applied once.

The client checks input with them, the sandbox enforces them and the contract checks
excuse refusals by them; keeping them here means the three can never disagree. The
registry of the sandbox's rules (`x-sandbox-rules`: rc, source, evidence, what relaxing
does) is read here too, so `--rules`, `--relax` and the docs all list the same rows.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from citcall_contract.spec import component_schema, load_spec


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


# --- The sandbox's rules and where they come from (`x-sandbox-rules`) --------------------


@dataclass(frozen=True)
class SandboxRule:
    """One row of `x-sandbox-rules`: a rule beyond the schemas' shape, with its source.

    `schema` and `relaxed_keywords` are set for a bound of a component schema: relaxed,
    those keywords take the given values (None: no bound). `example` is an operationId
    and body fields that break the rule.
    """

    name: str
    summary: str
    rc: int | None
    source: str
    evidence: str
    relaxable: bool
    relaxed: str
    schema: str | None = None
    relaxed_keywords: Mapping[str, Any] = field(default_factory=dict)
    example: tuple[str, Mapping[str, Any]] | None = None

    @property
    def assumption(self) -> bool:
        """True when no source backs the rule: this kit's own choice."""
        return self.source == ASSUMPTION


#: The `x-evidence-sources` key of a rule or form that only this kit stands behind.
ASSUMPTION = "assumption"


def _words(text: object) -> str:
    return " ".join(str(text).split())


def _rule(row: Mapping[str, Any]) -> SandboxRule:
    schema = row.get("schema") or {}
    example = row.get("example")
    return SandboxRule(
        name=str(row["name"]),
        summary=_words(row["summary"]),
        rc=None if row.get("rc") is None else int(row["rc"]),
        source=str(row["source"]),
        evidence=_words(row["evidence"]),
        relaxable=bool(row.get("relaxable", True)),
        relaxed=_words(row["relaxed"]),
        schema=str(schema["component"]) if schema else None,
        relaxed_keywords=dict(schema.get("relaxed", {})) if schema else {},
        example=(str(example["operation"]), dict(example["body"])) if example else None,
    )


@functools.cache
def evidence_sources() -> Mapping[str, str]:
    """`x-evidence-sources`: source key -> what it is (the seed, the official SDK...)."""
    table = load_spec()["x-evidence-sources"]
    return {str(k): _words(v) for k, v in table.items() if k != "description"}


@functools.cache
def sandbox_rules() -> Mapping[str, SandboxRule]:
    """Every rule of `x-sandbox-rules`, by name, in the spec's order."""
    return {rule.name: rule for rule in map(_rule, load_spec()["x-sandbox-rules"]["rules"])}


def relaxable_rules() -> tuple[str, ...]:
    """Names `--relax` accepts."""
    return tuple(name for name, rule in sandbox_rules().items() if rule.relaxable)


def check_relaxed(names: Iterable[str]) -> frozenset[str]:
    """`names` as a set, or ValueError naming the first unknown or unrelaxable one and
    listing the names that can be relaxed."""
    chosen = frozenset(names)
    for name in sorted(chosen):
        rule = sandbox_rules().get(name)
        if rule is None or not rule.relaxable:
            why = "is not a sandbox rule" if rule is None else "cannot be relaxed"
            valid = ", ".join(relaxable_rules())
            raise ValueError(f"relax: {name!r} {why}; rules that can be relaxed: {valid}")
    return chosen


def keeps_otp(request: Mapping[str, Any]) -> bool:
    """Whether the gateway keeps an OTP request's code for `/verify`: only with `valid_time`
    (rule `verify-needs-valid-time`). Without it `limit_try` means nothing either."""
    return request.get("valid_time") is not None


def rules_table() -> str:
    """The rules as a Markdown table (name, rc, source, what it does, relaxed), for docs."""
    lines = [
        "| rule | rc | source | what the sandbox does | with `--relax` |",
        "|---|---|---|---|---|",
    ]
    for rule in sandbox_rules().values():
        rc = "-" if rule.rc is None else str(rule.rc)
        source = f"**{rule.source}**" if rule.assumption else rule.source
        relaxed = rule.relaxed if rule.relaxable else f"(not relaxable) {rule.relaxed}"
        cells = (f"`{rule.name}`", rc, source, rule.summary, relaxed)
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines)
