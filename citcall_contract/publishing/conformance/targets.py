"""How each language's conformance program is built and run on a generated SDK.

A target prepares the program next to the SDK (compiled languages need it in the SDK's
tree), builds it, and runs it with the plan file and a report file as arguments. A
missing tool is a `ToolMissing` with one line saying what to install.
"""

from __future__ import annotations

import importlib.resources
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

#: Seconds one build or run may take before it counts as failed.
STEP_TIMEOUT = 300
#: How every TypeScript build of the kit compiles (this conformance program; the tests that
#: build the SDK and the docs' samples): ES2020 on Node 18+, whose `fetch` DOM's types describe.
TS_COMPILER_OPTIONS: Mapping[str, object] = {
    "target": "ES2020",
    "module": "commonjs",
    "moduleResolution": "node",
    "lib": ("ES2020", "DOM"),
    "strict": True,
    "skipLibCheck": True,
}


class ToolMissing(RuntimeError):
    """A compiler or runtime a target needs is not installed."""


class BuildFailed(RuntimeError):
    """The SDK or its program did not build (the message ends with the tool's output)."""


@dataclass(frozen=True)
class Target:
    """A generator with a conformance program: prepare/build returns the command to run."""

    generator: str
    language: str
    prepare: Callable[[Path, Path], list[str]]  # (sdk dir, work dir) -> run command


def program_dir(generator: str) -> Path:
    """Where the package keeps `generator`'s program."""
    root = importlib.resources.files("citcall_contract.publishing.conformance") / "programs"
    return Path(str(root / generator))


def _which(binary: str, hint: str) -> str:
    found = shutil.which(binary)
    if found is None:
        raise ToolMissing(f"{binary} is not installed ({hint})")
    return found


def _run(command: list[str], cwd: Path, env: Mapping[str, str] | None = None) -> str:
    try:
        result = subprocess.run(
            command,
            cwd=cwd,
            env={**os.environ, **(env or {})},
            capture_output=True,
            text=True,
            timeout=STEP_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise BuildFailed(f"{Path(command[0]).name} took over {STEP_TIMEOUT} s") from None
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip()
        raise BuildFailed(f"{' '.join(command[:3])} failed:\n{output[-3000:]}")
    return result.stdout


# --- TypeScript (typescript-fetch on Node's built-in fetch) ------------------------------------


def _tsc() -> str:
    """The checkout's pinned `tsc` (npm `typescript`), else one on PATH."""
    from citcall_contract.core.checkout import SourceTreeNotFound
    from citcall_contract.publishing.npm_tools import NpmToolMissing, tool

    try:
        return str(tool("tsc"))
    except (NpmToolMissing, SourceTreeNotFound, OSError, subprocess.CalledProcessError) as exc:
        found = shutil.which("tsc")
        if found is None:
            raise ToolMissing(f"the TypeScript compiler is not available: {exc}") from None
        return found


def _typescript(sdk: Path, work: Path) -> list[str]:
    node = _which("node", "Node.js 18+ runs the typescript-fetch SDK on its built-in fetch")
    tsc = _tsc()
    folder = sdk / "conformance"
    folder.mkdir(exist_ok=True)
    shutil.copy(program_dir("typescript-fetch") / "conformance.ts", folder / "conformance.ts")
    config = {
        "compilerOptions": {
            **TS_COMPILER_OPTIONS,
            "rootDir": "..",
            "outDir": "build",
        },
        "include": ["../src/**/*.ts", "conformance.ts"],
    }
    (folder / "tsconfig.json").write_text(json.dumps(config, indent=2), encoding="utf-8")
    _run([tsc, "-p", str(folder)], sdk)
    return [node, str(folder / "build" / "conformance" / "conformance.js")]


# --- Go (standard library only) ------------------------------------------------------------------


def go_env(work: Path) -> dict[str, str]:
    """No module proxy, checksum database or toolchain download.

    Go's own build cache is kept (a warm one saves half a minute of compiling net/http);
    only without a home directory does the cache go to `work`.
    """
    env = {
        "GOFLAGS": "-mod=mod",
        "GOPROXY": "off",
        "GOSUMDB": "off",
        "GOTOOLCHAIN": "local",
        "CGO_ENABLED": "0",
    }
    if not os.environ.get("HOME"):
        for name, folder in (("GOCACHE", "gocache"), ("GOPATH", "gopath")):
            if not os.environ.get(name):
                env[name] = str(work / folder)
    return env


def declare_local_go(sdk: Path, go: str, env: Mapping[str, str]) -> None:
    """go.mod names the Go release the generator targets; declare the local one instead."""
    local = _run([go, "env", "GOVERSION"], sdk, env).strip().removeprefix("go")
    release = ".".join(local.split(".")[:2])
    go_mod = sdk / "go.mod"
    text = go_mod.read_text(encoding="utf-8")
    go_mod.write_text(re.sub(r"(?m)^go \S+$", f"go {release}", text), encoding="utf-8")


def _go(sdk: Path, work: Path) -> list[str]:
    go = _which("go", "Debian package golang-go")
    env = go_env(work)
    declare_local_go(sdk, go, env)
    module = _run([go, "list", "-m"], sdk, env).strip()
    folder = sdk / "cmd" / "citcall-conformance"
    folder.mkdir(parents=True, exist_ok=True)
    source = (program_dir("go") / "main.go").read_text(encoding="utf-8")
    (folder / "main.go").write_text(source.replace("CITCALL_SDK_MODULE", module), "utf-8")
    binary = work / "citcall-conformance"
    _run([go, "build", "-o", str(binary), "./cmd/citcall-conformance"], sdk, env)
    return [str(binary)]


# --- PHP (Debian's php-cli, Guzzle from /usr/share/php, no Composer) ----------------------------


def _php(sdk: Path, work: Path) -> list[str]:
    php = _which("php", "Debian package php-cli")
    probe = "exit(stream_resolve_include_path('GuzzleHttp/autoload.php') === false ? 1 : 0);"
    try:
        _run([php, "-r", probe], work)
    except BuildFailed:
        raise ToolMissing(
            "Guzzle is not on PHP's include path "
            "(Debian packages php-guzzlehttp-guzzle and php-guzzlehttp-psr7)"
        ) from None
    if not (sdk / "autoload.php").is_file():
        raise BuildFailed(f"{sdk} has no autoload.php (generate it with citcall-contract sdk php)")
    _run([php, "-l", str(program_dir("php") / "conformance.php")], work)
    return [php, str(program_dir("php") / "conformance.php"), str(sdk / "autoload.php")]


# --- Python ----------------------------------------------------------------------------------


def _python(sdk: Path, work: Path) -> list[str]:
    packages = [p.parent.name for p in sdk.glob("*/api_client.py")]
    if len(packages) != 1:
        raise BuildFailed(f"{sdk} holds no single generated Python package")
    try:
        _run([sys.executable, "-c", f"import {packages[0]}"], sdk, {"PYTHONPATH": str(sdk)})
    except BuildFailed as exc:
        lacking = re.search(r"No module named '([^']+)'", str(exc))
        if lacking is None:
            raise
        raise ToolMissing(
            f"the python SDK needs {lacking.group(1)!r}: pip install 'citcall-contract[sdk]'"
        ) from None
    program = program_dir("python") / "conformance.py"
    return [sys.executable, str(program), str(sdk), packages[0]]


TARGETS: Mapping[str, Target] = {
    "typescript-fetch": Target("typescript-fetch", "TypeScript", _typescript),
    "go": Target("go", "Go", _go),
    "php": Target("php", "PHP", _php),
    "python": Target("python", "Python", _python),
}


def run_program(command: list[str], plan_file: Path, report_file: Path, work: Path) -> str:
    """Run a built program; returns its output (the report is in `report_file`)."""
    return _run([*command, str(plan_file), str(report_file)], work)
