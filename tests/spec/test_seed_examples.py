"""The seed's request and response examples validate; broken variants are rejected."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from citcall_contract import spec

from .spec_support import SEED_OPERATIONS


def errors(validator_owner: Any, instance: Any) -> list[str]:
    return [error.message for error in validator_owner.iter_errors(instance)]


@pytest.mark.parametrize("seed_name", sorted(SEED_OPERATIONS))
def test_seed_requests_validate(seed_examples: dict[str, Any], seed_name: str) -> None:
    for operation_id in SEED_OPERATIONS[seed_name]:
        validator = spec.operation(operation_id).request_validator()
        for tab, body in seed_examples[seed_name]["requests"].items():
            assert errors(validator, body) == [], (operation_id, tab)


@pytest.mark.parametrize("seed_name", sorted(SEED_OPERATIONS))
def test_seed_responses_validate(seed_examples: dict[str, Any], seed_name: str) -> None:
    body = seed_examples[seed_name]["response"]
    for operation_id in SEED_OPERATIONS[seed_name]:
        assert errors(spec.operation(operation_id).response_validator(), body) == []


@pytest.mark.parametrize("seed_name", sorted(SEED_OPERATIONS))
def test_seed_responses_are_the_specs_success_examples(
    seed_examples: dict[str, Any], seed_name: str
) -> None:
    """The spec quotes the seed verbatim as each operation's `success` example."""
    for operation_id in SEED_OPERATIONS[seed_name]:
        success = spec.operation(operation_id).response_examples()["success"]
        assert success == seed_examples[seed_name]["response"]


def test_seed_requests_are_named_examples(seed_examples: dict[str, Any]) -> None:
    for seed_name, operation_ids in SEED_OPERATIONS.items():
        for operation_id in operation_ids:
            named = list(spec.operation(operation_id).request_examples().values())
            for body in seed_examples[seed_name]["requests"].values():
                assert body in named, (operation_id, body)


@pytest.mark.parametrize("operation_id", sorted(spec.operations()))
def test_each_missing_required_field_is_rejected(operation_id: str) -> None:
    operation = spec.operation(operation_id)
    validator = operation.request_validator()
    required = spec.resolve({"$ref": operation.request_schema_ref()})["required"]
    example = next(iter(operation.request_examples().values()))
    assert errors(validator, example) == []
    for field in required:
        broken = {key: value for key, value in example.items() if key != field}
        assert errors(validator, broken), f"{operation_id} accepted a body without {field}"


def miscall(**fields: Any) -> dict[str, Any]:
    return {"msisdn": "6281234567890", **fields}


@pytest.mark.parametrize(
    ("body", "why"),
    [
        (miscall(gateway=5), "gateway above 4"),
        (miscall(gateway=-1), "negative gateway"),
        (miscall(gateway="5"), "gateway digit string above 4"),
        (miscall(gateway="zero"), "gateway not a number"),
        (miscall(retry=7), "retry above 4"),
        (miscall(), "neither gateway nor retry"),
        (miscall(gateway=0, retry=1), "both gateway and retry"),
        (miscall(gateway=0, callback_url="not a url"), "callback_url not a URL"),
        (miscall(gateway=0, callback_url="ftp://example.com/x"), "callback_url not http(s)"),
        (miscall(gateway=0, callback_url="/relative/path"), "callback_url relative"),
        (miscall(gateway=0, callback_url="http://exa mple.com/"), "callback_url with a space"),
        (miscall(gateway=0, valid_time=0), "valid_time zero"),
        (miscall(gateway=0, limit_try=21), "limit_try above 20"),
        (miscall(gateway=0, limit_try=0), "limit_try zero"),
        ({"msisdn": "12345", "gateway": 0}, "msisdn too short"),
        ({"msisdn": "62812abc67890", "gateway": 0}, "msisdn with letters"),
        ({"msisdn": 6281234567890, "gateway": 0}, "msisdn as a number"),
    ],
)
def test_invalid_miscall_requests_are_rejected(body: dict[str, Any], why: str) -> None:
    assert errors(spec.operation("asyncMiscall").request_validator(), body), why


@pytest.mark.parametrize(
    "body",
    [
        miscall(gateway=4),
        miscall(gateway="4"),
        miscall(retry=0),
        miscall(retry="3", valid_time=300, limit_try=20),
        miscall(gateway=0, callback_url="https://example.com/cb?x=1"),
        {"msisdn": "081234567890", "gateway": 0},
        {"msisdn": "+6281234567890", "gateway": 0},
    ],
)
def test_valid_miscall_variants_are_accepted(body: dict[str, Any]) -> None:
    assert errors(spec.operation("asyncMiscall").request_validator(), body) == []


def test_format_checker_is_active() -> None:
    """`format: uri` is enforced, not just annotated (needs jsonschema's format extra)."""
    validator = spec.schema_validator("CallbackUrl")
    assert validator.format_checker is not None
    assert "uri" in validator.format_checker.checkers
    # Passes the `^https?://` pattern; only the uri format check can reject it.
    assert errors(validator, "http://exa mple.com/")


@pytest.mark.parametrize("operation_id", ["sendSms", "sendSmsOtp"])
@pytest.mark.parametrize("field", ["senderid", "text"])
def test_sms_fields_must_not_be_empty(operation_id: str, field: str) -> None:
    body = {"msisdn": "6281234567890", "senderid": "citcall", "text": "Hello World!", field: ""}
    assert errors(spec.operation(operation_id).request_validator(), body)


@pytest.mark.parametrize("token", ["123", "12a4", "", 1234])
def test_verify_token_must_be_four_or_more_digits(token: Any) -> None:
    body = {"msisdn": "6281234567890", "trxid": "20190801155256104472275025", "token": token}
    assert errors(spec.operation("verifyOtp").request_validator(), body)


@pytest.mark.parametrize("rc", ["zero", "", "0x1", -1, 1.5, None, True, "1234"])
def test_response_rc_must_be_a_code(rc: Any) -> None:
    body = {"rc": rc, "info": "x"}
    for operation_id in spec.operations():
        assert errors(spec.operation(operation_id).response_validator(), body), operation_id


@pytest.mark.parametrize("rc", [0, "00", "0", 79, "79", 95, "95", 123])
def test_response_rc_accepts_integers_strings_and_unknown_codes(rc: Any) -> None:
    """A code not in today's table (95, 123) still validates: new codes must not break clients."""
    body: dict[str, Any] = {"rc": rc, "info": "x"}
    if rc in (0, "00", "0"):
        body = {"rc": rc, "trxid": "1", "msisdn": "+6281234567890", "token": "0211234"}
    assert errors(spec.operation("asyncMiscall").response_validator(), body) == []


def test_success_response_requires_its_fields(seed_examples: dict[str, Any]) -> None:
    success = copy.deepcopy(seed_examples["asynccall"]["response"])
    del success["trxid"]
    assert errors(spec.operation("asyncMiscall").response_validator(), success)
    failure = {"rc": 42, "info": "invalid msisdn"}
    assert errors(spec.operation("asyncMiscall").response_validator(), failure) == []


@pytest.mark.parametrize("price", ["450", 450, 179.5, "179.50"])
def test_price_is_a_string_or_a_number(price: Any) -> None:
    assert errors(spec.schema_validator("Price"), price) == []


@pytest.mark.parametrize("price", ["free", -1, "", None])
def test_price_rejects_non_prices(price: Any) -> None:
    assert errors(spec.schema_validator("Price"), price)


def test_verify_token_is_nullable_in_the_response() -> None:
    body = spec.operation("verifyOtp").response_examples()["success"]
    assert body["token"] is None
    assert errors(spec.operation("verifyOtp").response_validator(), body) == []
