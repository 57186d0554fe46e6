"""The SDK view of the spec: what OpenAPI Generator needs to build a client, nothing it chokes on.

A client SDK sends requests and reads their answers. Callbacks, webhooks and links
describe requests the gateway sends to the integrator, or hints for readers, and OpenAPI
Generator 7.x mishandles them (a `links` requestBody object fails its validation; 3.1
`webhooks` and path-item `$ref`s are beta at best). The view drops them and rewrites the
3.1-only schema keywords it ignores, in memory; the spec file itself is never changed.
Every schema in `components/schemas` stays, so callback payloads still become models.

Two changes make the SDKs usable rather than merely valid. The generated files' header is
`info.summary`, not the whole introduction. And a *scalar union* (a schema that is one of
several JSON scalars: `rc` is `0` or `"00"`, `price` is `"450"` or `450`) is written in the
form each generator turns into a usable type (`SCALAR_UNION_FORMS`); the wire contract,
which accepts the same values, is unchanged.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from citcall_contract.spec import load_spec

#: Schema keywords of JSON Schema 2020-12 that the generator does not apply. The gateway
#: checks these conditional requirements itself; an SDK model cannot express them.
CONDITIONAL_KEYWORDS = ("if", "then", "else")

_OPERATION_KEYS = {"get", "put", "post", "delete", "patch", "options", "head", "trace"}


#: How each generator best types a scalar union, by the form the view gives it:
#: - `oneOf`: typescript-fetch writes `export type Rc = number | string`;
#: - `anyOf`: go writes a struct of pointers decoded with the standard library only (its
#:   `oneOf` imports gopkg.in/validator.v2); `sdk_templates/go` adds `IsSuccess()` and `Code()`;
#: - `any` (no type): php's `mixed` and python's `Any`, the scalar as decoded.
#: Other generators get the spec's own `anyOf`.
SCALAR_UNION_FORMS: Mapping[str, str] = {
    "typescript-fetch": "oneOf",
    "go": "anyOf",
    "php": "any",
    "python": "any",
}

_SCALAR_TYPES = ("integer", "number", "string", "boolean")

#: Marks a scalar union left untyped (`any`): the value is never null, though a schema with
#: no type reads as nullable to the generator (`sdk_generator.TEMPLATE_PATCHES` reads it).
NOT_NULL = "x-citcall-not-null"


def sdk_view(spec: Mapping[str, Any] | None = None, generator: str | None = None) -> dict[str, Any]:
    """A deep copy of the spec fit for OpenAPI Generator (see the module docstring).

    With a `generator` name, the scalar unions take that generator's form
    (`SCALAR_UNION_FORMS`); without one they keep the spec's.
    """
    document = copy.deepcopy(dict(spec if spec is not None else load_spec()))
    _short_header(document)
    document.pop("webhooks", None)
    components = document.get("components", {})
    components.pop("pathItems", None)
    components.pop("links", None)
    for response in components.get("responses", {}).values():
        response.pop("links", None)
    for item in document.get("paths", {}).values():
        for method, operation in item.items():
            if method not in _OPERATION_KEYS:
                continue
            operation.pop("callbacks", None)
            for response in operation.get("responses", {}).values():
                response.pop("links", None)
    schemas = components.get("schemas", {})
    for schema in schemas.values():
        _simplify_schema(schema)
    form = SCALAR_UNION_FORMS.get(generator or "")
    if form is not None:
        # Read every union before rewriting any, so a `$ref` to one still reads its types.
        unions = {name: scalar_union_types(schema, schemas) for name, schema in schemas.items()}
        for name, types in unions.items():
            if types:
                schemas[name] = _scalar_union(schemas[name], types, form)
    return document


def _short_header(document: dict[str, Any]) -> None:
    """Generated files repeat `info.description` in every header: keep it to the summary."""
    info = document.get("info", {})
    summary = info.get("summary")
    if summary:
        info["description"] = summary
    else:
        info.pop("description", None)


def scalar_union_types(schema: Any, schemas: Mapping[str, Any]) -> tuple[str, ...]:
    """The JSON types of a schema that is an `anyOf`/`oneOf` of scalars, else `()`.

    Members may be `$ref`s to scalar component schemas (`Rc` lists `ResponseCode`).
    """
    if not isinstance(schema, dict) or "type" in schema or "properties" in schema:
        return ()
    members = schema.get("anyOf") or schema.get("oneOf")
    if not members:
        return ()
    types: list[str] = []
    for member in members:
        ref = member.get("$ref", "") if isinstance(member, dict) else ""
        if ref.startswith("#/components/schemas/"):
            member = schemas.get(ref.rsplit("/", 1)[1])
        kind = member.get("type") if isinstance(member, dict) else None
        if kind not in _SCALAR_TYPES:
            return ()
        if kind not in types:
            types.append(kind)
    return tuple(types)


def _scalar_union(schema: Mapping[str, Any], types: tuple[str, ...], form: str) -> dict[str, Any]:
    """The union in a generator's form, keeping its title, description and example."""
    kept = {k: v for k, v in schema.items() if k in ("title", "description", "example")}
    if form == "any":
        return {**kept, NOT_NULL: True}
    return {**kept, form: [{"type": kind} for kind in types]}


#: Keywords whose value is a schema, a list of schemas, or a map of name -> schema. Only
#: these are walked, so examples, enums and defaults are never rewritten.
_SUBSCHEMA = ("items", "not", "additionalProperties", "contains", "propertyNames")
_SUBSCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_SUBSCHEMA_MAPS = ("properties", "patternProperties", "$defs", "dependentSchemas")


def _simplify_schema(schema: Any) -> None:
    """Drop `if`/`then`/`else` and turn `const: x` into `enum: [x]`, in every subschema."""
    if not isinstance(schema, dict):
        return
    for keyword in CONDITIONAL_KEYWORDS:
        schema.pop(keyword, None)
    if "const" in schema:
        schema["enum"] = [schema.pop("const")]
    for key in _SUBSCHEMA:
        _simplify_schema(schema.get(key))
    for key in _SUBSCHEMA_LISTS:
        for subschema in schema.get(key, ()):
            _simplify_schema(subschema)
    for key in _SUBSCHEMA_MAPS:
        for subschema in schema.get(key, {}).values():
            _simplify_schema(subschema)


def write_sdk_view(directory: Path, generator: str | None = None) -> Path:
    """Write the view as `directory/citcall-v3.sdk.json` (JSON: no YAML quirks in Java)."""
    target = directory / "citcall-v3.sdk.json"
    view = sdk_view(generator=generator)
    target.write_text(json.dumps(view, indent=2, ensure_ascii=False), encoding="utf-8")
    return target
