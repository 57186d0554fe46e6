"""`citcall-contract diff`: sources (files, git revisions), formats, exit status."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from citcall_contract.cli import main
from citcall_contract.core.checkout import source_spec


def write(path: Path, document: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def breaking_pair(tmp_path: Path, base_spec: dict[str, Any]) -> tuple[Path, Path]:
    """OLD is the spec; NEW requires a new request field and drops a server."""
    new = json.loads(json.dumps(base_spec))
    sms = new["components"]["schemas"]["SmsRequest"]
    sms["properties"]["reference"] = {"type": "string"}
    sms["required"].append("reference")
    new["servers"] = new["servers"][1:]
    return source_spec(), write(tmp_path / "new.yaml", new)


def test_json_report_names_audiences_and_rules(breaking_pair, capsys) -> None:
    old, new = breaking_pair
    assert main(["diff", str(old), str(new), "--format", "json", "--instances", "5"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["breaking"] is True
    assert report["verdicts"] == {
        "integrators": "breaking",
        "clients": "unchanged",
        "receivers": "unchanged",
        "sdk": "compatible",
    }
    rules = {(c["audience"], c["rule"], c["breaking"]) for c in report["changes"]}
    assert ("integrators", "required-added", True) in rules
    assert ("integrators", "server-removed", True) in rules
    required = next(c for c in report["changes"] if c["rule"] == "required-added")
    assert required["where"] == "#/components/schemas/SmsRequest/required"
    assert required["contexts"] == ["POST /sms request"]


def test_fail_on_breaking_exits_1(breaking_pair, capsys) -> None:
    old, new = breaking_pair
    assert main(["diff", str(old), str(new), "--fail-on", "breaking", "--instances", "0"]) == 1
    text = capsys.readouterr().out
    assert "integrators  breaking" in text
    assert "BREAKING" in text
    assert main(["diff", str(old), str(old), "--fail-on", "breaking"]) == 0


def test_markdown_is_a_changelog_section(breaking_pair, capsys) -> None:
    old, new = breaking_pair
    main(["diff", str(old), str(new), "--format", "markdown", "--instances", "0"])
    markdown = capsys.readouterr().out
    assert markdown.startswith("## Changes 3.0.0 → 3.0.0")
    assert "| Integrators sending requests | breaking |" in markdown
    assert "### Breaking changes" in markdown
    assert "`required-added` at `#/components/schemas/SmsRequest/required`" in markdown


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_git_revisions(tmp_path: Path, base_spec: dict[str, Any], capsys, monkeypatch) -> None:
    spec_file = tmp_path / "openapi" / "citcall-v3.yaml"
    spec_file.parent.mkdir()

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    git("init", "-q")
    git("config", "user.email", "t@example.com")
    git("config", "user.name", "t")
    write(spec_file, base_spec)
    git("add", ".")
    git("commit", "-qm", "one")
    git("tag", "v3.0.0")
    changed = json.loads(json.dumps(base_spec))
    changed["paths"]["/sms"]["post"]["operationId"] = "sendMessage"
    write(spec_file, changed)
    git("commit", "-qam", "two")
    monkeypatch.chdir(tmp_path)
    for old, new in (("v3.0.0", "HEAD"), ("HEAD~1", "HEAD:openapi/citcall-v3.yaml")):
        assert main(["diff", old, new, "--format", "json", "--instances", "0"]) == 0
        report = json.loads(capsys.readouterr().out)
        assert report["verdicts"]["sdk"] == "breaking", (old, new)
        assert report["old"]["source"] == old


def test_unknown_source_is_one_line(capsys) -> None:
    assert main(["diff", "no-such-revision-or-file", str(source_spec())]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "no-such-revision-or-file" in err
    assert "Traceback" not in err
