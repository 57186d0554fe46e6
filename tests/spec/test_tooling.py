"""The lint gates and the generator drift check really fail when they should."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from citcall_contract import spec
from citcall_contract.cli import COMMANDS
from citcall_contract.commands.generate import SERVERS_MODULE
from tests import REPO

SPEC = REPO / "openapi" / "citcall-v3.yaml"


def cli(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "citcall_contract", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def test_module_entry_point_lists_the_commands() -> None:
    result = cli("--help")
    assert result.returncode == 0
    for command in COMMANDS:
        assert command in result.stdout


def test_loaded_spec_is_the_source_spec() -> None:
    """The installed package carries the same document the repository keeps in openapi/."""
    assert spec.spec_path().read_bytes() == (REPO / "openapi" / "citcall-v3.yaml").read_bytes()


@pytest.mark.npm
def test_lint_passes_with_zero_warnings() -> None:
    result = cli("lint")
    assert result.returncode == 0, result.stdout + result.stderr
    gates = [line.split()[0] for line in result.stdout.splitlines() if line.endswith(" ok")]
    assert gates == ["document", "openapi-spec-validator", "redocly", "spectral"]


@pytest.mark.npm
def test_lint_fails_on_a_broken_spec(tmp_path: Path) -> None:
    document = yaml.safe_load((REPO / "openapi" / "citcall-v3.yaml").read_text(encoding="utf-8"))
    schemas = document["components"]["schemas"]
    schemas["ResponseCode"]["x-enum-varnames"].pop()
    del schemas["SmsText"]["example"]
    verify_examples = document["paths"]["/verify"]["post"]["responses"]["200"]["content"][
        "application/json"
    ]["examples"]
    verify_examples["success"]["value"]["rc"] = "zero"
    broken = tmp_path / "broken.yaml"
    broken.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    result = cli("lint", str(broken))
    assert result.returncode == 1
    for rule in (
        "citcall-enum-extensions-length",
        "citcall-required-property-example",
        "no-invalid-media-type-examples",
    ):
        assert rule in result.stdout, rule


def _copy_project(target: Path) -> None:
    for name in ("openapi", "generated", "lint"):
        shutil.copytree(REPO / name, target / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "openapi-python-client.yaml"):
        shutil.copy(REPO / name, target / name)
    (target / SERVERS_MODULE).parent.mkdir(parents=True)
    shutil.copy(REPO / SERVERS_MODULE, target / SERVERS_MODULE)


def test_generated_client_has_no_drift() -> None:
    result = cli("generate", "--check")
    assert result.returncode == 0, result.stdout + result.stderr


def test_generate_check_fails_on_drift_and_generate_repairs_it(tmp_path: Path) -> None:
    _copy_project(tmp_path)
    models = tmp_path / "generated" / "citcall_v3_client" / "models"
    (models / "response_code.py").write_text("# edited by hand\n", encoding="utf-8")
    (models / "stray.py").write_text("", encoding="utf-8")
    result = cli("generate", "--check", cwd=tmp_path)
    assert result.returncode == 1
    assert "changed: models/response_code.py" in result.stderr
    assert "not produced by the generator: models/stray.py" in result.stderr
    assert cli("generate", cwd=tmp_path).returncode == 0
    assert cli("generate", "--check", cwd=tmp_path).returncode == 0


def test_generate_check_fails_when_the_spec_changes(tmp_path: Path) -> None:
    _copy_project(tmp_path)
    source = tmp_path / "openapi" / "citcall-v3.yaml"
    source.write_text(
        source.read_text(encoding="utf-8").replace("- WRONG_METHOD\n", "- BAD_METHOD\n", 1),
        encoding="utf-8",
    )
    result = cli("generate", "--check", cwd=tmp_path)
    assert result.returncode == 1
    assert "models/response_code.py" in result.stderr


def test_generate_check_fails_when_the_servers_change(tmp_path: Path) -> None:
    """The client's import-time copy of `servers` is derived, and held against the spec."""
    _copy_project(tmp_path)
    source = tmp_path / "openapi" / "citcall-v3.yaml"
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("https://pub.citcall.com/v3", "https://pub2.citcall.com/v3"))
    result = cli("generate", "--check", cwd=tmp_path)
    assert result.returncode == 1
    assert SERVERS_MODULE in result.stderr
    assert cli("generate", cwd=tmp_path).returncode == 0
    assert "pub2.citcall.com" in (tmp_path / SERVERS_MODULE).read_text(encoding="utf-8")


def test_lint_reports_a_yaml_syntax_error_with_line_and_column(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    lines = SPEC.read_text(encoding="utf-8").splitlines()
    at = lines.index("servers:")
    lines[at] = "servers: : ["  # a mapping value where none may be
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = cli("lint", str(broken))
    assert result.returncode == 1
    assert "yaml-syntax" in result.stdout
    assert f"broken.yaml:{at + 1}:" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    assert "skipped (the document does not parse)" in result.stdout


def test_lint_reports_an_unresolved_ref_with_its_pointer(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    text = SPEC.read_text(encoding="utf-8")
    broken.write_text(
        text.replace("#/components/schemas/Trxid'", "#/components/schemas/Nowhere'", 1),
        encoding="utf-8",
    )
    result = cli("lint", str(broken))
    assert result.returncode == 1
    assert "unresolved-ref: '#/components/schemas/Nowhere'" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
