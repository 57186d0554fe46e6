"""Test numbers that force an outcome, read from the spec's `x-sandbox-scenarios`.

`force_rc_prefix` + two digits answers with that rc (on every operation); the
`call_outcome_prefix` + a three-digit SIP code places a missed call with that outcome;
the `faults` numbers make the transport misbehave (slow, dropped, HTML 502, truncated...).
The rows live in the spec so that docs, README, sandbox and the in-process mock cannot
disagree.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from citcall_contract.spec import load_spec
from citcall_contract.spec.codes import describe_dial_code
from citcall_contract.spec.document import row_named
from citcall_contract.spec.rules import international_msisdn

#: The dial code of "any other valid number": the call is answered.
DEFAULT_DIAL_CODE = 200


@dataclass(frozen=True)
class CallOutcome:
    """How a sandbox missed call ends, as its callback reports it."""

    name: str
    dial_code: int
    dial_status: str
    call_status: str
    result: str
    delivered: bool


def scenarios() -> Mapping[str, Any]:
    """The spec's `x-sandbox-scenarios` object."""
    table: Mapping[str, Any] = load_spec()["x-sandbox-scenarios"]
    return table


@functools.cache
def call_outcomes() -> Mapping[int, CallOutcome]:
    """The documented outcomes, keyed by dial code."""
    return {
        int(row["dial_code"]): CallOutcome(
            name=str(row["name"]),
            dial_code=int(row["dial_code"]),
            dial_status=str(row["dial_status"]),
            call_status=str(row["call_status"]),
            result=str(row["result"]),
            delivered=describe_dial_code(int(row["dial_code"])).delivered,
        )
        for row in scenarios()["call_outcomes"]
    }


def _derived_outcome(code: int) -> CallOutcome:
    """An outcome for a SIP code that has no row: its class decides, wording from the rows."""
    info = describe_dial_code(code)
    like = next(o for o in call_outcomes().values() if o.delivered == info.delivered)
    return CallOutcome(
        name=info.name.lower(),
        dial_code=code,
        dial_status=info.name.replace("_", " "),
        call_status=like.call_status,
        result=like.result,
        delivered=info.delivered,
    )


def forced_rc(msisdn: str) -> int | None:
    """The rc a `force_rc_prefix` number asks for, or None for an ordinary number."""
    prefix = str(scenarios()["force_rc_prefix"])
    digits = international_msisdn(msisdn)
    suffix = digits[len(prefix) :]
    if digits.startswith(prefix) and len(suffix) == 2 and suffix.isdigit():
        return int(suffix)
    return None


def call_outcome(msisdn: str) -> CallOutcome:
    """How a missed call to `msisdn` ends: a documented row, a derived SIP outcome or answered."""
    prefix = str(scenarios()["call_outcome_prefix"])
    digits = international_msisdn(msisdn)
    suffix = digits[len(prefix) :]
    code = DEFAULT_DIAL_CODE
    if digits.startswith(prefix) and len(suffix) == 3 and suffix.isdigit():
        code = int(suffix)
    known = call_outcomes().get(code)
    if known is not None:
        return known
    if 100 <= code <= 699:
        return _derived_outcome(code)
    return call_outcomes()[DEFAULT_DIAL_CODE]


@dataclass(frozen=True)
class ValidationRules:
    """`x-sandbox-scenarios.validation`: which rc a schema failure gets, by field."""

    missing_field_rc: int
    field_rcs: Mapping[str, int]
    other_invalid_rc: int
    callback_host_refused_rc: int


@functools.cache
def validation_rules() -> ValidationRules:
    rules = scenarios()["validation"]
    return ValidationRules(
        missing_field_rc=int(rules["missing_field_rc"]),
        field_rcs={str(k): int(v) for k, v in rules["field_rcs"].items()},
        other_invalid_rc=int(rules["other_invalid_rc"]),
        callback_host_refused_rc=int(rules["callback_host_refused_rc"]),
    )


@dataclass(frozen=True)
class Pricing:
    """`x-sandbox-scenarios.pricing`: what a send costs, in `currency`."""

    currency: str
    sms_part: int
    missed_call: int


@functools.cache
def pricing() -> Pricing:
    row = scenarios()["pricing"]
    return Pricing(str(row["currency"]), int(row["sms_part"]), int(row["missed_call"]))


@functools.cache
def sms_report() -> Mapping[str, str]:
    """`result` and `description` of the SMS delivery reports the sandbox posts."""
    row = scenarios()["sms_report"]
    return {"result": str(row["result"]), "description": str(row["description"])}


@dataclass(frozen=True)
class Fault:
    """One row of `x-sandbox-scenarios.faults`: a test number that makes the transport misbehave.

    `processed` says whether the request takes effect (billed, OTP kept, callback sent);
    for `unavailable_then_ok` it is the attempt after the `failures` refused ones.
    `params` holds the row's other values (`delay`, `status`, `body`, `copies`...).
    """

    name: str
    msisdn: str
    description: str
    processed: bool
    params: Mapping[str, Any]

    def number(self, key: str, default: float = 0.0) -> float:
        """A numeric parameter of the row (e.g. `delay`), or `default`."""
        value = self.params.get(key, default)
        return float(value)


_FAULT_KEYS = frozenset({"name", "msisdn", "description", "processed"})


@functools.cache
def faults() -> Mapping[str, Fault]:
    """The spec's fault rows, keyed by name."""
    return {
        str(row["name"]): Fault(
            name=str(row["name"]),
            msisdn=str(row["msisdn"]),
            description=" ".join(str(row["description"]).split()),
            processed=bool(row["processed"]),
            params={k: v for k, v in row.items() if k not in _FAULT_KEYS},
        )
        for row in scenarios().get("faults", [])
    }


@functools.cache
def _faults_by_msisdn() -> Mapping[str, Fault]:
    return {fault.msisdn: fault for fault in faults().values()}


def fault_for(msisdn: object) -> Fault | None:
    """The fault a number asks for (any prefix form: `+62...`, `0...`), or None."""
    if not isinstance(msisdn, str):
        return None
    return _faults_by_msisdn().get(international_msisdn(msisdn))


def fault_named(name: str) -> Fault:
    """The fault row called `name`; KeyError naming the known ones otherwise."""
    return row_named(faults(), name, "sandbox fault")
