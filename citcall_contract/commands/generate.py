"""`citcall-contract generate [--check]`: rebuild what is derived from the spec, or prove it.

Two artifacts: `generated/` (openapi-python-client, pinned in the `dev` extra, options in
the committed `openapi-python-client.yaml`) and `citcall_contract/spec/derived_servers.py` (the
spec's `servers`, which the client needs at import without parsing YAML). `--check`
derives both into a temporary place and compares, so drift fails CI.
"""

from __future__ import annotations

import argparse
import difflib
import filecmp
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from citcall_contract.core.checkout import repo_root, source_spec

HELP = "Regenerate generated/ and spec/derived_servers.py from the spec (--check: fail on drift)."
PACKAGE = "citcall_v3_client"
CONFIG = "openapi-python-client.yaml"
GENERATOR_VERSION = "0.29.1"
SERVERS_MODULE = "citcall_contract/spec/derived_servers.py"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--check",
        action="store_true",
        help="generate into a temporary directory and fail if generated/ differs",
    )


def run(args: argparse.Namespace) -> int:
    root = repo_root()
    target = root / "generated" / PACKAGE
    servers_module = root / SERVERS_MODULE
    servers_text = render_servers_module(source_spec(root))
    if not args.check:
        generate_into(root, target)
        servers_module.write_text(servers_text, encoding="utf-8")
        print(f"generated {target.relative_to(root)} and {SERVERS_MODULE}")
        return 0
    with tempfile.TemporaryDirectory(prefix="citcall-generate-") as tmp:
        fresh = Path(tmp) / PACKAGE
        generate_into(root, fresh)
        differences = compare_trees(fresh, target)
    committed = servers_module.read_text(encoding="utf-8") if servers_module.is_file() else ""
    if committed != servers_text:
        differences.append(f"changed: {SERVERS_MODULE} (the spec's servers)")
    if differences:
        print("generated/ differs from a fresh generation:", file=sys.stderr)
        for line in differences:
            print(f"  {line}", file=sys.stderr)
        print("run `citcall-contract generate` and commit the result", file=sys.stderr)
        return 1
    print("generated/ matches the spec")
    return 0


def _generator() -> list[str]:
    exe = shutil.which("openapi-python-client", path=_tool_path())
    if exe is None:
        raise SystemExit(
            f"openapi-python-client {GENERATOR_VERSION} is not installed; "
            "install the dev extra: pip install -e '.[dev]'"
        )
    version = subprocess.run([exe, "--version"], capture_output=True, text=True, check=True)
    if GENERATOR_VERSION not in version.stdout:
        raise SystemExit(
            f"openapi-python-client {GENERATOR_VERSION} is pinned, found: {version.stdout.strip()}"
        )
    return [exe]


def _tool_path() -> str:
    """PATH with this interpreter's scripts first, so the pinned generator and ruff are used."""
    scripts = str(Path(sys.executable).parent)
    return os.pathsep.join([scripts, os.environ.get("PATH", "")])


def generate_into(root: Path, target: Path) -> None:
    """Run the pinned generator on the source spec and place the package at `target`."""
    with tempfile.TemporaryDirectory(prefix="citcall-opc-") as tmp:
        out = Path(tmp) / PACKAGE
        command = [
            *_generator(),
            "generate",
            "--path",
            str(source_spec(root)),
            "--config",
            str(root / CONFIG),
            "--meta",
            "none",
            "--output-path",
            str(out),
            "--overwrite",
        ]
        env = {**os.environ, "PATH": _tool_path()}
        result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
        if result.returncode != 0 or "Warning" in result.stdout or "Error" in result.stdout:
            raise SystemExit(
                f"openapi-python-client failed or warned:\n{result.stdout}{result.stderr}"
            )
        if target.exists():
            shutil.rmtree(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(out, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


def compare_trees(fresh: Path, committed: Path) -> list[str]:
    """Human-readable differences between two generated trees (empty when identical)."""
    if not committed.is_dir():
        return [f"{committed} is missing"]
    problems: list[str] = []
    _compare(filecmp.dircmp(fresh, committed, ignore=["__pycache__"]), Path(), problems)
    return problems


def _compare(cmp: filecmp.dircmp[str], rel: Path, problems: list[str]) -> None:
    problems.extend(f"missing from generated/: {rel / name}" for name in cmp.left_only)
    problems.extend(f"not produced by the generator: {rel / name}" for name in cmp.right_only)
    for name in cmp.diff_files:
        fresh = (Path(cmp.left) / name).read_text(encoding="utf-8").splitlines()
        committed = (Path(cmp.right) / name).read_text(encoding="utf-8").splitlines()
        diff = difflib.unified_diff(
            committed, fresh, f"committed/{rel / name}", f"fresh/{rel / name}", n=1, lineterm=""
        )
        problems.append(f"changed: {rel / name}")
        problems.extend("    " + line for line in list(diff)[:12])
    for sub_name, sub in cmp.subdirs.items():
        _compare(sub, rel / sub_name, problems)


def render_servers_module(spec_file: Path) -> str:
    """The text of `spec/derived_servers.py`: the spec's server URLs and descriptions, in order."""
    from citcall_contract.spec import parse_yaml

    servers = parse_yaml(spec_file.read_text(encoding="utf-8"))["servers"]
    rows = "".join(f"    {json.dumps(server['url'])},\n" for server in servers)
    return (
        '"""The spec\'s `servers`, derived by `citcall-contract generate`; never edit by hand.\n\n'
        "The client needs its default address at import, before any YAML is parsed; CI's\n"
        '`citcall-contract generate --check` fails when this differs from the spec.\n"""\n\n'
        f"SERVERS: tuple[str, ...] = (\n{rows})\n"
    )
