"""Run the conformance programs of generated SDKs against one embedded sandbox.

`check_sdks` builds and runs each SDK's program (two at a time) against a gateway it is
given (the `sdk --check` command starts the embedded sandbox for it, on a free loopback
port), and judges the reports; `format_matrix` prints check x language.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from citcall_contract.publishing.conformance.plan import Outcome, build_plan, judge
from citcall_contract.publishing.conformance.targets import (
    TARGETS,
    BuildFailed,
    ToolMissing,
    run_program,
)

#: The Basic-auth user ID the sandbox is started with.
SANDBOX_USERID = "citcall-sdk"


@dataclass(frozen=True)
class Gateway:
    """Where the conformance programs send, and with which credentials."""

    base_url: str
    api_key: str = field(repr=False)
    userid: str = SANDBOX_USERID


@dataclass
class LanguageResult:
    """What one SDK did: a build or run error, or an outcome per check."""

    generator: str
    error: str | None = None
    missing_tool: bool = False
    outcomes: dict[str, Outcome] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.error is None and all(o.ok for o in self.outcomes.values())


class NoConformanceProgram(ValueError):
    """The generator has no conformance program."""


def check_target(generator: str) -> None:
    if generator not in TARGETS:
        known = ", ".join(TARGETS)
        raise NoConformanceProgram(f"no conformance program for {generator!r} (there is: {known})")


def _check_one(generator: str, sdk: Path, plan: Mapping[str, Any], work: Path) -> LanguageResult:
    result = LanguageResult(generator)
    work.mkdir(parents=True, exist_ok=True)
    plan_file = work / "plan.json"
    plan_file.write_text(json.dumps(plan), encoding="utf-8")
    plan_file.chmod(0o600)
    report_file = work / "report.json"
    try:
        command = TARGETS[generator].prepare(sdk.resolve(), work)
        run_program(command, plan_file, report_file, work)
    except (ToolMissing, BuildFailed) as exc:
        result.error = str(exc)
        result.missing_tool = isinstance(exc, ToolMissing)
    report = None
    if report_file.is_file():
        report = json.loads(report_file.read_text(encoding="utf-8"))
    result.outcomes = judge(plan, report)
    return result


def check_sdks(sdks: Mapping[str, Path], gateway: Gateway) -> dict[str, LanguageResult]:
    """generator -> result, for SDKs already generated into the given directories."""
    for generator in sdks:
        check_target(generator)
    with tempfile.TemporaryDirectory(prefix="citcall-conformance-") as tmp:
        plan = build_plan(gateway.base_url, gateway.api_key, gateway.userid)
        with ThreadPoolExecutor(max_workers=2) as pool:
            futures = {
                generator: pool.submit(_check_one, generator, sdk, plan, Path(tmp) / generator)
                for generator, sdk in sdks.items()
            }
            return {generator: future.result() for generator, future in futures.items()}


def format_matrix(results: Mapping[str, LanguageResult]) -> str:
    """Checks down, languages across, `ok`/`FAIL`; then each failure's reason, one line each."""
    if not results:
        return ""
    first = next(iter(results.values()))
    rows = list(first.outcomes)
    columns = [TARGETS[g].language for g in results]
    width = max(len(row) for row in rows)
    lines = [" " * width + "  " + "  ".join(f"{c:>10}" for c in columns)]
    for row in rows:
        cells = []
        for result in results.values():
            outcome = result.outcomes.get(row)
            cells.append("ok" if outcome is not None and outcome.ok else "FAIL")
        lines.append(f"{row:<{width}}  " + "  ".join(f"{c:>10}" for c in cells))
    for generator, result in results.items():
        language = TARGETS[generator].language
        if result.error:
            lines.append(f"{language}: {result.error.splitlines()[0]}")
            lines.extend(f"    {line}" for line in result.error.splitlines()[1:][-15:])
        for row, outcome in result.outcomes.items():
            if not outcome.ok and not result.error:
                lines.append(f"{language} / {row}: {outcome.detail}")
    return "\n".join(lines)


def failed_generators(results: Mapping[str, LanguageResult]) -> Sequence[str]:
    return [generator for generator, result in results.items() if not result.ok]
