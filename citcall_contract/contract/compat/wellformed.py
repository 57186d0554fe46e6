"""Is a parsed document shaped like OpenAPI where `diff` reads it? If not, where not.

The comparison walks paths, operations, parameters, bodies, responses, callbacks,
webhooks, components and schemas and trusts their shapes (a map where the spec puts a
map). Checking those shapes first turns `paths: 5`, `components: {schemas: [1, 2]}` or a
dangling `$ref` into one line naming the place, instead of a crash halfway through a
comparison. Only what the diff reads is checked; `citcall-contract lint` judges the rest.
Nesting is bounded too, so no walk can run out of stack.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: Levels of nesting a document may have (the Citcall spec has about 15).
MAX_DEPTH = 100

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_JSON_TYPES = frozenset({"null", "boolean", "object", "array", "number", "string", "integer"})
_SCHEMA_FIELDS: dict[str, str] = {
    **dict.fromkeys(("properties", "patternProperties", "$defs", "dependentSchemas"), "map:schema"),
    **dict.fromkeys(("allOf", "anyOf", "oneOf", "prefixItems"), "list:schema"),
    **dict.fromkeys(
        (
            "items",
            "not",
            "if",
            "then",
            "else",
            "contains",
            "additionalProperties",
            "propertyNames",
            "unevaluatedItems",
            "unevaluatedProperties",
            "contentSchema",
        ),
        "schema",
    ),
    **dict.fromkeys(("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"), "number"),
    "multipleOf": "number",
    **dict.fromkeys(
        ("minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties"),
        "count",
    ),
    "required": "list:str",
    "dependentRequired": "map:list:str",
    "enum": "list:any",
    "examples": "list:any",
    "type": "type",
    "pattern": "str",
    "format": "str",
    "uniqueItems": "bool",
    "discriminator": "object",
    # The project's rules the comparison reads (see `schemas.BEHAVIOUR_EXTENSIONS`).
    "x-enum-varnames": "list:str",
    "x-enum-categories": "list:any",
    "x-otp-words": "list:str",
    "x-national-digits": "list:digits",
}
#: What each member of an object holds: a kind below, "str", "list:KIND" or "map:KIND"
#: (a map's every member); "*" is any member of an object but its `x-` extensions.
_OBJECTS: dict[str, dict[str, str]] = {
    "document": {
        "openapi": "str",
        "info": "info",
        "components": "components",
        "servers": "list:server",
        "paths": "paths",
        "webhooks": "map:pathItem",
        "security": "list:map:list:str",
        "tags": "list:object",
    },
    "info": {"title": "str", "version": "scalar"},
    "server": {"url": "str", "variables": "map:object"},
    "components": {
        "schemas": "map:schema",
        "responses": "map:response",
        "parameters": "map:parameter",
        "examples": "map:object",
        "requestBodies": "map:requestBody",
        "headers": "map:header",
        "securitySchemes": "map:object",
        "links": "map:object",
        "callbacks": "map:callback",
        "pathItems": "map:pathItem",
    },
    "pathItem": {
        **dict.fromkeys(_METHODS, "operation"),
        "parameters": "list:parameter",
        "servers": "list:server",
    },
    "operation": {
        "operationId": "str",
        "tags": "list:str",
        "parameters": "list:parameter",
        "requestBody": "requestBody",
        "responses": "responses",
        "callbacks": "map:callback",
        "security": "list:map:list:str",
        "servers": "list:server",
    },
    "paths": {"*": "pathItem"},
    "responses": {"*": "response"},
    "callback": {"*": "pathItem"},
    "parameter": {"name": "str", "in": "str", "schema": "schema", "content": "map:media"},
    "header": {"schema": "schema", "content": "map:media", "examples": "map:object"},
    "requestBody": {"content": "map:media"},
    "response": {"content": "map:media", "headers": "map:header", "links": "map:object"},
    "media": {"schema": "schema", "examples": "map:object"},
    "digits": {"country_code": "scalar", "min": "count", "max": "count"},
    "object": {},
    "schema": _SCHEMA_FIELDS,
}
#: Members an object cannot do without.
_REQUIRED: dict[str, tuple[str, ...]] = {
    "server": ("url",),
    "parameter": ("name", "in"),
    "digits": ("country_code", "min", "max"),
}
#: Objects that may be a `{"$ref": ...}` in place of the object itself.
_REFERABLE = frozenset(_OBJECTS) - {"document", "info", "components", "paths", "responses"}


class Malformed(ValueError):
    """Where the document is not shaped like OpenAPI, and how."""


def problem(document: Mapping[str, Any]) -> str | None:
    """Why `document` cannot be compared (the first place found), or None when it can."""
    try:
        _Walk(document).check(document, "document", "#", 0)
        _every_ref_resolves(document)
    except Malformed as exc:
        return str(exc)
    return None


def _every_ref_resolves(document: Mapping[str, Any]) -> None:
    """Any local `$ref`, wherever it is (the comparison inlines schemas whole)."""
    stack: list[tuple[Any, str]] = [(document, "#")]
    while stack:
        node, where = stack.pop()
        if isinstance(node, Mapping):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#") and target(document, ref) is NOWHERE:
                raise Malformed(f"{where}/$ref {ref!r} points to nothing")
            stack.extend((v, f"{where}/{_escape(str(k))}") for k, v in node.items())
        elif isinstance(node, list):
            stack.extend((v, f"{where}/{i}") for i, v in enumerate(node))


class _Walk:
    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = document
        self.followed: set[tuple[str, str]] = set()

    def check(self, node: Any, kind: str, where: str, depth: int) -> None:
        if depth > MAX_DEPTH:
            raise Malformed(f"nested deeper than {MAX_DEPTH} levels at {where}")
        container, _, inner = kind.partition(":")
        if container == "list":
            if not isinstance(node, list):
                raise Malformed(f"{where} must be a list, not {_what(node)}")
            for index, item in enumerate(node):
                self.check(item, inner, f"{where}/{index}", depth + 1)
        elif container == "map":
            self._members(node, {"*": inner}, where, depth, extensible=False)
        elif kind in _OBJECTS:
            self._object(node, kind, where, depth)
        else:
            _scalar(node, kind, where)

    def _object(self, node: Any, kind: str, where: str, depth: int) -> None:
        if kind == "schema" and isinstance(node, bool):
            return
        if not isinstance(node, Mapping):
            raise Malformed(f"{where} must be a map, not {_what(node)}")
        if "$ref" in node and kind in _REFERABLE:
            self._follow(node["$ref"], kind, where, depth)
            if kind != "schema":  # a schema's other keywords still apply
                return
        for name in _REQUIRED.get(kind, ()):
            if name not in node:
                raise Malformed(f"{where} has no {name!r}")
        self._members(node, _OBJECTS[kind], where, depth)

    def _members(
        self, node: Any, fields: Mapping[str, str], where: str, depth: int, extensible: bool = True
    ) -> None:
        if not isinstance(node, Mapping):
            raise Malformed(f"{where} must be a map, not {_what(node)}")
        known = [(key, node[key]) for key in fields if key in node]  # in the order above
        for key, value in [*known, *((k, v) for k, v in node.items() if k not in fields)]:
            if not isinstance(key, str):
                raise Malformed(f"{where} has a key that is not a string: {_what(key)}")
            extension = extensible and key.startswith("x-")
            member = fields.get(key) or (None if extension else fields.get("*"))
            if member is not None:
                self.check(value, member, f"{where}/{_escape(key)}", depth + 1)

    def _follow(self, ref: Any, kind: str, where: str, depth: int) -> None:
        if not isinstance(ref, str):
            raise Malformed(f"{where}/$ref must be a string, not {_what(ref)}")
        if not ref.startswith("#"):
            raise Malformed(f"{where}/$ref {ref!r}: only local references (#/...) are supported")
        if (ref, kind) in self.followed:
            return
        self.followed.add((ref, kind))
        found = target(self.document, ref)
        if found is NOWHERE:
            raise Malformed(f"{where}/$ref {ref!r} points to nothing")
        self.check(found, kind, ref, depth + 1)


#: What `target` answers for a pointer that leads nowhere (None is a node: `x: null`).
NOWHERE = object()


def target(document: Any, ref: str) -> Any:
    """The node a local `$ref` (`#/a/b~1c/0`) points at, or NOWHERE."""
    node: Any = document
    path = ref.removeprefix("#").removeprefix("/")
    for raw in path.split("/") if path else []:
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, Mapping) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return NOWHERE
    return node


def _scalar(node: Any, kind: str, where: str) -> None:
    number = isinstance(node, int | float) and not isinstance(node, bool) and node == node  # no NaN
    fine = {
        "any": True,
        "str": isinstance(node, str),
        "bool": isinstance(node, bool),
        "number": number,
        "count": number and node >= 0 and (isinstance(node, int) or node.is_integer()),
        "scalar": number or isinstance(node, str),
        "type": node in _JSON_TYPES
        if isinstance(node, str)
        else isinstance(node, list) and all(isinstance(t, str) and t in _JSON_TYPES for t in node),
    }[kind]
    if not fine:
        wanted = {
            "str": "a string",
            "bool": "true or false",
            "number": "a number",
            "count": "a whole number >= 0",
            "scalar": "a string or number",
            "type": "a JSON type or a list of them",
        }[kind]
        raise Malformed(f"{where} must be {wanted}, not {_what(node)}")


def _what(node: Any) -> str:
    if node is None:
        return "null"
    if isinstance(node, Mapping):
        return "a map"
    if isinstance(node, list):
        return "a list"
    text = repr(node)
    return text if len(text) <= 40 else text[:37] + "..."


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")
