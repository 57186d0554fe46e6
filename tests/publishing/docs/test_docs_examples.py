"""Every Python and shell block of the docs and the README runs, or says why it cannot.

Nothing here reaches a real host: scripts run with the in-process gateway answering
every Citcall address (respx refuses any other host), pytest examples run with the kit's
plugin (`citcall_mock`, a loopback `citcall_sandbox`), and shell examples talk to a
sandbox on a free loopback port. See `doc_blocks` for the directives.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.metadata
import io
import os
import re
import sys
import xml.etree.ElementTree as ElementTree
from collections import defaultdict
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from citcall_contract.cli import build_parser
from tests import REPO
from tests.processes import run_program

from .doc_blocks import PYTHON, SHELL, Block, all_blocks, pages, to_run

#: The key the examples read from `CITCALL_API_KEY` (made up: the mock accepts any).
EXAMPLE_KEY = "docs-example-key"
#: The sandbox command's default address, which shell examples name.
SANDBOX_ADDRESS = "127.0.0.1:8090"

BLOCKS = to_run()
SCRIPTS = [b for b in BLOCKS if b.lang in PYTHON and b.pytest_module is None]
SHELLS = [b for b in BLOCKS if b.lang in SHELL]


def modules() -> dict[str, list[Block]]:
    """pytest module file name -> its blocks, in page order."""
    grouped: dict[str, list[Block]] = defaultdict(list)
    for block in BLOCKS:
        if block.lang in PYTHON and block.pytest_module is not None:
            page = re.sub(r"\W+", "_", Path(block.page).with_suffix("").as_posix())
            name = re.sub(r"\W+", "_", block.pytest_module)
            grouped[f"test_{page}__{name}.py"].append(block)
    return dict(grouped)


MODULES = modules()


# --- every block is accounted for ---------------------------------------------------------


def test_every_python_and_shell_block_is_run_or_says_why() -> None:
    found = [b for b in all_blocks() if b.runnable_language]
    assert len(found) > 30
    for block in found:
        reason = block.not_tested_reason
        if reason is not None:
            assert len(reason) > 10, f"{block.id}: say why the block is not run"
            assert not block.directive, f"{block.id}: a block not run needs no directive"
            continue
        words = block.directive
        if block.lang in PYTHON:
            assert words in ((), ("pytest", block.pytest_module)), (block.id, words)
        else:
            assert set(words) <= {"sandbox", "cwd=checkout"}, (block.id, words)
    assert SCRIPTS
    assert SHELLS
    assert MODULES


def test_the_docs_tell_the_blocks_apart() -> None:
    """The parser is not vacuous: languages, directives and reasons are read."""
    langs = {b.lang for b in all_blocks()}
    assert {"python", "sh", "text", "console", "go", "php", "ts"} <= langs
    reasons = [b.not_tested_reason for b in all_blocks() if b.not_tested_reason]
    assert any("PyPI" in reason for reason in reasons)
    assert any(b.directive == ("sandbox",) for b in SHELLS)


# --- Python scripts -------------------------------------------------------------------------


@pytest.mark.parametrize("block", SCRIPTS, ids=[b.id for b in SCRIPTS])
def test_python_example_runs_against_the_in_process_gateway(
    block: Block, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from citcall_contract.fixtures.mock import mocking
    from citcall_contract.spec.derived_servers import SERVERS

    monkeypatch.setenv("CITCALL_API_KEY", EXAMPLE_KEY)
    monkeypatch.chdir(tmp_path)
    code = compile(block.code, block.id, "exec")
    printed = io.StringIO()
    with mocking(list(SERVERS), {}) as mock, contextlib.redirect_stdout(printed):
        mock.router.route(host="127.0.0.1").pass_through()  # an example's own sandbox
        exec(code, {"__name__": "__docs_example__"})
    assert not mock.violations, mock.violations


# --- pytest examples ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pytest_results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:
    """Every pytest example module run in one pytest process: file -> test -> outcome."""
    folder = tmp_path_factory.mktemp("docs-pytest")
    for name, parts in MODULES.items():
        (folder / name).write_text("\n\n".join(b.code for b in parts), encoding="utf-8")
    report = folder / "report.xml"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
    }
    pytest_command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    result = run_program(
        [*pytest_command, "--rootdir", str(folder), f"--junitxml={report}", str(folder)],
        cwd=folder,
        env=env,
        timeout=600,
    )
    outcomes: dict[str, dict[str, str]] = defaultdict(dict)
    if report.is_file():
        for case in ElementTree.parse(report).iter("testcase"):
            module = case.get("classname", "").rsplit(".", 1)[-1] + ".py"
            problem = next(iter(case), None)
            outcome = "passed" if problem is None else f"{problem.tag}: {problem.get('message')}"
            outcomes[module][case.get("name", "")] = outcome
    outcomes["(output)"] = {"stdout": result.stdout[-4000:], "stderr": result.stderr[-2000:]}
    return dict(outcomes)


@pytest.mark.parametrize("module", list(MODULES), ids=list(MODULES))
def test_pytest_example_passes(module: str, pytest_results: dict[str, dict[str, str]]) -> None:
    tests = pytest_results.get(module)
    assert tests, f"no test ran from {module}:\n{pytest_results['(output)']}"
    failed = {name: outcome for name, outcome in tests.items() if outcome != "passed"}
    assert failed == {}, f"{[b.id for b in MODULES[module]]}: {failed}"


# --- shell examples -------------------------------------------------------------------------


@pytest.mark.parametrize("block", SHELLS, ids=[b.id for b in SHELLS])
def test_shell_example_runs(block: Block, tmp_path: Path) -> None:
    script = block.code
    cwd = REPO if "cwd=checkout" in block.directive else tmp_path
    env = {
        **os.environ,
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]),
    }
    with contextlib.ExitStack() as stack:
        if "sandbox" in block.directive:
            from citcall_contract.sandbox import SandboxConfig, SandboxServer

            server = stack.enter_context(SandboxServer(SandboxConfig(), host="127.0.0.1", port=0))
            script = script.replace(SANDBOX_ADDRESS, server.base_url.split("//", 1)[1])
            assert script != block.code
        result = run_program(
            ["bash", "-euo", "pipefail", "-c", script], cwd=cwd, env=env, timeout=300
        )
    assert result.returncode == 0, f"{block.id}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"


# --- facts the pages state ------------------------------------------------------------------


def base_install_packages() -> set[str]:
    """The third-party distributions `pip install citcall-contract` brings, from metadata."""
    seen: set[str] = set()
    todo = ["citcall-contract"]
    while todo:
        for line in importlib.metadata.requires(todo.pop()) or []:
            requirement = Requirement(line)
            if requirement.marker and not requirement.marker.evaluate({"extra": ""}):
                continue
            name = canonicalize_name(requirement.name)
            if name not in seen:
                seen.add(name)
                todo.append(requirement.name)
    return seen


def test_the_package_count_of_the_base_install_is_right() -> None:
    count = len(base_install_packages())
    for page in (REPO / "README.md", REPO / "docs" / "guides" / "getting-started.md"):
        stated = re.findall(r"\((\d+) third-party packages", page.read_text("utf-8"))
        assert stated == [str(count)], page


def test_relative_links_of_the_readme_lead_to_pages() -> None:
    readme = (REPO / "README.md").read_text("utf-8")
    targets = re.findall(r"\]\(((?!https?:)[^)#]+)(?:#[^)]*)?\)", readme)
    assert len(targets) > 10
    for target in targets:
        assert (REPO / target).is_file(), target


def test_paths_the_docs_name_exist() -> None:
    """`tests/...`, `citcall_contract/...`, `bench/...` paths named in the docs are there."""
    named = re.compile(r"`((?:tests|citcall_contract|bench|lint|openapi|docs)/[\w./-]*)`")
    missing = []
    for page in pages():
        for path in named.findall(page.read_text("utf-8")):
            if "<" not in path and "*" not in path and not (REPO / path).exists():
                missing.append(f"{page.relative_to(REPO)}: {path}")
    assert missing == []


def test_the_readme_is_a_front_door() -> None:
    readme = (REPO / "README.md").read_text("utf-8")
    assert len(readme.splitlines()) <= 250
    for command in (
        "python3 -m venv .venv && .venv/bin/pip install '.[contract]' "
        "&& .venv/bin/citcall-contract verify",
        "python3 -m pip install 'tox>=4.20,<5' && python3 -m tox",
    ):
        assert f"\n{command}\n" in readme


def _options(parser: argparse.ArgumentParser) -> set[str]:
    """Every option string of `parser` and of its subcommands (`sdk all --check`)."""
    found = set()
    for action in parser._actions:
        found.update(action.option_strings)
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                found |= _options(sub)
    return found


def test_every_command_line_in_the_docs_names_real_options() -> None:
    """`citcall-contract sandbox --answer-forms varied`: the command has that option."""
    commands = {
        action.dest: action
        for action in build_parser()._actions
        if isinstance(action, argparse._SubParsersAction)
    }["command"].choices
    line = re.compile(r"citcall-contract ([a-z-]+)([^`\n]*)")
    unknown, seen = [], 0
    for page in pages():
        for name, rest in line.findall(page.read_text("utf-8")):
            if name not in commands:
                continue
            for option in re.findall(r"(?<![\w-])--[a-z][a-z-]*", rest.split("#")[0]):
                seen += 1
                if option not in _options(commands[name]):
                    unknown.append(f"{page.relative_to(REPO)}: citcall-contract {name} {option}")
    assert seen > 10
    assert unknown == []
