"""`parse_yaml`, the one YAML reader: aliases are bounded, so every command is safe from a bomb."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from citcall_contract.cli import main
from citcall_contract.core.checkout import source_spec
from citcall_contract.spec.document import MAX_ALIAS_NODES, YAMLAliasError, parse_yaml
from tests.contract.compat.test_hostile_sources import alias_bomb


def test_nine_levels_of_nine_aliases_are_refused() -> None:
    with pytest.raises(YAMLAliasError, match="alias"):
        parse_yaml(alias_bomb())


def test_an_alias_inside_its_own_anchor_is_refused() -> None:
    """PyYAML builds a list that contains itself; every walk of it would never end."""
    with pytest.raises(YAMLAliasError, match="contains it"):
        parse_yaml("a: &loop [1, *loop]\n")


def test_the_bound_is_on_what_aliases_add() -> None:
    width = 1000
    shared = "shared: &s [" + ", ".join(["1"] * width) + "]\n"
    under = MAX_ALIAS_NODES // (width + 1)
    assert len(parse_yaml(shared + "uses: [" + ", ".join(["*s"] * under) + "]\n")["uses"]) == under
    with pytest.raises(YAMLAliasError):
        parse_yaml(shared + "uses: [" + ", ".join(["*s"] * (under + 2)) + "]\n")


def test_documents_read_as_before() -> None:
    text = source_spec().read_text(encoding="utf-8")
    assert parse_yaml(text) == yaml.safe_load(text)
    merged = parse_yaml("base: &b {x: 1}\nm: {<<: *b, y: 2}\nq: 'a & b'\n")
    assert merged == {"base": {"x": 1}, "m": {"x": 1, "y": 2}, "q": "a & b"}
    assert parse_yaml("") is None


def test_lint_reports_an_alias_bomb_without_walking_it(tmp_path: Path, capsys) -> None:
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(alias_bomb(), encoding="utf-8")
    assert main(["lint", str(bomb)]) == 1
    out = capsys.readouterr().out
    assert "error yaml-aliases" in out
    assert "skipped (the document does not parse)" in out


def test_lint_bounds_nesting_before_the_validators_recurse(tmp_path: Path, capsys) -> None:
    deep = tmp_path / "deep.yaml"
    deep.write_text(
        "openapi: 3.1.0\ninfo: {title: x, version: 1.0.0}\npaths: {}\n"
        f"x-deep: {'[' * 900}{']' * 900}\n",
        encoding="utf-8",
    )
    assert main(["lint", str(deep)]) == 1
    captured = capsys.readouterr()
    assert "error too-deep" in captured.out
    assert "Traceback" not in captured.out + captured.err


def test_lint_of_a_missing_file_could_not_check(tmp_path: Path, capsys) -> None:
    assert main(["lint", str(tmp_path / "nowhere.yaml")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "nowhere.yaml: no such file" in err
