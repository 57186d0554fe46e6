"""docs/guides/answer-forms.md: its generated tables are the spec's, as the functions give them."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

PAGE = Path(__file__).resolve().parents[2] / "docs" / "guides" / "answer-forms.md"
GENERATED = re.compile(r"<!-- generated: (\S+)\(\) -->\n(.*?)\n<!-- end generated -->", re.S)


def _blocks() -> list[tuple[str, str]]:
    return GENERATED.findall(PAGE.read_text(encoding="utf-8"))


def test_the_page_has_both_tables():
    assert [name for name, _ in _blocks()] == [
        "citcall_contract.spec.wire_forms.wire_forms_table",
        "citcall_contract.spec.rules.rules_table",
    ]


@pytest.mark.parametrize(("name", "table"), _blocks(), ids=lambda value: str(value)[:60])
def test_a_generated_table_matches_the_spec(name, table):
    module, _, function = name.rpartition(".")
    expected = getattr(importlib.import_module(module), function)()
    assert table == expected, f"paste this between the markers of {name}():\n{expected}"


def test_the_rules_table_marks_every_assumption():
    from citcall_contract.spec.rules import sandbox_rules

    rows = dict(_blocks())["citcall_contract.spec.rules.rules_table"].splitlines()
    for rule in sandbox_rules().values():
        [row] = [row for row in rows if row.startswith(f"| `{rule.name}` |")]
        assert ("| **assumption** |" in row) is rule.assumption, row
