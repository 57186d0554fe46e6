"""Rules a sandbox was told to relax (`--relax NAME`, `relax=[...]`), and what that changes.

The rules and what relaxing each does are the spec's (`x-sandbox-rules`, read by
`spec.rules`). A rule with `schema` is a bound of a component schema: relaxed, an error
of that schema's bound is forgiven when the value passes the schema with the `relaxed`
keyword values instead. The others are checks of the sandbox's own, each implemented
once where its name appears below; `create_app` refuses a spec whose relaxable rules
are not all implemented here.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from jsonschema import ValidationError
from jsonschema.protocols import Validator

from citcall_contract.spec import component_schema, schema_validator
from citcall_contract.spec.rules import sandbox_rules

#: Relaxable rules that are not a schema bound: where each is implemented.
IMPLEMENTED = {
    "otp-words": "sandbox.validation (RequestChecker)",
    "msisdn-national-digits": "sandbox.validation (RequestChecker)",
    "verify-needs-valid-time": "sandbox.state (keep_otp)",
    "verify-expiry": "sandbox.verification",
    "expired-grace": "sandbox.state (keep_otp)",
    "verify-limit-try": "sandbox.verification",
    "verify-once": "sandbox.verification",
    "verify-msisdn-match": "sandbox.verification",
}


def unimplemented() -> list[str]:
    """Relaxable rules of the spec that this module cannot turn off (must be none)."""
    return [
        rule.name
        for rule in sandbox_rules().values()
        if rule.relaxable and rule.schema is None and rule.name not in IMPLEMENTED
    ]


@dataclass(frozen=True)
class _Bound:
    """A relaxed schema bound: the component's title, its keywords, the relaxed schema."""

    title: str
    keywords: frozenset[str]
    validator: Validator


def _relaxed_schema(component: str, keywords: Mapping[str, Any]) -> dict[str, Any]:
    schema = {k: v for k, v in component_schema(component).items() if not k.startswith("x-")}
    for keyword, value in keywords.items():
        if value is None:
            schema.pop(keyword, None)
        else:
            schema[keyword] = value
    return schema


@functools.cache
def _bounds(names: frozenset[str]) -> tuple[_Bound, ...]:
    """The relaxed bounds of the named rules, merged per component."""
    merged: dict[str, dict[str, Any]] = {}
    for name in sorted(names):
        rule = sandbox_rules()[name]
        if rule.schema is not None:
            merged.setdefault(rule.schema, {}).update(rule.relaxed_keywords)
    return tuple(
        _Bound(
            str(component_schema(component).get("title", component)),
            frozenset(keywords),
            # the spec's validator class: ECMA-262 patterns, the spec's formats
            schema_validator(component).evolve(schema=_relaxed_schema(component, keywords)),
        )
        for component, keywords in merged.items()
    )


@dataclass(frozen=True)
class Relaxation:
    """The relaxed rules of one sandbox; `Relaxation()` enforces every rule."""

    names: frozenset[str] = frozenset()

    def enforces(self, name: str) -> bool:
        return name not in self.names

    def forgives(self, error: ValidationError) -> bool:
        """True when `error` breaks only a relaxed schema bound."""
        schema = error.schema if isinstance(error.schema, Mapping) else {}
        title = schema.get("title")
        for bound in _bounds(self.names):
            if bound.title == title and error.validator in bound.keywords:
                return bool(bound.validator.is_valid(cast(Any, error.instance)))
        return False


STRICT = Relaxation()
