"""One schema of the spec held against recorded bodies: a fast "valid", and drifts named.

jsonschema-rs (when installed, as with the `sandbox` extra) answers "valid" in C speed
(`spec.surely_valid`); a body it refuses goes to the spec's own validator, which alone
decides and explains a drift, with the deepest error that names the field. Traffic
repeats itself (the same request body to the same operation, the same error answer),
so a body text already found conforming is remembered, within a bound.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from citcall_contract import spec
from citcall_contract.contract.traffic.redaction import Hiding
from citcall_contract.contract.traffic.tally import Drift
from citcall_contract.spec.validators import error_location

MAX_EXAMPLE_CHARS = 120
MAX_MESSAGE_CHARS = 200
#: Conforming body texts remembered per schema (only short ones: memory stays small).
MAX_REMEMBERED = 4096
MAX_REMEMBERED_CHARS = 1024
_JSON_TYPES = {list: "an array", str: "a string", int: "a number", float: "a number"}
_JSON_TYPES.update({bool: "a boolean", type(None): "null"})


def clip(text: str, size: int = MAX_MESSAGE_CHARS) -> str:
    return text if len(text) <= size else text[: size - 3] + "..."


def example(value: Any, hiding: Hiding) -> str:
    """A value as a drift shows it: JSON, redacted, clipped. Only the start of a large
    value is written out (a 15 MB body costs what its first lines cost)."""
    limit = MAX_EXAMPLE_CHARS * 4
    if isinstance(value, str):
        text = value[: limit + 1]
    else:
        encoder = json.JSONEncoder(ensure_ascii=False, sort_keys=True)
        pieces: list[str] = []
        size = 0
        try:
            for piece in encoder.iterencode(value):
                pieces.append(piece)
                size += len(piece)
                if size > limit:
                    break
        except (TypeError, ValueError, RecursionError):
            pieces = ["(not shown)"]
        text = "".join(pieces)
    return clip(hiding.cut(text, limit), MAX_EXAMPLE_CHARS)


def _deepest(error: Any) -> Any:
    """The error that names the field: a wrapper (`anyOf`, `then`...) gives way to a reason
    deeper in the body; an `anyOf` whose branches all fail at its own place stays."""
    while error.context:
        deeper = [e for e in error.context if len(e.absolute_path) > len(error.absolute_path)]
        if not deeper and error.validator in {"anyOf", "oneOf"}:
            return error
        error = min(error.context, key=lambda e: (-len(e.absolute_path), str(e.validator)))
    return error


class SchemaCheck:
    """The spec's validator for one schema, its fast path, and the texts known to conform."""

    def __init__(self, ref: str) -> None:
        self.ref = ref
        schema = spec.resolve(spec.pointer(ref))
        self.wants_object = schema.get("type") == "object"
        self.required = frozenset(schema.get("required", ()))
        self.properties = frozenset(schema.get("properties", {}))
        self.conforming: set[str] = set()

    @functools.cached_property
    def validator(self) -> Any:
        """The spec's own validator: built (and jsonschema imported) for the first drift."""
        return spec.validator(self.ref)

    def surely_valid(self, body: Any) -> bool:
        return spec.surely_valid(self.ref, body)

    def remember(self, text: str) -> None:
        """`text` (the raw body) passed every check: the next time it is not re-checked."""
        if len(text) <= MAX_REMEMBERED_CHARS:
            if len(self.conforming) >= MAX_REMEMBERED:
                self.conforming.clear()
            self.conforming.add(text)

    def drifts(self, body: Any, direction: str, where: str, hiding: Hiding) -> list[Drift]:
        """How `body` breaks the schema, one drift per error (a body too deep to explain
        is one drift)."""
        if self.wants_object and not isinstance(body, dict):
            # Said here, not by the validator: its message would quote a 15 MB body whole.
            message = f"{_JSON_TYPES.get(type(body), 'a value')} where an object belongs"
            return [Drift(direction, "(body)", "type", message, example(body, hiding), where)]
        try:
            return self._explained(body, direction, where, hiding)
        except RecursionError:
            return [Drift(direction, "(body)", "depth", "nested too deeply to judge", "-", where)]

    def _explained(self, body: Any, direction: str, where: str, hiding: Hiding) -> list[Drift]:
        found = []
        for error in self.validator.iter_errors(body):
            best = _deepest(error)
            field = error_location(best)
            shown = example(best.instance, hiding)
            if best.validator == "required" and isinstance(best.instance, dict):
                missing = [name for name in best.validator_value if name not in best.instance]
                if best.absolute_path and missing:
                    field = f"{field}/{missing[0]}"
                shown = "(missing)"
            message = clip(hiding.text(str(best.message)))
            found.append(Drift(direction, field, str(best.validator), message, shown, where))
        return found
