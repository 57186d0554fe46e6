"""Compiled Draft 2020-12 validators for any schema of the spec, built once per `$ref`.

Formats are checked as jsonschema's `format-nongpl` would (only `uri` is used) and
`pattern` has ECMA-262 meaning. jsonschema is imported by the first validator built.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, cast

from citcall_contract.spec.document import SPEC_URI, registry
from citcall_contract.spec.ecma import ecma_regex

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator, FormatChecker, ValidationError


@functools.cache
def format_checker() -> FormatChecker:
    """The `format`s the spec uses, checked as jsonschema's `format-nongpl` extra would.

    Only `uri` is used (CallbackUrl); it is checked with rfc3986-validator, the library
    jsonschema itself uses for it, without loading the other checkers (one builds a Lark
    grammar, about a second). A test holds this set against every `format` in the spec.
    rfc3986-validator's regex ends in Python's `$`, which also matches before a final
    newline; JSON Schema means the end of the string, so a trailing newline is refused.
    """
    from jsonschema import FormatChecker
    from rfc3986_validator import validate_rfc3986

    checker = FormatChecker(formats=())

    @checker.checks("uri")
    def is_uri(instance: object) -> bool:
        if not isinstance(instance, str):
            return True
        return not instance.endswith("\n") and bool(validate_rfc3986(instance, rule="URI"))

    return checker


def _ecma_pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[Any]:
    """The `pattern` keyword with ECMA-262 semantics (jsonschema's uses Python's `$`)."""
    from jsonschema import ValidationError

    if validator.is_type(instance, "string") and not ecma_regex(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


@functools.cache
def _validator_class() -> type[Draft202012Validator]:
    """Draft 2020-12 with an ECMA-262 `pattern`, as JSON Schema requires."""
    from jsonschema import Draft202012Validator, validators

    extended = validators.extend(  # type: ignore[no-untyped-call]
        Draft202012Validator, {"pattern": _ecma_pattern}
    )
    return cast("type[Draft202012Validator]", extended)


@functools.cache
def validator(ref: str) -> Draft202012Validator:
    """A compiled Draft 2020-12 validator (formats checked, ECMA-262 patterns) for `ref`."""
    schema = {"$ref": SPEC_URI + ref}
    cls = _validator_class()
    return cls(schema, registry=registry(), format_checker=format_checker())


def standalone_validator(schema: Any) -> Draft202012Validator:
    """A validator for a schema outside the loaded spec (another version's, already
    inlined) with the same rules: ECMA-262 patterns and the spec's formats."""
    return _validator_class()(schema, format_checker=format_checker())


def schema_validator(name: str) -> Draft202012Validator:
    """Validator for `components/schemas/<name>`."""
    return validator(f"#/components/schemas/{name}")


def error_location(error: ValidationError) -> str:
    """Where a validation error is, one way for every report of the kit: the instance path
    (`a/0/b`), else the missing field of a top-level `required`, else `(body)`."""
    path = "/".join(str(part) for part in error.absolute_path)
    if path:
        return path
    required = error.validator_value if error.validator == "required" else None
    if isinstance(required, list) and isinstance(error.instance, dict):
        missing = [name for name in required if name not in error.instance]
        if missing:
            return str(missing[0])
    return "(body)"
