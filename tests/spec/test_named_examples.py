"""Every named example in the spec validates, and each operation covers its outcomes."""

from __future__ import annotations

from typing import Any

import pytest

from citcall_contract import spec
from citcall_contract.spec import codes

EXAMPLES = list(spec.iter_named_examples())


def test_the_spec_has_examples_everywhere() -> None:
    locations = {location for location, _, _ in EXAMPLES}
    assert any("/webhooks/" in loc or "/pathItems/" in loc for loc in locations)
    assert any("/requestBody" in loc or "/requestBodies/" in loc for loc in locations)
    assert len(EXAMPLES) > 60


@pytest.mark.parametrize(("location", "ref", "value"), EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_named_example_validates(location: str, ref: str, value: Any) -> None:
    problems = [error.message for error in spec.validator(ref).iter_errors(value)]
    assert problems == [], location


@pytest.mark.parametrize("operation_id", sorted(spec.operations()))
def test_operation_has_success_and_error_examples(operation_id: str) -> None:
    examples = spec.operation(operation_id).response_examples()
    rcs = [codes.parse_rc(value["rc"]) for value in examples.values()]
    assert 0 in rcs, "no success example"
    assert len({rc for rc in rcs if rc != 0}) >= 3, "fewer than three error examples"


@pytest.mark.parametrize("operation_id", sorted(spec.operations()))
def test_error_examples_are_named_after_their_rc(operation_id: str) -> None:
    """`citcall_mock.respond("sms", "insufficient_amount")` relies on this naming."""
    for name, value in spec.operation(operation_id).response_examples().items():
        info = codes.describe_rc(codes.parse_rc(value["rc"]))
        if info.category == "success":
            assert name.startswith("success"), name
        else:
            assert name == info.name.lower(), (name, info.name)


@pytest.mark.parametrize("operation_id", sorted(spec.operations()))
def test_error_examples_carry_the_gateways_info_text(
    operation_id: str, seed_tables: dict[str, Any]
) -> None:
    """Error bodies quote the gateway's own wording for `info`, as seen on the wire."""
    for value in spec.operation(operation_id).response_examples().values():
        rc = codes.parse_rc(value["rc"])
        if rc != 0:
            assert value["info"] == seed_tables["response_codes"][str(rc)].rstrip(".") or (
                value["info"].lower() == seed_tables["response_codes"][str(rc)].lower()
            )
