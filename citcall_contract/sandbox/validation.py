"""A request body checked against the operation's schema, failures mapped to the gateway's rc.

The schema says what is valid; `x-sandbox-scenarios.validation` says which rc a
failing field earns. jsonschema reports every error, so the one that the gateway would
report first wins: a missing field, then the fields in the listed order, then the rest.

The spec's own validator (`citcall_contract.spec`) is the authority, but walking a body
through it costs 100-200 us, most of the sandbox's time per request. A jsonschema-rs
validator of the same schema (`spec.surely_valid`, compiled once, under a microsecond
per body) answers the common case, "valid"; whenever it does not accept a body, or the
body has a field whose schema has a `format` (checked by Python's format checker
only), the spec's validator decides and its errors give the rc. So the fast path can
only agree with the spec's validator (a test checks this on generated bodies), never
widen it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from jsonschema import Draft202012Validator, ValidationError

from citcall_contract.core import strict_json
from citcall_contract.sandbox.relaxation import STRICT, Relaxation
from citcall_contract.spec import (
    Operation,
    component_schema,
    operation,
    resolve,
    surely_valid,
)
from citcall_contract.spec.codes import rc_named
from citcall_contract.spec.rules import looks_like_otp, msisdn_problem, national_length_ok
from citcall_contract.spec.scenarios import validation_rules


@dataclass(frozen=True)
class Rejection:
    """Why a request is refused: the rc and a detail naming the field."""

    rc: int
    detail: str | None = None
    info: str | None = None  # replaces the gateway's wording when it would mislead


#: A `\uD800`-`\uDFFF` escape in raw JSON: the only way a surrogate gets into a parsed string.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def lone_surrogate_at(value: Any) -> str | None:
    """Where a string (or key) holds a lone UTF-16 surrogate, e.g. `text`; else None.

    `json.loads` joins escaped pairs into one character, so any surrogate left is lone:
    not Unicode, not encodable as UTF-8, and refused by the gateway's JSON decoder.
    """
    stack: list[tuple[str, Any]] = [("the body", value)]
    while stack:
        where, node = stack.pop()
        if isinstance(node, str):
            if _LONE_SURROGATE.search(node):
                return where
        elif isinstance(node, dict):
            for key, item in node.items():
                name = key if where == "the body" else f"{where}.{key}"
                if _LONE_SURROGATE.search(key):
                    return f"a key of {where}"
                stack.append((name, item))
        elif isinstance(node, list):
            stack.extend((f"{where}[{i}]", item) for i, item in enumerate(node))
    return None


def parse_json_object(raw: bytes) -> dict[str, Any] | Rejection:
    """The body as a JSON object, or INVALID_JSON_FORMAT (not JSON, not UTF-8, not an
    object, or a string with a lone surrogate, which no UTF-8 answer could echo)."""
    try:
        body = strict_json.loads(raw)
    except ValueError:
        return Rejection(rc_named("INVALID_JSON_FORMAT"))
    if not isinstance(body, dict):
        return Rejection(rc_named("INVALID_JSON_FORMAT"), "the body must be a JSON object")
    if b"\\u" in raw and _SURROGATE_ESCAPE.search(raw):  # `in` first: most bodies have no escape
        where = lone_surrogate_at(body)
        if where is not None:
            detail = f"{where} holds a lone UTF-16 surrogate (not Unicode)"
            return Rejection(rc_named("INVALID_JSON_FORMAT"), detail)
    return body


#: Bound keywords in words: `valid_time must be at most 86400, got 99999`.
_BOUND_WORDS = {
    "maximum": "must be at most",
    "minimum": "must be at least",
    "exclusiveMaximum": "must be less than",
    "exclusiveMinimum": "must be more than",
}
_LENGTH_WORDS = {"maxLength": "at most", "minLength": "at least"}


def _short(value: Any, limit: int = 40) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."


def _json_type(value: Any) -> str:
    names = {bool: "boolean", int: "integer", float: "number", str: "string", list: "array"}
    return "null" if value is None else names.get(type(value), "object")


def _branch_words(schema: Any) -> str:
    """One `anyOf` branch in words: `an integer 0-4`, `one of ['0', '1']`."""
    schema = resolve(schema)
    if not isinstance(schema, Mapping):
        return "a value of its schema"
    if "enum" in schema:
        return f"one of {schema['enum']!r}"
    kind = str(schema.get("type", "value"))
    low, high = schema.get("minimum"), schema.get("maximum")
    article = "an" if kind[:1] in "aeiou" else "a"
    if low is not None and high is not None:
        return f"{article} {kind} {low}-{high}"
    return f"{article} {kind}"


def _alternatives(error: ValidationError) -> str:
    """`must be an integer 0-4 or one of ['0', ...]`, from the branches of `anyOf`."""
    branches = error.validator_value if isinstance(error.validator_value, list) else []
    return "must be " + " or ".join(_branch_words(b) for b in branches)


def _missing_fields(error: ValidationError) -> list[str]:
    required = error.validator_value if isinstance(error.validator_value, list) else []
    instance = error.instance if isinstance(error.instance, Mapping) else {}
    return [str(name) for name in required if name not in instance]


def _field_of(error: ValidationError) -> str | None:
    """The top-level field an error is about (for `not: {required: [x]}`, that x)."""
    if error.absolute_path:
        return str(error.absolute_path[0])
    value = error.validator_value
    if error.validator == "not" and isinstance(value, Mapping):
        names = value.get("required")
        if isinstance(names, list) and names:
            return str(names[0])
    return None


def _choice_fields(schema: Mapping[str, Any]) -> tuple[str, ...]:
    """`(gateway, retry)` for a schema that requires one of two fields by `if`/`else`."""
    first = schema.get("if", {}).get("required", [])
    other = schema.get("else", {}).get("required", [])
    return tuple(str(name) for name in (*first, *other))


class RequestChecker:
    """Checks one operation's request bodies; built once per operation (and set of
    relaxed rules, `x-sandbox-rules`) and cached."""

    def __init__(self, op: Operation, relaxation: Relaxation = STRICT) -> None:
        self.operation_id = op.operation_id
        self._relaxation = relaxation if relaxation.names else None
        self._validator: Draft202012Validator = op.request_validator()
        self._ref = op.request_schema_ref()
        rules = validation_rules()
        self._missing_rc = rules.missing_field_rc
        self._other_rc = rules.other_invalid_rc
        self._field_rcs = dict(rules.field_rcs)
        # Rank: missing fields first, then fields in the listed order, then anything else.
        self._rank = {name: i + 1 for i, name in enumerate(rules.field_rcs)}
        self._other_rank = len(self._rank) + 1
        self._text_rank = self._rank.get("text", self._other_rank)
        self._msisdn_rank = self._rank.get("msisdn", self._other_rank)
        self._msisdn_rc = self._field_rcs.get("msisdn", self._other_rc)
        self._refuses_otp_text = "x-otp-words" in self._request_schema(op) and (
            relaxation.enforces("otp-words")
        )
        self._checks_national_digits = relaxation.enforces("msisdn-national-digits")
        self._invalid_content_rc = rc_named("INVALID_SMS_CONTENT")
        self._choice = _choice_fields(self._request_schema(op))

    @staticmethod
    def _request_schema(op: Operation) -> Mapping[str, Any]:
        name = op.request_schema_ref().rsplit("/", 1)[-1]
        schema: Mapping[str, Any] = component_schema(name)
        return schema

    def fast_accepts(self, body: Mapping[str, Any]) -> bool:
        """True only when jsonschema-rs finds the body valid and no format field is present."""
        return surely_valid(self._ref, body)

    def check(self, body: Mapping[str, Any]) -> Rejection | None:
        """None for a valid body, else the Rejection the gateway would give first."""
        best: tuple[int, Rejection] | None = None
        if not self.fast_accepts(body):
            for error in self._validator.iter_errors(body):
                if self._relaxation is not None and self._relaxation.forgives(error):
                    continue
                ranked = self._classify(error)
                if best is None or ranked[0] < best[0]:
                    best = ranked
                if best[0] == 0:
                    break
        if self._checks_national_digits and (best is None or best[0] > self._msisdn_rank):
            msisdn = body.get("msisdn")
            if isinstance(msisdn, str) and not national_length_ok(msisdn):
                detail = msisdn_problem(msisdn) or "msisdn: wrong number of digits"
                best = (self._msisdn_rank, Rejection(self._msisdn_rc, detail))
        text_may_decide = best is None or best[0] > self._text_rank
        if self._refuses_otp_text and text_may_decide and looks_like_otp(body.get("text")):
            detail = "text looks like a one-time password; send it with /smsotp"
            best = (self._text_rank, Rejection(self._invalid_content_rc, detail))
        return None if best is None else best[1]

    def _classify(self, error: ValidationError) -> tuple[int, Rejection]:
        if error.validator == "required" and not error.absolute_path:
            return 0, Rejection(self._missing_rc, self._missing(error))
        field = _field_of(error)
        if field is not None and field in self._field_rcs:
            return self._rank[field], Rejection(self._field_rcs[field], self._explain(error, field))
        info = f"invalid parameter: {self._explain(error, field or 'the body')}"
        return self._other_rank, Rejection(self._other_rc, info=info)

    def _missing(self, error: ValidationError) -> str | None:
        """The missing field(s); for a required choice (`if`/`else`, e.g. `gateway` or
        `retry`) both names, so the client knows either will do."""
        missing = _missing_fields(error)
        if set(missing) & set(self._choice) and {"if", "else"} & set(error.schema_path):
            return " or ".join(self._choice) + " (send exactly one)"
        return ", ".join(missing) or None

    def _explain(self, error: ValidationError, field: str) -> str:
        """Which rule `field` broke, in words: the bound, the pattern, the type..."""
        if field == "msisdn" and error.absolute_path:
            problem = msisdn_problem(error.instance)
            if problem is not None:
                return problem
        keyword, bound = error.validator, error.validator_value
        if keyword == "not" and field in self._choice:
            return f"{' and '.join(self._choice)} both given (send exactly one)"
        length = _LENGTH_WORDS.get(str(keyword))
        if length is not None and isinstance(error.instance, str):
            count = len(error.instance)
            return f"{field} must have {length} {bound} characters, got {count}"
        words = _BOUND_WORDS.get(str(keyword))
        if words is not None:
            return f"{field} {words} {bound!r}, got {_short(error.instance)}"
        if keyword == "pattern":
            return f"{field} must match {bound}, got {_short(error.instance)}"
        if keyword == "type":
            return f"{field} must be of type {bound}, got {_json_type(error.instance)}"
        if keyword in {"enum", "const"}:
            return f"{field} must be one of {bound!r}, got {_short(error.instance)}"
        if keyword == "format":
            return f"{field} is not a valid {bound}"
        if keyword in {"anyOf", "oneOf"}:
            return f"{field} {_alternatives(error)}, got {_short(error.instance)}"
        return f"{field}: {error.message[:120]}"


@functools.cache
def checker(operation_id: str, relaxed: frozenset[str] = frozenset()) -> RequestChecker:
    """The cached checker of an operation (with `relaxed` rules off): its validator is
    compiled once per process."""
    return RequestChecker(operation(operation_id), Relaxation(relaxed))
