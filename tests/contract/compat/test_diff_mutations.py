"""`diff` on a table of spec mutations: each audience's verdict is the expected one."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from citcall_contract.contract.compat.diff import diff
from citcall_contract.contract.compat.document import Document
from citcall_contract.contract.compat.model import Audience

from .mutations import MUTATIONS, Mutation


@pytest.mark.parametrize("mutation", MUTATIONS, ids=lambda m: m.id)
def test_verdicts(base_spec: dict[str, Any], mutation: Mutation) -> None:
    old = copy.deepcopy(base_spec)
    if mutation.base is not None:
        mutation.base(old)
    new = copy.deepcopy(old)
    mutation.mutate(new)
    report = diff(Document("old", old), Document("new", new), instances=15)
    broken = {a.value for a in Audience if report.verdict(a).value == "breaking"}
    assert broken == mutation.breaks, "\n".join(
        f"{c.audience.value} {'BREAKING' if c.breaking else 'ok'} {c.rule} {c.where}: {c.message}"
        for c in report.changes
    )
    assert bool(report.changes) is mutation.visible, "a visible change must be reported"
