"""Recorded gateway bodies (tests/data/recorded/) must still validate under the new spec."""

from __future__ import annotations

import copy
from typing import Any

from citcall_contract.contract.compat.diff import diff
from citcall_contract.contract.compat.document import Document
from tests.data import RECORDED


def test_recordings_hold_under_the_current_spec(base_spec: dict[str, Any]) -> None:
    report = diff(Document("old", base_spec), Document("new", base_spec), recorded=RECORDED)
    assert report.changes == []


def test_a_spec_that_refuses_real_traffic_breaks_its_readers(base_spec: dict[str, Any]) -> None:
    """Dropping rc's string form narrows responses (compatible on its own), but the gateway
    is recorded sending `"rc": "00"`: clients and receivers built from NEW would refuse it."""
    new = copy.deepcopy(base_spec)
    new["components"]["schemas"]["Rc"]["anyOf"] = new["components"]["schemas"]["Rc"]["anyOf"][:2]
    old_doc, new_doc = Document("old", base_spec), Document("new", new)
    assert not diff(old_doc, new_doc, instances=0).breaking
    report = diff(old_doc, new_doc, instances=0, recorded=RECORDED)
    refused = [c for c in report.changes if c.rule == "recorded-body-refused"]
    assert {c.audience.value for c in refused} == {"clients"}
    assert all(c.breaking for c in refused)
    assert any(c.where.endswith("asyncMiscall/evidence_string_rc.json") for c in refused)
    assert all(c.witness["rc"] == "00" for c in refused)
    assert report.verdicts()["clients"] == "breaking"
