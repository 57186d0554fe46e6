"""Every form a field is seen to arrive in, read from the spec's `x-wire-forms`.

The gateway sends one fact in several forms (`rc` as `0` or `"00"`, `price` as `"450"`
or `450`, `msisdn` with or without `+`, optional fields present or not). A schema lists
the forms of its value (`Rc.x-wire-forms`); an object schema lists presence forms for
its properties (`{form: absent, fields: [...]}`). Each form names its source and
evidence. Here the forms are read and applied to values; which form an answer gets is
the sandbox's business (`sandbox/answer_forms.py`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from citcall_contract.spec import component_schema, resolve


class _Absent:
    """The value of a form that leaves the field out."""

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Any = _Absent()
#: The implicit form of a field whose schema lists no value forms: present, as usual.
PRESENT = "present"


def _integer(value: Any, width: int | None) -> Any:
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    return value


def _digit_string(value: Any, width: int | None) -> Any:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        value = str(value)
    if isinstance(value, str) and value.isascii() and value.isdigit() and width:
        return value.zfill(width)
    return value


def _plus(value: Any, width: int | None) -> Any:
    return "+" + value.removeprefix("+") if isinstance(value, str) else value


def _bare(value: Any, width: int | None) -> Any:
    return value.removeprefix("+") if isinstance(value, str) else value


#: How each form name of `x-wire-forms` turns a value into that form. The spec says
#: which field has which forms; this is only what the names mean.
TRANSFORMS: Mapping[str, Callable[[Any, int | None], Any]] = {
    PRESENT: lambda value, width: value,
    "integer": _integer,
    "digit-string": _digit_string,
    "plus": _plus,
    "bare": _bare,
    "null": lambda value, width: None,
    "absent": lambda value, width: ABSENT,
}


@dataclass(frozen=True)
class WireForm:
    """One form of a field, with where it is seen."""

    form: str
    source: str
    evidence: str
    width: int | None = None

    def apply(self, value: Any) -> Any:
        """`value` in this form (`ABSENT` for a field to leave out)."""
        return TRANSFORMS[self.form](value, self.width)


_PRESENT = WireForm(PRESENT, "", "")


def _form(row: Mapping[str, Any]) -> WireForm:
    name = str(row["form"])
    if name not in TRANSFORMS:
        raise ValueError(f"x-wire-forms: unknown form {name!r} (known: {', '.join(TRANSFORMS)})")
    width = row.get("width")
    return WireForm(
        name, str(row["source"]), " ".join(str(row["evidence"]).split()), width and int(width)
    )


def value_forms(node: Any) -> tuple[WireForm, ...]:
    """The value forms of a property's schema (its own list, else its `$ref` target's)."""
    for candidate in (node, resolve(node)):
        rows = candidate.get("x-wire-forms") if isinstance(candidate, Mapping) else None
        if rows:
            return tuple(_form(row) for row in rows if "fields" not in row)
    return ()


@functools.cache
def field_forms(schema_name: str) -> Mapping[str, tuple[WireForm, ...]]:
    """For an object schema: each property that has more than one form, and its forms in
    order (the value forms, else the form as sent, then the presence forms)."""
    schema = component_schema(schema_name)
    presence: dict[str, list[WireForm]] = {}
    for row in schema.get("x-wire-forms", ()):
        for name in row.get("fields", ()):
            presence.setdefault(str(name), []).append(_form(row))
    found: dict[str, tuple[WireForm, ...]] = {}
    for name, node in schema.get("properties", {}).items():
        forms = (*(value_forms(node) or (_PRESENT,)), *presence.get(name, ()))
        if len(forms) > 1:
            found[str(name)] = forms
    return found


def wire_forms_table(schema_names: tuple[str, ...] | None = None) -> str:
    """The forms of those object schemas (default: `sent_schemas()`) as a Markdown table
    (schema, field, forms with their source), for docs."""
    lines = ["| schema | field | forms (source) |", "|---|---|---|"]
    for schema_name in sent_schemas() if schema_names is None else schema_names:
        for name, forms in field_forms(schema_name).items():
            shown = ", ".join(
                f"`{form.form}` ({form.source})" if form.source else f"`{form.form}`"
                for form in forms
            )
            lines.append(f"| `{schema_name}` | `{name}` | {shown} |")
    return "\n".join(lines)


def sent_schemas() -> tuple[str, ...]:
    """The object schemas the gateway sends: each operation's answer, then each callback."""
    from citcall_contract.spec import operations, webhooks

    names = [op.response_schema_ref().rsplit("/", 1)[-1] for op in operations().values()]
    names += [hook.schema_name for hook in webhooks().values()]
    return tuple(dict.fromkeys(names))
