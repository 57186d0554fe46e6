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
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from citcall_contract.core.checkout import repo_root, source_spec
from citcall_contract.publishing.npm_tools import tool

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

    if not spec.is_file():
        return [f"error no-such-file: {spec}"]
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        document = yaml.load(spec.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{spec.name}:{mark.line + 1}:{mark.column + 1}" if mark else spec.name
        return [f"error yaml-syntax: {exc.problem or exc.context} at {where}"]
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        return [f"error yaml-syntax: {exc}"]
    if not isinstance(document, dict):
        return [f"error not-a-document: the top level is {type(document).__name__}, not a map"]
    return [
        f"error unresolved-ref: {ref!r} does not resolve, at {where}"
        for where, ref in _local_refs(document, "#")
        if not _resolves(document, ref)
    ]


def _local_refs(node: Any, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#"):
            yield where, ref
        for key, value in node.items():
            escaped = str(key).replace("~", "~0").replace("/", "~1")
            yield from _local_refs(value, f"{where}/{escaped}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _local_refs(value, f"{where}/{index}")


def _resolves(document: Any, ref: str) -> bool:
    node = document
    pointer = ref.removeprefix("#").removeprefix("/")
    for raw in pointer.split("/") if pointer else []:
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return False
    return True


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
    result = _run_tool(
        root,
        [
            str(tool("redocly", root)),
            "lint",
            str(spec),
            "--config",
            str(root / "lint" / "redocly.yaml"),
            "--format",
            "json",
        ],
    )
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        return [f"redocly did not report (exit {result.returncode}): {result.stderr.strip()[:500]}"]
    problems = [
        f"{p['severity']} {p['ruleId']}: {p['message']} at {_redocly_where(p)}"
        for p in report.get("problems", [])
        if p.get("severity") in {"error", "warn"}
    ]
    if not problems and result.returncode != 0:
        problems.append(f"redocly exited {result.returncode}: {result.stderr.strip()[:500]}")
    return problems


def _redocly_where(problem: dict[str, object]) -> str:
    locations = problem.get("location")
    if isinstance(locations, list) and locations and isinstance(locations[0], dict):
        return str(locations[0].get("pointer", "?"))
    return "?"


def check_spectral(root: Path, spec: Path) -> list[str]:
    result = _run_tool(
        root,
        [
            str(tool("spectral", root)),
            "lint",
            str(spec),
            "--ruleset",
            str(root / "lint" / "spectral.yaml"),
            "--format",
            "json",
            "--quiet",
            "--fail-severity",
            "warn",
        ],
    )
    try:
        report = json.loads(result.stdout or "[]")
    except json.JSONDecodeError:
        return [
            f"spectral did not report (exit {result.returncode}): {result.stderr.strip()[:500]}"
        ]
    # Spectral severities: 0 error, 1 warn, 2 info, 3 hint.
    problems = [
        f"{('error', 'warn')[p['severity']]} {p['code']}: {p['message']} at "
        + "/".join(str(part) for part in p.get("path", []))
        for p in report
        if p.get("severity", 3) <= 1
    ]
    if not problems and result.returncode != 0:
        problems.append(f"spectral exited {result.returncode}: {result.stderr.strip()[:500]}")
    return problems
