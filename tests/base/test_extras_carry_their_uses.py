"""Each extra carries what its documented uses import (issue 18.18).

A subprocess hides every installed module that the extra does not bring (its
distributions and theirs, read from pyproject.toml and the installed metadata), which is
what `pip install 'citcall-contract[EXTRA]'` alone gives, and runs the use there.
"""

from __future__ import annotations

import importlib.metadata as metadata
import os
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest

from citcall_contract.core.checkout import source_spec

from .test_base_install import HIDE_MODULES, WITHOUT_MODULES

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"
SELF = "citcall-contract"


def _canonical(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def distributions_of(extra: str) -> set[str]:
    """The distributions `pip install 'citcall-contract[extra]'` installs (names canonical)."""
    packaging = pytest.importorskip("packaging.requirements")
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    own = {"": project["dependencies"], **project["optional-dependencies"]}
    found: set[str] = set()
    todo: list[tuple[str, frozenset[str]]] = [(line, frozenset()) for line in own[""]]
    todo += [(line, frozenset({extra})) for line in own[extra]]
    while todo:
        line, extras = todo.pop()
        requirement = packaging.Requirement(line)
        marker = requirement.marker
        if marker is not None and not any(marker.evaluate({"extra": e}) for e in {"", *extras}):
            continue
        name = _canonical(requirement.name)
        if name == SELF:
            todo += [(sub, frozenset({e})) for e in requirement.extras for sub in own[e]]
            continue
        if name in found:
            continue
        found.add(name)
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            pytest.skip(f"{name} (of the {extra!r} extra) is not installed here")
        todo += [(sub, frozenset(requirement.extras)) for sub in requires]
    return found


def hidden_without(extra: str) -> str:
    """Top-level modules installed here that the extra does not bring, comma-separated."""
    keep = distributions_of(extra)
    hidden = {
        module
        for module, dists in metadata.packages_distributions().items()
        if not {_canonical(d) for d in dists} & keep and module.isidentifier()
    }
    return ",".join(sorted(hidden - {"citcall_contract", "citcall_v3_client"}))


def run_hidden(prologue_tail: str, hidden: str, *args: str, cwd: Path | None = None):
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(prologue_tail), hidden, *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=cwd,
        # A hidden distribution's entry points are still listed (trio registers a
        # Hypothesis plugin): a real install of the extra would have no such entry point.
        env={**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", "HYPOTHESIS_NO_PLUGINS": "1"},
    )


RECEIVER_TESTS = """
def receiver(environ, start_response):
    environ["wsgi.input"].read()
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]


def test_run_suite_generates_payloads(citcall_callbacks):
    result = citcall_callbacks.run_suite(to=receiver, kinds=["sms"], max_examples=3)
    assert result.ok, result.report()
    assert any(outcome.case.check == "generated" for outcome in result.outcomes)


def test_the_mock_starts(citcall_mock):
    assert citcall_mock is not None
"""

RUN_PYTEST = (
    HIDE_MODULES
    + """
    import pytest
    sys.exit(pytest.main(sys.argv[2:]))
"""
)


def test_the_pytest_extra_runs_the_receiver_suite(tmp_path: Path) -> None:
    """README: `citcall_callbacks.run_suite(...)` under `pip install 'citcall-contract[pytest]'`."""
    (tmp_path / "test_receiver.py").write_text(RECEIVER_TESTS, encoding="utf-8")
    result = run_hidden(
        RUN_PYTEST,
        hidden_without("pytest"),
        "-q",
        "-p",
        "citcall_contract.testing",
        "-p",
        "no:cacheprovider",
        str(tmp_path / "test_receiver.py"),
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "2 passed" in result.stdout


@pytest.mark.parametrize(
    "command",
    [
        ["diff", "SPEC", "SPEC", "--instances", "3"],
        ["verify-receiver", "http://127.0.0.1:9/hook", "--kind", "sms", "--max-examples", "2"],
    ],
)
def test_the_contract_extra_runs_its_commands(command: list[str]) -> None:
    command = [str(source_spec()) if arg == "SPEC" else arg for arg in command]
    result = run_hidden(WITHOUT_MODULES, hidden_without("contract"), *command)
    assert "extra" not in result.stderr, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    # diff: the same spec twice conforms; verify-receiver: nothing listens there (a finding).
    assert result.returncode == (0 if command[0] == "diff" else 1), result.stderr


def test_verify_receiver_without_the_extra_blames_no_flag() -> None:
    """The user passed no flag: the refusal names the extra, not `--max-examples`."""
    result = run_hidden(
        WITHOUT_MODULES, "schemathesis,hypothesis", "verify-receiver", "http://127.0.0.1:9/"
    )
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert "pip install 'citcall-contract[contract]'" in line
    assert "--max-examples" not in line
