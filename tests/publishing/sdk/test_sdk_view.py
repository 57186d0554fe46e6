"""The SDK view keeps what a client needs and leaves out only what the generator mishandles."""

from __future__ import annotations

import json
from typing import Any

import pytest
from openapi_spec_validator import validate

from citcall_contract import spec
from citcall_contract.publishing.sdk_generator import parse_properties
from citcall_contract.publishing.sdk_view import (
    NOT_NULL,
    scalar_union_types,
    sdk_view,
    write_sdk_view,
)

SPEC = spec.load_spec()
VIEW = sdk_view()


def keys_anywhere(node: Any, found: set[str] | None = None) -> set[str]:
    found = set() if found is None else found
    if isinstance(node, dict):
        found.update(node)
        for value in node.values():
            keys_anywhere(value, found)
    elif isinstance(node, list):
        for value in node:
            keys_anywhere(value, found)
    return found


def test_view_is_valid_openapi_31() -> None:
    validate(json.loads(json.dumps(VIEW)))
    assert VIEW["openapi"] == SPEC["openapi"]


def test_view_drops_callbacks_webhooks_and_links() -> None:
    assert "webhooks" in SPEC
    assert "webhooks" not in VIEW
    assert not {"pathItems", "links"} & set(VIEW["components"])
    assert not {"callbacks", "links"} & keys_anywhere(VIEW["paths"])
    assert "links" not in keys_anywhere(VIEW["components"]["responses"])


def test_view_keeps_every_operation_schema_and_example() -> None:
    assert VIEW["paths"].keys() == SPEC["paths"].keys()
    for path, item in SPEC["paths"].items():
        for method, operation in item.items():
            kept = VIEW["paths"][path][method]
            assert kept["operationId"] == operation["operationId"]
            assert kept["requestBody"] == operation["requestBody"]
            assert kept["security"] == operation["security"]
    assert VIEW["components"]["schemas"].keys() == SPEC["components"]["schemas"].keys()
    for name in ("examples", "requestBodies", "securitySchemes"):
        assert VIEW["components"][name] == SPEC["components"][name]


def test_view_keeps_the_code_tables_and_their_names() -> None:
    for name in ("ResponseCode", "DialCode"):
        assert VIEW["components"]["schemas"][name] == SPEC["components"]["schemas"][name]


def test_view_rewrites_3_1_only_keywords() -> None:
    schemas = VIEW["components"]["schemas"]
    assert not {"if", "then", "else", "const"} & keys_anywhere(schemas)
    assert schemas["SuccessRc"]["anyOf"][0] == {"type": "integer", "enum": [0]}


def test_view_leaves_the_loaded_spec_alone() -> None:
    before = json.dumps(SPEC, sort_keys=True)
    sdk_view()
    assert json.dumps(spec.load_spec(), sort_keys=True) == before
    assert "if" in SPEC["components"]["schemas"]["MiscallRequest"]


def test_only_schema_keywords_are_rewritten() -> None:
    """A property called `const`, or an example holding `if`, is data: it stays."""
    document = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {
            "schemas": {
                "Thing": {
                    "type": "object",
                    "properties": {"const": {"type": "string", "const": "x"}},
                    "example": {"if": 1, "const": 2},
                    "if": {"required": ["const"]},
                    "then": {"required": ["const"]},
                }
            }
        },
    }
    thing = sdk_view(document)["components"]["schemas"]["Thing"]
    assert thing == {
        "type": "object",
        "properties": {"const": {"type": "string", "enum": ["x"]}},
        "example": {"if": 1, "const": 2},
    }


def test_view_is_written_as_json(tmp_path) -> None:
    written = write_sdk_view(tmp_path)
    assert json.loads(written.read_text(encoding="utf-8")) == VIEW


def test_additional_properties_parse_and_name_a_bad_item() -> None:
    assert parse_properties(["a=1,b=x=y", "c="]) == {"a": "1", "b": "x=y", "c": ""}
    with pytest.raises(ValueError, match="'oops'"):
        parse_properties(["a=1,oops"])


# --- per-generator forms: usable types, short headers -------------------------------------------

SCALAR_UNIONS = {"Rc", "Price", "GatewayNumber", "DialCodeValue", "SuccessRc"}


def test_scalar_unions_are_found_by_shape() -> None:
    schemas = sdk_view()["components"]["schemas"]
    found = {name for name, schema in schemas.items() if scalar_union_types(schema, schemas)}
    assert found == SCALAR_UNIONS
    assert scalar_union_types(schemas["Rc"], schemas) == ("integer", "string")
    assert scalar_union_types(schemas["Price"], schemas) == ("string", "number")


@pytest.mark.parametrize(
    ("generator", "rc"),
    [
        ("typescript-fetch", {"oneOf": [{"type": "integer"}, {"type": "string"}]}),
        ("go", {"anyOf": [{"type": "integer"}, {"type": "string"}]}),
        # No type (the scalar as decoded), and never null: see sdk_generator.TEMPLATE_PATCHES.
        ("php", {NOT_NULL: True}),
        ("python", {NOT_NULL: True}),
    ],
)
def test_each_generator_gets_the_form_it_types_well(generator: str, rc: dict[str, Any]) -> None:
    view = sdk_view(generator=generator)
    validate(json.loads(json.dumps(view)))
    schema = view["components"]["schemas"]["Rc"]
    spec_rc = SPEC["components"]["schemas"]["Rc"]
    assert schema == {
        **{k: spec_rc[k] for k in ("title", "description", "example")},
        **rc,
    }
    # Only the unions change; every object schema, path and code table is the default view's.
    for name, kept in VIEW["components"]["schemas"].items():
        if name not in SCALAR_UNIONS:
            assert view["components"]["schemas"][name] == kept, name
    assert view["paths"] == VIEW["paths"]


def test_an_unknown_generator_keeps_the_spec_unions() -> None:
    assert (
        sdk_view(generator="java")["components"]["schemas"]["Rc"]
        == VIEW["components"]["schemas"]["Rc"]
    )


def test_generated_headers_carry_the_summary_not_the_introduction() -> None:
    assert len(SPEC["info"]["description"]) > 1000
    assert VIEW["info"]["description"] == SPEC["info"]["summary"]
    assert VIEW["info"]["title"] == SPEC["info"]["title"]
