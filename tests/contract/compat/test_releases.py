"""Releases: semver, the compat gate (`tox -e compat`), snapshots and the changelog."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from citcall_contract.cli import main
from citcall_contract.contract.compat.model import Audience, Change, Report
from citcall_contract.contract.compat.releases import (
    CHANGELOG_MARKER,
    ReleaseError,
    Version,
    gate,
    released,
)
from citcall_contract.core.checkout import repo_root, source_spec
from citcall_contract.spec import parse_yaml


def report(breaking: bool) -> Report:
    change = Change(Audience.CLIENTS, breaking, "type-widened", "#/x", "type ['string'] added")
    return Report("old", "new", "", "", [change])


@pytest.mark.parametrize(
    ("released_version", "working", "breaking", "ok"),
    [
        ("3.0.0", "3.0.0", False, True),
        ("3.0.0", "3.1.0", False, True),
        ("3.0.0", "3.0.0", True, False),
        ("3.0.0", "3.9.0", True, False),
        ("3.0.0", "4.0.0", True, True),
        ("3.2.0", "3.1.9", False, False),
        ("0.1.0", "0.2.0", True, True),
        ("0.1.0", "0.1.1", True, False),
        ("4.0.0-rc.1", "4.0.0", False, True),
    ],
)
def test_gate(released_version: str, working: str, breaking: bool, ok: bool) -> None:
    assert (gate(report(breaking), released_version, working) == []) is ok


def test_version_must_be_semver() -> None:
    assert Version.parse("3.0.0") < Version.parse("3.0.1") < Version.parse("3.1.0")
    assert Version.parse("4.0.0-rc.1") < Version.parse("4.0.0")
    for bad in ("3", "3.0", "v3.0.0", "3.0.0.1", "03.0.0"):
        with pytest.raises(ReleaseError, match="semantic version"):
            Version.parse(bad)


def test_the_spec_is_released_and_in_the_changelog() -> None:
    """The repository's own state: semver, a snapshot per release, a changelog section each."""
    root = repo_root()
    working = parse_yaml(source_spec(root).read_text(encoding="utf-8"))
    Version.parse(working["info"]["version"])
    snapshots = released(root)
    assert snapshots, "no release snapshot in openapi/releases/"
    changelog = (root / "CHANGELOG.md").read_text(encoding="utf-8")
    assert CHANGELOG_MARKER in changelog
    for version, _ in snapshots:
        assert f"\n## {version} (" in changelog, version


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    """A checkout with the spec, no release yet; commands run in it."""
    (tmp_path / "openapi").mkdir()
    shutil.copy(source_spec(), tmp_path / "openapi" / "citcall-v3.yaml")
    (tmp_path / "pyproject.toml").write_text("", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def edit_spec(root: Path, change: Any) -> None:
    path = root / "openapi" / "citcall-v3.yaml"
    document = parse_yaml(path.read_text(encoding="utf-8"))
    change(document)
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")


def test_release_then_compat_gate(project: Path, capsys) -> None:
    assert main(["release", "--date", "2026-01-02"]) == 0
    assert (project / "openapi" / "releases" / "citcall-v3-3.0.0.yaml").is_file()
    assert "## 3.0.0 (2026-01-02)" in (project / "CHANGELOG.md").read_text(encoding="utf-8")
    assert main(["release"]) == 1  # the same version twice
    assert "already released" in capsys.readouterr().err
    assert main(["compat", "--instances", "0"]) == 0

    def drop_price(document: dict[str, Any]) -> None:
        del document["components"]["schemas"]["SmsResponse"]["properties"]["price"]

    edit_spec(project, drop_price)  # breaks clients and the SDK
    assert main(["compat", "--instances", "0"]) == 1
    err = capsys.readouterr().err
    assert "need a major version" in err
    assert "4.0.0" in err

    def minor(document: dict[str, Any]) -> None:
        document["info"]["version"] = "3.1.0"

    edit_spec(project, minor)
    assert main(["compat", "--instances", "0"]) == 1
    assert main(["release"]) == 1  # the gate holds for release too

    def major(document: dict[str, Any]) -> None:
        document["info"]["version"] = "4.0.0"

    edit_spec(project, major)
    assert main(["compat", "--instances", "0"]) == 0
    assert main(["release", "--date", "2026-02-03"]) == 0
    changelog = (project / "CHANGELOG.md").read_text(encoding="utf-8")
    assert changelog.index("## 4.0.0 (2026-02-03)") < changelog.index("## 3.0.0 (2026-01-02)")
    assert "### Breaking changes" in changelog
    assert "'price' removed" in changelog
    assert [str(v) for v, _ in released(project)] == ["3.0.0", "4.0.0"]


def test_compat_refuses_a_non_semver_version(project: Path, capsys) -> None:
    edit_spec(project, lambda d: d["info"].__setitem__("version", "v3"))
    assert main(["compat"]) == 1
    assert "not a semantic version" in capsys.readouterr().err


def test_compat_json(project: Path, capsys) -> None:
    main(["release", "--date", "2026-01-02"])
    capsys.readouterr()
    assert main(["compat", "--format", "json", "--instances", "0"]) == 0
    assert json.loads(capsys.readouterr().out)["breaking"] is False
