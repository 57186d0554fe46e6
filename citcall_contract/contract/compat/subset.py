"""A conservative test of "every instance of A is an instance of B" for inlined schemas.

True only when it is sure; False when it cannot show it. Exact for enums (each value is
validated against B), structural for the rest: types, bounds, patterns, required and
properties, items, and `anyOf`/`oneOf` on either side.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from citcall_contract.contract.compat.document import ANNOTATIONS

_LOWER = ("minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties")
_UPPER = ("maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties")
_CHECKED = {
    "type",
    "enum",
    "const",
    "anyOf",
    "oneOf",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "pattern",
    "format",
    *_LOWER,
    *_UPPER,
}


def _strip(schema: Any) -> Any:
    if isinstance(schema, Mapping):
        return {k: v for k, v in schema.items() if k not in ANNOTATIONS and not k.startswith("x-")}
    return schema


def _types(schema: Mapping[str, Any]) -> set[str] | None:
    declared = schema.get("type")
    if declared is None:
        return None
    return {declared} if isinstance(declared, str) else set(declared)


def is_subset(a: Any, b: Any) -> bool:
    a, b = _strip(a), _strip(b)
    if b is True or b == {} or a == b or a is False:
        return True
    if not isinstance(a, Mapping) or not isinstance(b, Mapping):
        return False
    values = [a["const"]] if "const" in a else a.get("enum")
    if isinstance(values, list):
        from citcall_contract.spec.validators import standalone_validator

        validator = standalone_validator(b)
        return all(validator.is_valid(value) for value in values)
    parts = a.get("allOf")
    if isinstance(parts, list) and all(isinstance(x, Mapping) for x in parts):
        rest = {k: v for k, v in a.items() if k != "allOf"}
        merged = merge_all_of([rest, *parts])
        if merged is not None and is_subset(merged, b):
            return True
        if is_subset(rest, b) or any(is_subset({**rest, **part}, b) for part in parts):
            return True
    parts = b.get("allOf")
    if isinstance(parts, list):
        rest = {k: v for k, v in b.items() if k != "allOf"}
        return is_subset(a, rest) and all(is_subset(a, part) for part in parts)
    for keyword in ("anyOf", "oneOf"):
        branches = a.get(keyword)
        if isinstance(branches, list) and all(isinstance(x, Mapping) for x in branches):
            rest = {k: v for k, v in a.items() if k != keyword}
            if all(is_subset({**rest, **branch}, b) for branch in branches):
                return True
    for keyword in ("anyOf", "oneOf"):
        if keyword in b:
            rest = {k: v for k, v in b.items() if k != keyword}
            return is_subset(a, rest) and any(is_subset(a, branch) for branch in b[keyword])
    return _implies(a, b)


def _implies(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Every keyword of B is implied by the same keyword of A."""
    if any(keyword not in _CHECKED and a.get(keyword) != value for keyword, value in b.items()):
        return False
    b_types, a_types = _types(b), _types(a)
    if b_types is not None:
        if a_types is None:
            return False
        if not all(t in b_types or (t == "integer" and "number" in b_types) for t in a_types):
            return False
    for keyword in _LOWER:
        if keyword in b and not (keyword in a and a[keyword] >= b[keyword]):
            return False
    for keyword in _UPPER:
        if keyword in b and not (keyword in a and a[keyword] <= b[keyword]):
            return False
    for keyword in ("pattern", "format"):
        if keyword in b and a.get(keyword) != b[keyword]:
            return False
    if not set(b.get("required", [])) <= set(a.get("required", [])):
        return False
    a_props: Mapping[str, Any] = a.get("properties", {})
    a_closed = a.get("additionalProperties") is False
    for name, schema in b.get("properties", {}).items():
        if name in a_props:
            if not is_subset(a_props[name], schema):
                return False
        elif not a_closed:
            return False
    limited = "additionalProperties" in b and b["additionalProperties"] is not True
    if limited and (not a_closed or not set(a_props) <= set(b.get("properties", {}))):
        return False
    return not ("items" in b and not is_subset(a.get("items", True), b["items"]))


def merge_all_of(parts: list[Any]) -> dict[str, Any] | None:
    """One schema equal to the conjunction of `parts`, or None when they do not merge simply.

    Properties are joined (a property in several parts gets an `allOf` of its schemas),
    `required` lists are joined; any other keyword must agree wherever it appears.
    """
    merged: dict[str, Any] = {}
    properties: dict[str, list[Any]] = {}
    required: set[str] = set()
    for part in parts:
        part = _strip(part)
        if not isinstance(part, Mapping) or "allOf" in part:
            return None
        for key, value in part.items():
            if key == "properties":
                for name, schema in value.items():
                    properties.setdefault(name, []).append(schema)
            elif key == "required":
                required.update(value)
            elif key in merged and merged[key] != value:
                return None
            else:
                merged[key] = value
    if properties:
        merged["properties"] = {
            name: schemas[0] if len(schemas) == 1 else {"allOf": schemas}
            for name, schemas in properties.items()
        }
    if required:
        merged["required"] = sorted(required)
    return merged
