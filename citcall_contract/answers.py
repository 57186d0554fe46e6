"""Reading the gateway's answers: JSON that cannot crash the parser, success bodies checked.

A success `rc` promises the fields the operation's response schema requires on success
(`trxid`, `token`...); a body that breaks that promise is refused rather than returned
half-filled. The spec's validator (`citcall_contract.spec`) is the authority. Walking a
body through it costs ~0.2 ms, so when jsonschema-rs is installed (the `sandbox` extra
brings it) a copy of the same schema compiled by it answers the common case, "valid";
whenever it does not accept a body, the spec's validator decides and names the error.
The fast path is used only for schemas without `format`, so it can never widen what
the spec's validator accepts.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping
from typing import Any

from citcall_contract import spec

#: Citcall's answers are under a kilobyte; anything past this is not the gateway talking.
MAX_ANSWER_BYTES = 64 * 1024


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def parse_json(raw: bytes) -> Any:
    """The decoded body; ValueError for anything that is not plain JSON.

    NaN/Infinity are refused, and nesting deep enough to exhaust the parser's
    recursion (`b"[" * 1000`) is a ValueError, never a RecursionError.
    """
    try:
        return json.loads(raw, parse_constant=_no_constants)
    except RecursionError:
        raise ValueError("nested too deeply") from None


def _has_format(node: Any, seen: set[int], depth: int = 0) -> bool:
    node = spec.resolve(node)
    if depth > 32 or id(node) in seen:
        return depth > 32  # too deep to be sure: say yes (the safe answer)
    seen.add(id(node))
    if isinstance(node, Mapping):
        if "format" in node:
            return True
        return any(_has_format(v, seen, depth + 1) for v in node.values())
    if isinstance(node, list):
        return any(_has_format(v, seen, depth + 1) for v in node)
    return False


@functools.cache
def _fast_registry() -> Any:
    """The whole spec as a jsonschema-rs registry, so `$ref`s resolve as in the spec's."""
    import jsonschema_rs

    return jsonschema_rs.Registry([(spec.SPEC_URI, dict(spec.load_spec()))])


def _fast_accepts(ref: str) -> Callable[[Any], bool] | None:
    """jsonschema-rs's `is_valid` for the schema at `ref`, or None when it cannot be used."""
    if _has_format(spec.pointer(ref), set()):
        return None
    try:
        import jsonschema_rs
    except ImportError:
        return None
    compiled = jsonschema_rs.Draft202012Validator(
        {"$ref": spec.SPEC_URI + ref}, registry=_fast_registry(), validate_formats=False
    )

    def accepts(body: Any) -> bool:
        try:
            return bool(compiled.is_valid(body))
        except (ValueError, TypeError, OverflowError, RecursionError):  # huge ints, deep nesting
            return False

    return accepts


@functools.cache
def success_checker(operation_id: str) -> Callable[[Mapping[str, Any]], str | None]:
    """For one operation: body -> None when its 200 response schema accepts it, else why not.

    Compiled once per operation, on first use.
    """
    ref = spec.operation(operation_id).response_schema_ref()
    validator = spec.validator(ref)
    fast = _fast_accepts(ref)

    def problem(body: Mapping[str, Any]) -> str | None:
        if fast is not None and fast(body):
            return None
        try:
            error = next(iter(validator.iter_errors(body)), None)
        except RecursionError:
            return "nested too deeply"
        if error is None:
            return None
        where = "/".join(str(part) for part in error.absolute_path)
        return f"{where or 'body'}: {error.message}"

    return problem
