"""Structural promises of the spec that the generators and linters rely on."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from citcall_contract import spec
from tests import REPO

SPEC = spec.load_spec()
OPERATIONS = sorted(spec.operations())
CALLBACK_KEY = "{$request.body#/callback_url}"


def test_info_is_complete() -> None:
    info = SPEC["info"]
    assert SPEC["openapi"] == "3.1.0"
    assert re.fullmatch(r"\d+\.\d+\.\d+", info["version"])
    for needle in ("Authorization", "whitelist", "rc", "http://104.199.196.122/gateway/v3"):
        assert needle in info["description"], needle
    assert info["contact"]["url"]
    assert info["license"]["identifier"]
    assert SPEC["externalDocs"]["url"]


def test_servers_seed_first_then_named_hosts() -> None:
    assert spec.servers() == [
        "http://104.199.196.122/gateway/v3",
        "https://gateway.citcall.com/v3",
        "https://pub.citcall.com/v3",
    ]
    assert all(server.get("description") for server in SPEC["servers"])


def test_security_schemes() -> None:
    schemes = SPEC["components"]["securitySchemes"]
    assert schemes["Apikey"] == {
        **schemes["Apikey"],
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
    }
    assert "Apikey <" in schemes["Apikey"]["description"]
    assert schemes["Basic"]["type"] == "http"
    assert schemes["Basic"]["scheme"] == "basic"
    assert "Y2l0Y2FsbDpjaXRjYWxs" in schemes["Basic"]["description"]


def test_operations_are_the_documented_set() -> None:
    paths = {op.path for op in spec.operations().values()}
    assert paths == {"/asynccall", "/motp", "/sms", "/smsotp", "/verify", "/call"}
    assert all(op.method == "post" for op in spec.operations().values())


@pytest.mark.parametrize("operation_id", OPERATIONS)
def test_operation_is_documented_and_secured(operation_id: str) -> None:
    op = spec.operation(operation_id).definition
    for key in ("summary", "description", "tags"):
        assert op.get(key), key
    assert op["security"] == [{"Apikey": []}, {"Basic": []}]
    assert "default" in op["responses"], "transport errors are documented by `default`"
    assert spec.operation(operation_id).request_media()["schema"]["$ref"]


def test_only_call_is_deprecated() -> None:
    deprecated = {op_id for op_id, op in spec.operations().items() if op.deprecated}
    assert deprecated == {"syncMiscall"}


@pytest.mark.parametrize("operation_id", OPERATIONS)
def test_operations_taking_callback_url_declare_callbacks(operation_id: str) -> None:
    operation = spec.operation(operation_id)
    request = spec.resolve({"$ref": operation.request_schema_ref()})
    callbacks = operation.definition.get("callbacks", {})
    if "callback_url" in request["properties"]:
        assert callbacks, "takes callback_url but declares no callback"
        for callback in callbacks.values():
            assert list(callback) == [CALLBACK_KEY]
            body = spec.resolve(callback[CALLBACK_KEY])["post"]["requestBody"]
            schema_ref = body["content"]["application/json"]["schema"]["$ref"]
            assert schema_ref.startswith("#/components/schemas/")
    else:
        assert not callbacks


def test_webhooks_cover_every_callback_payload() -> None:
    webhook_items = {item["$ref"] for item in SPEC["webhooks"].values()}
    callback_items = {
        callback[CALLBACK_KEY]["$ref"]
        for op in spec.operations().values()
        for callback in op.definition.get("callbacks", {}).values()
    }
    assert webhook_items == callback_items
    assert len(webhook_items) == 3


def test_callback_payload_fields_follow_the_seed() -> None:
    schemas = SPEC["components"]["schemas"]
    missed = schemas["MissedCallCallback"]
    assert set(missed["properties"]) == {
        "rc",
        "trxid",
        "msisdn",
        "via",
        "token",
        "dial_code",
        "dial_status",
        "call_status",
        "price",
        "result",
    }
    assert set(missed["required"]) == {"rc", "trxid", "result"}
    for name in ("SmsCallback", "SmsOtpCallback"):
        assert set(schemas[name]["properties"]) == {
            "trxid",
            "result",
            "description",
            "reportedDate",
            "currency",
            "price",
        }


def test_miscall_request_takes_gateway_or_retry_and_limits() -> None:
    request = spec.resolve({"$ref": spec.operation("asyncMiscall").request_schema_ref()})
    assert set(request["properties"]) == {
        "msisdn",
        "gateway",
        "retry",
        "callback_url",
        "valid_time",
        "limit_try",
    }
    limit = spec.resolve(request["properties"]["limit_try"])
    assert (limit["minimum"], limit["maximum"], limit["default"]) == (1, 20, 5)


def _objects_with_required(
    node: Any, where: str, inherited: frozenset[str]
) -> Iterator[tuple[str, list[str], frozenset[str]]]:
    if isinstance(node, Mapping):
        declared = inherited | frozenset(node.get("properties", {}))
        if isinstance(node.get("required"), list):
            yield where, node["required"], declared
        for key, value in node.items():
            # if/then/else (and not) constrain the enclosing object: they see its properties.
            passes = declared if key in {"if", "then", "else", "not"} else frozenset()
            yield from _objects_with_required(value, f"{where}/{key}", passes)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _objects_with_required(value, f"{where}/{index}", inherited)


def test_required_properties_are_declared() -> None:
    """Stands in for Redocly's no-required-schema-properties-undefined (see lint/redocly.yaml)."""
    checked = 0
    for where, required, declared in _objects_with_required(SPEC["components"], "#", frozenset()):
        assert set(required) <= declared, (where, set(required) - declared)
        checked += 1
    assert checked > 15


def test_sandbox_scenarios_are_listed_in_the_description() -> None:
    scenarios = SPEC["x-sandbox-scenarios"]
    description = SPEC["info"]["description"]
    assert f"`{scenarios['force_rc_prefix']}` + two-digit rc" in description
    for outcome in scenarios["call_outcomes"]:
        assert outcome["msisdn"] == scenarios["call_outcome_prefix"] + str(outcome["dial_code"])
        assert f"`{outcome['msisdn']}`" in description


def test_sandbox_faults_are_listed_in_the_description_and_the_sandbox_guide() -> None:
    scenarios = SPEC["x-sandbox-scenarios"]
    description = SPEC["info"]["description"]
    readme = (REPO / "docs" / "guides" / "sandbox.md").read_text(encoding="utf-8")
    assert scenarios["faults"]
    for fault in scenarios["faults"]:
        assert fault["msisdn"].startswith(scenarios["fault_prefix"])
        assert isinstance(fault["processed"], bool)
        assert fault["description"]
        row = f"| `{fault['msisdn']}` | `{fault['name']}` |"
        assert row in description, row
        assert row in readme, row
