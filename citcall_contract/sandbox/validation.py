"""A request body checked against the operation's schema, failures mapped to the gateway's rc.

The schema says what is valid; `x-sandbox-scenarios.validation` says which rc a
failing field earns. jsonschema reports every error, so the one that the gateway would
report first wins: a missing field, then the fields in the listed order, then the rest.

The spec's own validator (`citcall_contract.spec`) is the authority, but walking a body
through it costs 100-200 us, most of the sandbox's time per request. A jsonschema-rs
validator of the same schema (compiled once, under a microsecond per body) answers the
common case, "valid"; whenever it does not accept a body, or the body has a field whose
schema has a `format` (checked by Python's format checker only), the spec's validator
decides and its errors give the rc. So the fast path can only agree with the spec's
validator (a test checks this on generated bodies), never widen it.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import jsonschema_rs
from jsonschema import Draft202012Validator, ValidationError

from citcall_contract.codes import rc_named
from citcall_contract.rules import looks_like_otp, national_length_ok
from citcall_contract.scenarios import validation_rules
from citcall_contract.spec import (
    SPEC_URI,
    Operation,
    component_schema,
    load_spec,
    operation,
    resolve,
)


@dataclass(frozen=True)
class Rejection:
    """Why a request is refused: the rc and a detail naming the field."""

    rc: int
    detail: str | None = None
    info: str | None = None  # replaces the gateway's wording when it would mislead


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def parse_json_object(raw: bytes) -> dict[str, Any] | Rejection:
    """The body as a JSON object, or INVALID_JSON_FORMAT (not JSON, not UTF-8, not an object)."""
    try:
        body = json.loads(raw, parse_constant=_no_constants)
    except (ValueError, RecursionError):
        return Rejection(rc_named("INVALID_JSON_FORMAT"))
    if not isinstance(body, dict):
        return Rejection(rc_named("INVALID_JSON_FORMAT"), "the body must be a JSON object")
    return body


@functools.cache
def _fast_registry() -> jsonschema_rs.Registry:
    return jsonschema_rs.Registry([(SPEC_URI, dict(load_spec()))])


def _fast_validator(op: Operation) -> jsonschema_rs.Validator:
    """The request schema compiled by jsonschema-rs, formats off (Python checks those)."""
    schema = {"$ref": SPEC_URI + op.request_schema_ref()}
    return jsonschema_rs.Draft202012Validator(
        schema, registry=_fast_registry(), validate_formats=False
    )


def _has_format(node: Any, depth: int = 0) -> bool:
    node = resolve(node)
    if depth > 32:
        return True  # be safe: leave deep schemas to the spec's validator
    if isinstance(node, Mapping):
        return "format" in node or any(_has_format(v, depth + 1) for v in node.values())
    if isinstance(node, list):
        return any(_has_format(v, depth + 1) for v in node)
    return False


def _format_fields(schema: Mapping[str, Any]) -> frozenset[str]:
    """Top-level properties whose schema uses `format` somewhere."""
    properties = schema.get("properties", {})
    return frozenset(name for name, sub in properties.items() if _has_format(sub))


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


class RequestChecker:
    """Checks one operation's request bodies; built once per operation and cached."""

    def __init__(self, op: Operation) -> None:
        self.operation_id = op.operation_id
        self._validator: Draft202012Validator = op.request_validator()
        self._fast = _fast_validator(op)
        self._format_fields = _format_fields(self._request_schema(op))
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
        self._refuses_otp_text = "x-otp-words" in self._request_schema(op)
        self._invalid_content_rc = rc_named("INVALID_SMS_CONTENT")

    @staticmethod
    def _request_schema(op: Operation) -> Mapping[str, Any]:
        name = op.request_schema_ref().rsplit("/", 1)[-1]
        schema: Mapping[str, Any] = component_schema(name)
        return schema

    def fast_accepts(self, body: Mapping[str, Any]) -> bool:
        """True only when jsonschema-rs finds the body valid and no format field is present."""
        if not self._format_fields.isdisjoint(body):
            return False
        try:
            return bool(self._fast.is_valid(body))
        except (ValueError, TypeError, OverflowError):  # e.g. inf or huge ints
            return False

    def check(self, body: Mapping[str, Any]) -> Rejection | None:
        """None for a valid body, else the Rejection the gateway would give first."""
        best: tuple[int, Rejection] | None = None
        if not self.fast_accepts(body):
            for error in self._validator.iter_errors(body):
                ranked = self._classify(error)
                if best is None or ranked[0] < best[0]:
                    best = ranked
                if best[0] == 0:
                    break
        if best is None or best[0] > self._msisdn_rank:
            msisdn = body.get("msisdn")
            if isinstance(msisdn, str) and not national_length_ok(msisdn):
                detail = "msisdn has the wrong number of digits for its country"
                best = (self._msisdn_rank, Rejection(self._msisdn_rc, detail))
        text_may_decide = best is None or best[0] > self._text_rank
        if self._refuses_otp_text and text_may_decide and looks_like_otp(body.get("text")):
            detail = "text looks like a one-time password; send it with /smsotp"
            best = (self._text_rank, Rejection(self._invalid_content_rc, detail))
        return None if best is None else best[1]

    def _classify(self, error: ValidationError) -> tuple[int, Rejection]:
        if error.validator == "required" and not error.absolute_path:
            missing = _missing_fields(error)
            return 0, Rejection(self._missing_rc, ", ".join(missing) or None)
        field = _field_of(error)
        if field is not None and field in self._field_rcs:
            return self._rank[field], Rejection(self._field_rcs[field], field)
        info = f"invalid parameter: {field or 'the body'}"
        return self._other_rank, Rejection(self._other_rc, info=info)


@functools.cache
def checker(operation_id: str) -> RequestChecker:
    """The cached checker of an operation: its validator is compiled once per process."""
    return RequestChecker(operation(operation_id))
