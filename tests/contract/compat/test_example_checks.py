"""The by-example rules on their own: generated instances and the spec's named examples."""

from __future__ import annotations

import copy
from typing import Any

from citcall_contract.contract.compat.document import Document
from citcall_contract.contract.compat.instances import ExampleChecks
from citcall_contract.contract.compat.model import Audience
from citcall_contract.spec import schema_validator


def checks(old: dict[str, Any], new: dict[str, Any], count: int = 25) -> list[Any]:
    return list(ExampleChecks(Document("old", old), Document("new", new), count).changes())


def test_unchanged_spec_passes(base_spec: dict[str, Any]) -> None:
    assert checks(base_spec, base_spec) == []


def test_old_request_instances_refused_by_a_narrower_request(base_spec: dict[str, Any]) -> None:
    new = copy.deepcopy(base_spec)
    new["components"]["schemas"]["RequestMsisdn"]["pattern"] = r"^\+?[0-9]{10,12}$"
    found = [c for c in checks(base_spec, new) if c.rule == "instance-refused"]
    assert found
    assert {c.audience for c in found} == {Audience.INTEGRATORS}
    assert all(c.breaking for c in found)
    for change in found:
        # the witness is an old request the new spec refuses: its msisdn was valid, is too long now
        msisdn = change.witness["msisdn"]
        assert schema_validator("RequestMsisdn").is_valid(msisdn)
        assert len(msisdn.lstrip("+")) > 12
        assert "does not match" in change.message


def test_new_response_instances_unknown_to_old_readers(base_spec: dict[str, Any]) -> None:
    new = copy.deepcopy(base_spec)
    new["components"]["schemas"]["SmsResponse"]["properties"]["sms_count"]["type"] = [
        "integer",
        "string",
    ]
    found = [c for c in checks(base_spec, new) if c.rule == "instance-refused"]
    assert found
    assert {c.audience for c in found} == {Audience.CLIENTS}
    assert all(isinstance(c.witness["sms_count"], str) for c in found)


def test_widened_request_and_narrowed_response_find_nothing(base_spec: dict[str, Any]) -> None:
    new = copy.deepcopy(base_spec)
    new["components"]["schemas"]["OtpCode"]["pattern"] = "^[0-9]{4,12}$"
    new["components"]["schemas"]["SmsCallback"]["required"].append("reportedDate")
    assert not [c for c in checks(base_spec, new) if c.breaking]


def test_named_example_refused(base_spec: dict[str, Any]) -> None:
    """`senderid: citcall` (7 characters) is in the request and response examples."""
    new = copy.deepcopy(base_spec)
    new["components"]["schemas"]["Senderid"]["maxLength"] = 5
    found = [c for c in checks(base_spec, new, count=0) if c.rule == "example-refused"]
    requests = [c for c in found if c.audience is Audience.INTEGRATORS]
    responses = [c for c in found if c.audience is Audience.CLIENTS]
    assert requests
    assert all(c.breaking for c in requests)  # old senders send it
    assert responses
    assert not any(c.breaking for c in responses)  # NEW only documents less than was seen
    assert any(c.where.endswith("/examples/seed_example") for c in requests)
    assert all(c.witness["senderid"] == "citcall" for c in found)
