"""`citcall-contract lint`: every lint gate on the spec, zero errors and zero warnings.

Gates: the document parses (YAML syntax, every local `$ref` resolves; a failure names
line and column or the pointer, and skips the other gates, which cannot read such a
file), openapi-spec-validator (the OpenAPI 3.1 meta-schema), Redocly `recommended`
(lint/redocly.yaml) and Spectral `spectral:oas` plus the project's rules
(lint/spectral.yaml). The npm tools run from node_modules, installed from the lock.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from citcall_contract.core.checkout import repo_root, source_spec
from citcall_contract.publishing.npm_tools import tool

#: Levels of nesting the document may have (the spec has about 15; the validators recurse).
MAX_DEPTH = 100

HELP = "Lint the spec: openapi-spec-validator, Redocly and Spectral (zero warnings)."

#: Quiet, offline settings for the npm tools.
NPM_TOOL_ENV = {
    "NO_COLOR": "1",
    "REDOCLY_TELEMETRY": "off",
    "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true",
    "NODE_NO_WARNINGS": "1",
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "spec", nargs="?", type=Path, help="spec to lint (default: openapi/citcall-v3.yaml)"
    )


def run(args: argparse.Namespace) -> int:
    from citcall_contract.core.extras import require

    root = repo_root()
    require("dev", "citcall-contract lint")
    spec = (args.spec or source_spec(root)).resolve()
    if not spec.is_file():
        print(f"citcall-contract lint: {args.spec or spec}: no such file", file=sys.stderr)
        return 2
    gates: list[tuple[str, Callable[[Path, Path], list[str]]]] = [
        ("openapi-spec-validator", check_openapi_schema),
        ("redocly", check_redocly),
        ("spectral", check_spectral),
    ]
    unreadable = check_document(spec)
    _print_gate("document", unreadable)
    if unreadable:
        for name, _ in gates:
            print(f"{name:24} skipped (the document does not parse)")
        return 1
    failed = 0
    for name, gate in gates:
        problems = gate(root, spec)
        _print_gate(name, problems)
        failed += bool(problems)
    return 1 if failed else 0


def _print_gate(name: str, problems: list[str]) -> None:
    print(f"{name:24} {'ok' if not problems else f'{len(problems)} problem(s)'}")
    for problem in problems:
        print(f"    {problem}")


def check_document(spec: Path) -> list[str]:
    """YAML syntax (with line and column) and local `$ref`s that point nowhere.

    The other gates assume a readable document (openapi-spec-validator's reader raises
    on a syntax error), so they run only when this one passes.
    """
    import yaml

    from citcall_contract.contract.compat.wellformed import NOWHERE, target
    from citcall_contract.spec.document import YAMLAliasError, parse_yaml

    try:
        document = parse_yaml(spec.read_text(encoding="utf-8"))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{spec.name}:{mark.line + 1}:{mark.column + 1}" if mark else spec.name
        return [f"error yaml-syntax: {exc.problem or exc.context} at {where}"]
    except UnicodeDecodeError as exc:
        return [f"error not-utf-8: byte {exc.start} is not UTF-8 text"]
    except YAMLAliasError as exc:
        return [f"error yaml-aliases: {exc}"]
    except yaml.YAMLError as exc:
        return [f"error yaml-syntax: {str(exc).splitlines()[0]}"]
    if not isinstance(document, dict):
        return [f"error not-a-document: the top level is {type(document).__name__}, not a map"]
    problems = []
    for where, ref, depth in _walk(document):
        if depth > MAX_DEPTH:
            return [f"error too-deep: nested deeper than {MAX_DEPTH} levels at {where}"]
        if ref is not None and target(document, ref) is NOWHERE:
            problems.append(f"error unresolved-ref: {ref!r} does not resolve, at {where}")
    return problems


def _walk(document: Any) -> Iterator[tuple[str, str | None, int]]:
    """(pointer, local `$ref` or None, depth) of every map and list, iteratively (no walk
    here may run out of stack; the gates after this one recurse)."""
    stack: list[tuple[Any, str, int]] = [(document, "#", 0)]
    while stack:
        node, where, depth = stack.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            yield where, ref if isinstance(ref, str) and ref.startswith("#") else None, depth
            for key, value in reversed(node.items()):
                escaped = str(key).replace("~", "~0").replace("/", "~1")
                stack.append((value, f"{where}/{escaped}", depth + 1))
        elif isinstance(node, list):
            yield where, None, depth
            stack.extend((v, f"{where}/{i}", depth + 1) for i, v in reversed(list(enumerate(node))))


def check_openapi_schema(root: Path, spec: Path) -> list[str]:
    from openapi_spec_validator import validate
    from openapi_spec_validator.readers import read_from_filename

    document, _ = read_from_filename(str(spec))
    try:
        validate(document)
    except Exception as exc:  # the validator raises several unrelated types
        return [str(exc).splitlines()[0]]
    return []


def _run_tool(root: Path, command: list[str]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **NPM_TOOL_ENV}
    return subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, check=False)


def check_redocly(root: Path, spec: Path) -> list[str]:
    return _npm_lint(root, spec, "redocly", "--config", (), _redocly_problems, empty="")


def _redocly_problems(report: Any) -> list[str]:
    return [
        f"{p['severity']} {p['ruleId']}: {p['message']} at {_redocly_where(p)}"
        for p in report.get("problems", [])
        if p.get("severity") in {"error", "warn"}
    ]


def _redocly_where(problem: dict[str, object]) -> str:
    locations = problem.get("location")
    if isinstance(locations, list) and locations and isinstance(locations[0], dict):
        return str(locations[0].get("pointer", "?"))
    return "?"


def check_spectral(root: Path, spec: Path) -> list[str]:
    quiet = ("--quiet", "--fail-severity", "warn")
    return _npm_lint(root, spec, "spectral", "--ruleset", quiet, _spectral_problems, empty="[]")


def _spectral_problems(report: Any) -> list[str]:
    # Spectral severities: 0 error, 1 warn, 2 info, 3 hint.
    return [
        f"{('error', 'warn')[p['severity']]} {p['code']}: {p['message']} at "
        + "/".join(str(part) for part in p.get("path", []))
        for p in report
        if p.get("severity", 3) <= 1
    ]


def _npm_lint(
    root: Path,
    spec: Path,
    name: str,
    config_option: str,
    options: tuple[str, ...],
    read: Callable[[Any], list[str]],
    *,
    empty: str,
) -> list[str]:
    """Run an npm linter with its config (lint/NAME.yaml) and a JSON report: the problems
    `read` finds in it, or one line when the tool did not report or failed silently.
    `empty` stands for an empty stdout (Redocly always reports; a quiet Spectral may not)."""
    config = root / "lint" / f"{name}.yaml"
    command = [str(tool(name, root)), "lint", str(spec), config_option, str(config)]
    result = _run_tool(root, [*command, "--format", "json", *options])
    try:
        report = json.loads(result.stdout or empty)
    except json.JSONDecodeError:
        return [f"{name} did not report (exit {result.returncode}): {result.stderr.strip()[:500]}"]
    problems = read(report)
    if not problems and result.returncode != 0:
        problems.append(f"{name} exited {result.returncode}: {result.stderr.strip()[:500]}")
    return problems
