"""What `verify` prints and writes: progress lines, the summary table, a JUnit file.

Every text that leaves here goes through `redact.hide`, so credentials never reach a terminal
or a CI artefact even when a server echoes them back.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from citcall_contract.contract.verify.results import Progress, RunResult
from citcall_contract.core.redact import hide

PASS, FAIL, NOT_RUN = "ok", "FAIL", "-"


class ProgressPrinter:
    """One line per finished scenario; the stateful phase is summed into one line."""

    def __init__(self, out: TextIO) -> None:
        self._out = out
        self._stateful_cases = 0
        self._stateful_failed = False

    def __call__(self, progress: Progress) -> None:
        if progress.phase == "stateful":
            self._stateful_cases += progress.cases
            self._stateful_failed |= progress.failed
            return
        status = FAIL if progress.failed else PASS
        self._out.write(
            f"  {progress.phase:<9} {progress.label:<18} {progress.cases:>5} cases  {status}\n"
        )
        self._out.flush()

    def finish(self) -> None:
        if self._stateful_cases:
            status = FAIL if self._stateful_failed else PASS
            self._out.write(
                f"  {'stateful':<9} {'links':<18} {self._stateful_cases:>5} cases  {status}\n"
            )


def summary_table(result: RunResult) -> str:
    """Operations down, checks across: `ok`/`FAIL` per cell, cases per operation."""
    checks = result.checks()
    operations = result.operations()
    width = max([len("operation"), *(len(op) for op in operations)])
    lines = [f"{'check':<30}" + "".join(f" {op:>{width}}" for op in operations)]
    lines.append(f"{'cases':<30}" + "".join(f" {result.cases[op]:>{width}}" for op in operations))
    for check in checks:
        cells = []
        for op in operations:
            key = (op, check)
            cell = FAIL if result.failed[key] else PASS if result.passed[key] else NOT_RUN
            cells.append(f" {cell:>{width}}")
        lines.append(f"{check:<30}" + "".join(cells))
    return "\n".join(lines)


def write_summary(result: RunResult, out: TextIO, secrets: Iterable[str | None]) -> None:
    secrets = list(secrets)
    out.write("\n" + summary_table(result) + "\n\n")
    for failure in result.failures:
        message = hide(failure.message, secrets).strip().replace("\n", "\n    ")
        out.write(f"FAIL {failure.operation} · {failure.check}\n    {message}\n")
    for error, count in Counter(result.errors).items():
        times = f" ({count} times)" if count > 1 else ""
        out.write(f"ERROR {hide(error, secrets)}{times}\n")
    for label, new in sorted(result.new_codes.items()):
        out.write(f"NEW rc not in the spec from {label}: {', '.join(map(str, sorted(new)))}\n")
    out.write(f"callbacks caught by the loopback receiver: {result.callbacks_caught}\n")
    total = sum(result.cases.values())
    verdict = "passed" if result.ok else "FAILED"
    per_op = min(result.cases.values(), default=0)
    out.write(
        f"\n{verdict}: {total} cases ({per_op}+ per operation), "
        f"{len(result.failures)} failing checks, {len(result.errors)} errors, "
        f"{result.elapsed:.1f} s\n"
    )


def write_junit(result: RunResult, path: Path, secrets: Iterable[str | None]) -> None:
    """One test case per (operation, check); a failing one carries the first failure's text."""
    secrets = list(secrets)
    failures = {(f.operation, f.check): f.message for f in result.failures}
    suite = ET.Element(
        "testsuite",
        name="citcall-contract verify",
        tests=str(len(set(result.passed) | set(result.failed)) + len(result.errors)),
        failures=str(len(failures)),
        errors=str(len(result.errors)),
        time=f"{result.elapsed:.3f}",
    )
    for operation, check in sorted(set(result.passed) | set(result.failed)):
        case = ET.SubElement(suite, "testcase", classname=operation, name=check)
        if (operation, check) in failures:
            text = hide(failures[operation, check], secrets)
            failure = ET.SubElement(
                case, "failure", message=text.splitlines()[0] if text else check
            )
            failure.text = text
    for index, error in enumerate(result.errors):
        case = ET.SubElement(suite, "testcase", classname="engine", name=f"error-{index}")
        text = hide(error, secrets)
        ET.SubElement(
            case, "error", message=text.splitlines()[0][:200] if text else "error"
        ).text = text
    path.parent.mkdir(parents=True, exist_ok=True)
    tree = ET.ElementTree(suite)
    ET.indent(tree)
    tree.write(path, encoding="utf-8", xml_declaration=True)
