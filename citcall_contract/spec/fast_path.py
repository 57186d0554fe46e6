"""A fast "surely valid" from jsonschema-rs for hot paths; never a refusal, never wider.

The sandbox, the facade's success check and check-traffic ask this first and fall back
to `validators.validator(ref)`, which decides and explains every refusal.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from citcall_contract.spec.document import SPEC_URI, load_spec, pointer, resolve


@dataclass(frozen=True)
class _FastPath:
    """A jsonschema-rs copy of one schema, and the fields where `format` must be checked."""

    is_valid: Callable[[Any], bool]
    format_fields: frozenset[str]


def surely_valid(ref: str, instance: Any) -> bool:
    """True only when jsonschema-rs (if installed) accepts `instance` for the schema at `ref`.

    A fast "valid" for hot paths (the sandbox, the facade, check-traffic); False means
    "ask `validator(ref)`", which decides and explains every refusal. jsonschema-rs checks
    no formats here, so a body holding a `format`-checked field is never fast-passed:
    this can never widen what the spec's own validator accepts.
    """
    fast = _fast_path(ref)
    if fast is None:
        return False
    if isinstance(instance, Mapping) and not fast.format_fields.isdisjoint(instance):
        return False
    try:
        return fast.is_valid(instance)
    except (ValueError, TypeError, OverflowError, RecursionError):  # huge ints, deep nesting
        return False


@functools.cache
def _fast_path(ref: str) -> _FastPath | None:
    try:
        import jsonschema_rs
    except ImportError:
        return None
    schema = resolve(pointer(ref))
    if not isinstance(schema, Mapping):
        return None
    properties = schema.get("properties", {})
    if _has_format({k: v for k, v in schema.items() if k != "properties"}, set()):
        return None  # a format outside the properties: the fast path cannot steer around it
    compiled = jsonschema_rs.Draft202012Validator(
        {"$ref": SPEC_URI + ref}, registry=_fast_registry(), validate_formats=False
    )
    format_fields = frozenset(k for k, v in properties.items() if _has_format(v, set()))
    return _FastPath(lambda instance: bool(compiled.is_valid(instance)), format_fields)


@functools.cache
def _fast_registry() -> Any:
    """The whole spec as a jsonschema-rs registry, so `$ref`s resolve as in the spec's."""
    import jsonschema_rs

    return jsonschema_rs.Registry([(SPEC_URI, dict(load_spec()))])


def _has_format(node: Any, seen: set[int], depth: int = 0) -> bool:
    """Whether `format` applies anywhere below `node`, following `$ref`s."""
    node = resolve(node)
    if depth > 32 or id(node) in seen:
        return depth > 32  # too deep to be sure: say yes (the safe answer)
    seen.add(id(node))
    if isinstance(node, Mapping):
        return "format" in node or any(_has_format(v, seen, depth + 1) for v in node.values())
    if isinstance(node, list):
        return any(_has_format(v, seen, depth + 1) for v in node)
    return False
