"""Recorded bodies (seed and EVIDENCE.md): valid against the spec, and read by the facade."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from citcall_contract import parse_callback, spec
from citcall_contract.client.callback_reports import callback_kinds
from citcall_contract.client.errors import error_class_for
from citcall_contract.spec import codes
from tests.data import RECORDED

from .client_support import CALLS, path_of

FILES = sorted(RECORDED.glob("*/*.json"))
RESPONSES = [f for f in FILES if f.parent.name in CALLS]
CALLBACKS = [f for f in FILES if f.parent.name in callback_kinds()]


def _id(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


def test_every_file_is_a_known_response_or_callback():
    assert FILES
    assert set(FILES) == set(RESPONSES) | set(CALLBACKS)
    # /motp answers with /asynccall's response (the same $ref): nothing recorded of its own.
    assert (
        spec.operation("motp").response_schema_ref()
        == spec.operation("asyncMiscall").response_schema_ref()
    )
    assert {f.parent.name for f in RESPONSES} == set(CALLS) - {"motp"}
    assert {f.parent.name for f in CALLBACKS} == set(callback_kinds())


@pytest.mark.parametrize("path", RESPONSES, ids=_id)
def test_recorded_response_is_valid_and_replays(gateway, client, path):
    operation_id = path.parent.name
    raw = path.read_bytes()
    data = json.loads(raw)
    errors = [
        e.message for e in spec.operation(operation_id).response_validator().iter_errors(data)
    ]
    assert errors == []
    gateway.post(path_of(operation_id)).respond(200, content=raw)

    if codes.is_success(data["rc"]):
        result = CALLS[operation_id](client)
        assert result.to_dict() == data
    else:
        rc = codes.parse_rc(data["rc"])
        with pytest.raises(error_class_for(rc)) as caught:
            CALLS[operation_id](client)
        assert (caught.value.rc, caught.value.info) == (rc, data.get("info"))


@pytest.mark.parametrize("path", CALLBACKS, ids=_id)
def test_recorded_callback_is_valid_and_parses(path):
    kind = callback_kinds()[path.parent.name]
    raw = path.read_bytes()
    data = json.loads(raw)
    assert list(kind.validator.iter_errors(data)) == []

    named = parse_callback(raw, kind=kind.name)
    assert isinstance(named, kind.model)
    assert named.to_dict() == data
    detected = parse_callback(raw)  # SMS OTP reports look like SMS reports: same fields
    assert detected.trxid == data["trxid"]
    assert detected.to_dict() == data
