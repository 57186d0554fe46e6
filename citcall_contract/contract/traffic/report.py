"""What `check-traffic` prints and writes: a text summary, a JSON document, a JUnit file.

Examples in every output were redacted when they were taken (see `redaction`); the
report adds nothing that the checker did not already clean.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any, TextIO

from citcall_contract.contract.traffic.check import OperationReport, TrafficReport


def _operation_json(report: OperationReport) -> dict[str, Any]:
    return {
        "exchanges": report.exchanges,
        "conforming": report.conforming,
        "drifting": report.drifting,
        "new_rcs": {str(rc): count for rc, count in sorted(report.new_rcs.items())},
        "drifts": [
            {
                "direction": d.direction,
                "field": d.field,
                "rule": d.rule,
                "message": d.message,
                "example": d.example,
                "count": d.count,
                "first_seen": d.where,
            }
            for d in report.drifts.values()
        ],
        "drifts_not_kept": report.drifts_dropped,
    }


def as_json(report: TrafficReport) -> dict[str, Any]:
    return {
        "ok": report.ok,
        "exchanges": report.exchanges,
        "skipped": report.skipped,
        "files": report.files,
        "operations": {
            label: _operation_json(op) for label, op in sorted(report.operations.items())
        },
    }


def write_json(report: TrafficReport, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(as_json(report), indent=2) + "\n", encoding="utf-8")


def write_text(report: TrafficReport, out: TextIO) -> None:
    width = max([len("operation"), *(len(label) for label in report.operations)])
    out.write(f"{'operation':<{width}}  exchanges  conforming  drifting  new rc\n")
    for label, op in sorted(report.operations.items()):
        new = ",".join(str(rc) for rc in sorted(op.new_rcs)) or "-"
        out.write(
            f"{label:<{width}}  {op.exchanges:>9}  {op.conforming:>10}  {op.drifting:>8}  {new}\n"
        )
    for label, op in sorted(report.operations.items()):
        for drift in op.drifts.values():
            out.write(
                f"DRIFT {label} · {drift.direction} {drift.field} ({drift.rule}), "
                f"{drift.count}x, first at {drift.where}\n"
                f"    {drift.message}\n    example: {drift.example}\n"
            )
        if op.drifts_dropped:
            out.write(f"DRIFT {label} · {op.drifts_dropped} more drifts not listed\n")
    verdict = "conforming" if report.ok else "DRIFT"
    out.write(
        f"\n{verdict}: {report.exchanges} exchanges checked, {report.skipped} skipped "
        "(not Citcall traffic)\n"
    )


def write_junit(report: TrafficReport, path: Path) -> None:
    """One test case per operation; a drifting one lists every drift in its failure."""
    failures = sum(1 for op in report.operations.values() if op.drifting or op.new_rcs)
    suite = ET.Element(
        "testsuite",
        name="citcall-contract check-traffic",
        tests=str(len(report.operations)),
        failures=str(failures),
        errors="0",
    )
    for label, op in sorted(report.operations.items()):
        case = ET.SubElement(suite, "testcase", classname="check-traffic", name=label)
        if not (op.drifting or op.new_rcs):
            continue
        lines = [
            f"{d.direction} {d.field} ({d.rule}) {d.count}x: {d.message}; example {d.example}"
            for d in op.drifts.values()
        ]
        if op.new_rcs:
            lines.append("rc not in the spec: " + ", ".join(map(str, sorted(op.new_rcs))))
        failure = ET.SubElement(
            case, "failure", message=f"{op.drifting} of {op.exchanges} exchanges drift"
        )
        failure.text = "\n".join(lines)
    path.parent.mkdir(parents=True, exist_ok=True)
    tree = ET.ElementTree(suite)
    ET.indent(tree)
    tree.write(path, encoding="utf-8", xml_declaration=True)
