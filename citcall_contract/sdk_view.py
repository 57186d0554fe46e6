"""The SDK view of the spec: what OpenAPI Generator needs to build a client, nothing it chokes on.

A client SDK sends requests and reads their answers. Callbacks, webhooks and links
describe requests the gateway sends to the integrator, or hints for readers, and OpenAPI
Generator 7.x mishandles them (a `links` requestBody object fails its validation; 3.1
`webhooks` and path-item `$ref`s are beta at best). The view drops them and rewrites the
3.1-only schema keywords it ignores, in memory; the spec file itself is never changed.
Every schema in `components/schemas` stays, so callback payloads still become models.
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


def sdk_view(spec: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A deep copy of the spec fit for OpenAPI Generator (see the module docstring)."""
    document = copy.deepcopy(dict(spec if spec is not None else load_spec()))
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
    for schema in components.get("schemas", {}).values():
        _simplify_schema(schema)
    return document


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


def write_sdk_view(directory: Path) -> Path:
    """Write the view as `directory/citcall-v3.sdk.json` (JSON: no YAML quirks in Java)."""
    target = directory / "citcall-v3.sdk.json"
    target.write_text(json.dumps(sdk_view(), indent=2, ensure_ascii=False), encoding="utf-8")
    return target
