"""SDK rules: generated code is named after the spec, so a lost or renamed name breaks it.

openapi-python-client and OpenAPI Generator name methods after `operationId`, group
them by tag, name model and enum classes after a schema's `title` or component key,
attributes after property names, arguments after parameters, and enum members after
`x-enum-varnames` (else the values). Adding names breaks nothing; removing or renaming
one does. Callbacks and webhooks count too: receiver stubs are named the same way.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from citcall_contract.contract.compat.document import Document
from citcall_contract.contract.compat.endpoints import Endpoint, endpoints, escape
from citcall_contract.contract.compat.model import Audience, Change


def _sdk(breaking: bool, rule: str, where: str, message: str, context: str = "") -> Change:
    return Change(Audience.SDK, breaking, rule, where, message, (context,) if context else ())


def name_changes(old: Document, new: Document) -> Iterator[Change]:
    yield from _operations(old, new)
    yield from _components(old, new)
    yield from _security_schemes(old, new)


def _operations(old: Document, new: Document) -> Iterator[Change]:
    old_endpoints = {e.key: e for e in endpoints(old)}
    new_endpoints = list(endpoints(new))
    new_by_key = {e.key: e for e in new_endpoints}
    new_ids = {e.operation_id: e for e in new_endpoints if e.operation_id}
    old_ids = {e.operation_id for e in old_endpoints.values() if e.operation_id}
    renamed_to: set[str] = set()
    for key, before in old_endpoints.items():
        after = new_by_key.get(key)
        if before.operation_id and before.operation_id not in new_ids:
            if after is not None and after.operation_id:
                renamed_to.add(after.operation_id)
                message = f"operationId {before.operation_id} renamed to {after.operation_id}"
                yield _sdk(
                    True,
                    "operation-id-renamed",
                    f"{after.pointer}/operationId",
                    message,
                    after.label,
                )
            else:
                message = f"operationId {before.operation_id} removed"
                yield _sdk(
                    True,
                    "operation-id-removed",
                    f"{before.pointer}/operationId",
                    message,
                    before.label,
                )
        counterpart = new_ids.get(before.operation_id) if before.operation_id else after
        if counterpart is None:
            counterpart = after
        if counterpart is not None:
            yield from _tags(before, counterpart)
            yield from _parameters(old, new, before, counterpart)
            yield from _inline_media(old, new, before, counterpart)
    for endpoint in new_endpoints:
        if endpoint.operation_id and endpoint.operation_id not in old_ids | renamed_to:
            yield _sdk(
                False,
                "operation-id-added",
                f"{endpoint.pointer}/operationId",
                f"operationId {endpoint.operation_id} added",
                endpoint.label,
            )


def _tags(before: Endpoint, after: Endpoint) -> Iterator[Change]:
    old_tags = list(before.definition.get("tags", []))
    new_tags = list(after.definition.get("tags", []))
    lost = [tag for tag in old_tags if tag not in new_tags]
    if lost:
        yield _sdk(
            True,
            "tag-removed",
            f"{after.pointer}/tags",
            f"no longer tagged {lost} (the API class or module that held it)",
            after.label,
        )
    gained = [tag for tag in new_tags if tag not in old_tags]
    if gained:
        yield _sdk(
            False, "tag-added", f"{after.pointer}/tags", f"also tagged {gained}", after.label
        )


def _parameters(
    old: Document, new: Document, before: Endpoint, after: Endpoint
) -> Iterator[Change]:
    def names(doc: Document, endpoint: Endpoint) -> set[str]:
        params = [
            *endpoint.path_item.get("parameters", []),
            *endpoint.definition.get("parameters", []),
        ]
        return {str(doc.resolve(p).get("name")) for p in params}

    for name in sorted(names(old, before) - names(new, after)):
        yield _sdk(
            True,
            "parameter-name-removed",
            f"{after.pointer}/parameters",
            f"argument {name!r} removed or renamed",
            after.label,
        )


def _inline_media(
    old: Document, new: Document, before: Endpoint, after: Endpoint
) -> Iterator[Change]:
    """Names inside schemas written inline in an operation (component schemas are walked apart)."""

    def schemas(doc: Document, endpoint: Endpoint) -> dict[str, Any]:
        found: dict[str, Any] = {}
        body = doc.resolve(endpoint.definition.get("requestBody")) or {}
        for media_type, media in body.get("content", {}).items():
            found[f"requestBody/content/{escape(media_type)}/schema"] = doc.resolve(media).get(
                "schema"
            )
        for status, raw in endpoint.definition.get("responses", {}).items():
            for media_type, media in doc.resolve(raw).get("content", {}).items():
                found[f"responses/{status}/content/{escape(media_type)}/schema"] = doc.resolve(
                    media
                ).get("schema")
        return found

    old_schemas, new_schemas = schemas(old, before), schemas(new, after)
    for place, schema in old_schemas.items():
        if place in new_schemas:
            yield from _schema_names(
                (old, new), schema, new_schemas[place], f"{after.pointer}/{place}", after.label
            )


def _components(old: Document, new: Document) -> Iterator[Change]:
    old_schemas: Mapping[str, Any] = old.root.get("components", {}).get("schemas", {})
    new_schemas: Mapping[str, Any] = new.root.get("components", {}).get("schemas", {})
    for name, schema in old_schemas.items():
        where = f"#/components/schemas/{escape(name)}"
        if name not in new_schemas:
            yield _sdk(
                True, "schema-removed", where, f"schema {name} removed or renamed (its class goes)"
            )
            continue
        yield from _schema_names((old, new), schema, new_schemas[name], where, "", name)
    for name in new_schemas:
        if name not in old_schemas:
            yield _sdk(
                False,
                "schema-added",
                f"#/components/schemas/{escape(name)}",
                f"schema {name} added",
            )


def _properties(doc: Document, schema: Mapping[str, Any]) -> dict[str, Any]:
    """The properties a generated class gets: its own and those of its `allOf` parts."""
    found: dict[str, Any] = dict(schema.get("properties", {}))
    for part in schema.get("allOf", []):
        resolved = doc.resolve(part)
        if isinstance(resolved, Mapping):
            for name, sub in _properties(doc, resolved).items():
                found.setdefault(name, sub)
    return found


def _ref_name(node: Mapping[str, Any]) -> str | None:
    ref = node.get("$ref")
    return ref.rsplit("/", 1)[-1] if isinstance(ref, str) else None


def _names_class(schema: Mapping[str, Any]) -> bool:
    return "properties" in schema or "enum" in schema or schema.get("type") == "object"


def _schema_names(
    docs: tuple[Document, Document],
    old: Any,
    new: Any,
    where: str,
    context: str,
    key: str | None = None,
) -> Iterator[Change]:
    """Titles, property names and enum member names, following inline schemas only; a
    reference to a class-naming component that now points elsewhere changes a type name."""
    if not isinstance(old, Mapping) or not isinstance(new, Mapping):
        return
    if "$ref" in old or "$ref" in new:
        before, after = _ref_name(old), _ref_name(new)
        target = docs[0].resolve(old) if before else None
        if before and before != after and isinstance(target, Mapping) and _names_class(target):
            yield _sdk(
                True,
                "type-changed",
                where,
                f"type {before} -> {after or 'an inline schema'} (the generated class)",
                context,
            )
        return
    # a class is named by its title, else by its component key (else by where it is used)
    before, after = old.get("title") or key, new.get("title") or key
    if before != after and (_names_class(old) or _names_class(new)):
        yield _sdk(
            True,
            "title-changed",
            f"{where}/title",
            f"class name {before or '(derived)'} -> {after or '(derived)'} (from the title)",
            context,
        )
    old_props = _properties(docs[0], old)
    new_props = _properties(docs[1], new)
    for name, sub in old_props.items():
        if name not in new_props:
            yield _sdk(
                True,
                "property-removed",
                f"{where}/properties/{escape(name)}",
                f"property {name!r} removed or renamed",
                context,
            )
        else:
            yield from _schema_names(
                docs, sub, new_props[name], f"{where}/properties/{escape(name)}", context
            )
    for name in new_props:
        if name not in old_props:
            yield _sdk(
                False,
                "property-added",
                f"{where}/properties/{escape(name)}",
                f"property {name!r} added",
                context,
            )
    yield from _enum_members(old, new, where, context)
    for keyword in ("items", "additionalProperties", "not", "if", "then", "else"):
        yield from _schema_names(
            docs, old.get(keyword), new.get(keyword), f"{where}/{keyword}", context
        )
    for keyword in ("anyOf", "oneOf", "allOf", "prefixItems"):
        for index, (a, b) in enumerate(
            zip(old.get(keyword, []), new.get(keyword, []), strict=False)
        ):
            yield from _schema_names(docs, a, b, f"{where}/{keyword}/{index}", context)


def _members(schema: Mapping[str, Any]) -> dict[str, str]:
    values = schema.get("enum")
    if not isinstance(values, list):
        return {}
    names = schema.get("x-enum-varnames")
    if not isinstance(names, list) or len(names) != len(values):
        names = [str(value) for value in values]
    return {
        json.dumps(value, sort_keys=True): str(name)
        for value, name in zip(values, names, strict=True)
    }


def _enum_members(
    old: Mapping[str, Any], new: Mapping[str, Any], where: str, context: str
) -> Iterator[Change]:
    before, after = _members(old), _members(new)
    for value, name in before.items():
        if value not in after:
            yield _sdk(
                True,
                "enum-member-removed",
                f"{where}/enum",
                f"member {name} ({value}) removed",
                context,
            )
        elif after[value] != name:
            yield _sdk(
                True,
                "enum-member-renamed",
                f"{where}/x-enum-varnames",
                f"member {name} ({value}) renamed {after[value]}",
                context,
            )
    for value, name in after.items():
        if value not in before:
            yield _sdk(
                False,
                "enum-member-added",
                f"{where}/enum",
                f"member {name} ({value}) added",
                context,
            )


def _security_schemes(old: Document, new: Document) -> Iterator[Change]:
    old_schemes = old.root.get("components", {}).get("securitySchemes", {})
    new_schemes = new.root.get("components", {}).get("securitySchemes", {})
    for name in old_schemes:
        if name not in new_schemes:
            yield _sdk(
                True,
                "security-scheme-removed",
                f"#/components/securitySchemes/{escape(name)}",
                f"security scheme {name} removed or renamed (its configuration key goes)",
            )
