"""The names an SDK is published under, its README guide, and the template patches: no Java.

The generator itself runs in the `sdk` tests; here its command line is captured, so the
defaults, the overrides and the version are checked in the ordinary suite.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

import citcall_contract.publishing.sdk_generator as generator
from citcall_contract import spec
from citcall_contract.publishing.sdk_readme import readme_guide
from citcall_contract.publishing.sdk_view import NOT_NULL, sdk_view

VERSION = str(spec.load_spec()["info"]["version"])


@pytest.fixture
def captured(monkeypatch) -> list[list[str]]:
    """The generator's command lines, with the generator itself stubbed out."""
    calls: list[list[str]] = []
    monkeypatch.setattr(generator, "check_generator", lambda name: None)
    monkeypatch.setattr(generator, "_template_arguments", lambda name, tmp: [])

    def run(arguments):
        calls.append(list(arguments))
        return subprocess.CompletedProcess(arguments, 0, "", "")

    monkeypatch.setattr(generator, "_run", run)
    return calls


def option(arguments: list[str], flag: str) -> str | None:
    return arguments[arguments.index(flag) + 1] if flag in arguments else None


def properties(arguments: list[str]) -> dict[str, str]:
    return generator.parse_properties([option(arguments, "--additional-properties") or ""])


def test_default_names_are_citcalls(captured, tmp_path: Path) -> None:
    for name in ("go", "php", "python", "typescript-fetch"):
        generator.generate(name, tmp_path / name)
    go, php, python, typescript = captured
    assert [option(go, f) for f in ("--git-host", "--git-user-id", "--git-repo-id")] == [
        "github.com",
        "citcall",
        "citcall-go",
    ]
    assert properties(go) == {"packageName": "citcall", "packageVersion": VERSION}
    assert properties(php)["invokerPackage"] == "Citcall\\Gateway"
    assert properties(php)["composerPackageName"] == "citcall/gateway"
    assert properties(python)["packageName"] == "citcall_gateway"
    assert properties(python)["packageVersion"] == VERSION
    assert properties(typescript) == {"npmName": "@citcall/gateway", "npmVersion": VERSION}


def test_command_line_properties_override_the_names(captured, tmp_path: Path) -> None:
    generator.generate("go", tmp_path, {"gitUserId": "acme", "packageName": "gateway"})
    [go] = captured
    assert option(go, "--git-user-id") == "acme"
    assert properties(go)["packageName"] == "gateway"
    readme = (tmp_path / "README.md").read_text("utf-8")
    assert "github.com/acme/citcall-go" in readme
    assert "gateway.NewConfiguration()" in readme


@pytest.mark.parametrize("name", ["go", "php", "python", "typescript-fetch"])
def test_the_readme_guide_names_both_schemes_and_success(name: str) -> None:
    guide = readme_guide(name, generator.settings_for(name))
    assert guide is not None
    assert "## Install" in guide
    assert "Apikey" in guide
    assert "Basic" in guide
    assert '"00"' in guide
    assert readme_guide("java", {}) is None


@pytest.mark.parametrize(("name", "marked"), [("php", True), ("python", True), ("go", False)])
def test_untyped_unions_are_marked_never_null(name: str, marked: bool) -> None:
    schemas = sdk_view(generator=name)["components"]["schemas"]
    assert (schemas["GatewayNumber"].get(NOT_NULL) is True) is marked
    assert schemas["Rc"].get(NOT_NULL) is (True if marked else None)


@pytest.mark.parametrize("name", ["php", "python"])
def test_the_template_patches_apply_to_the_pinned_generator(name: str) -> None:
    """The patched templates read the marker (a changed template is refused by name)."""
    pytest.importorskip("openapi_generator_cli")
    [(template, (text, replacement))] = generator.TEMPLATE_PATCHES[name].items()
    patched = generator._patched(name, template, text, replacement)
    assert f"vendorExtensions.{NOT_NULL}" in patched
    with pytest.raises(generator.GeneratorError, match="no longer applies"):
        generator._patched(name, template, "text that is not in the template", "x")
