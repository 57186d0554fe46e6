"""What `check-traffic` prints and writes: a text summary, a JSON document, a JUnit file.

Examples in every output were redacted when they were taken (see `redaction`); the
report adds nothing that the checker did not already clean. Writers open the path
they are given and nothing else: a missing folder is an error, not created.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any, TextIO

from citcall_contract.contract.traffic.tally import Drift, OperationReport, TrafficReport


def verdict(report: TrafficReport) -> str:
    """One word for the run: conforming, DRIFT, NOT-GATEWAY (answers not judged) or
    NOTHING-CHECKED."""
    if report.exchanges == 0:
        return "NOTHING-CHECKED"
    if report.ok:
        return "conforming"
    drift = any(op.drifting or op.new_rcs for op in report.operations.values())
    return "DRIFT" if drift else "NOT-GATEWAY"


def _drift_json(drift: Drift) -> dict[str, Any]:
    return {
        "direction": drift.direction,
        "field": drift.field,
        "rule": drift.rule,
        "message": drift.message,
        "example": drift.example,
        "count": drift.count,
        "first_seen": drift.where,
    }


def _operation_json(report: OperationReport) -> dict[str, Any]:
    return {
        "exchanges": report.exchanges,
        "conforming": report.conforming,
        "drifting": report.drifting,
        "not_gateway_answers": report.not_gateway,
        "new_rcs": {str(rc): count for rc, count in sorted(report.new_rcs.items())},
        "drifts": [_drift_json(d) for d in report.drifts.values()],
        "drifts_not_kept": report.drifts_dropped,
        "not_gateway_reasons": [
            {"reason": d.message, "example": d.example, "count": d.count, "first_seen": d.where}
            for d in report.not_gateway_reasons.values()
        ],
    }


def as_json(report: TrafficReport) -> dict[str, Any]:
    return {
        "ok": report.ok,
        "verdict": verdict(report),
        "exchanges": report.exchanges,
        "not_gateway_answers": report.not_gateway,
        "skipped": report.skipped,
        "files": report.files,
        "operations": {
            label: _operation_json(op) for label, op in sorted(report.operations.items())
        },
    }


def write_json(report: TrafficReport, path: Path) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write(json.dumps(as_json(report), indent=2) + "\n")


def write_text(report: TrafficReport, out: TextIO) -> None:
    width = max([len("operation"), *(len(label) for label in report.operations)])
    out.write(f"{'operation':<{width}}  exchanges  conforming  drifting  not gateway  new rc\n")
    for label, op in sorted(report.operations.items()):
        new = ",".join(str(rc) for rc in sorted(op.new_rcs)) or "-"
        out.write(
            f"{label:<{width}}  {op.exchanges:>9}  {op.conforming:>10}  {op.drifting:>8}  "
            f"{op.not_gateway:>11}  {new}\n"
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
        for foreign in op.not_gateway_reasons.values():
            out.write(
                f"NOT A GATEWAY ANSWER {label} · {foreign.message}, {foreign.count}x, "
                f"first at {foreign.where}\n"
            )
    not_gateway = f", {report.not_gateway} not gateway answers" if report.not_gateway else ""
    out.write(
        f"\n{verdict(report)}: {report.exchanges} exchanges checked{not_gateway}, "
        f"{report.skipped} skipped (not Citcall traffic)\n"
    )


def write_junit(report: TrafficReport, path: Path) -> None:
    """One test case per operation; a drifting one lists every drift in its failure. A run
    that checked nothing is one test case with an error, so no CI reads it as a pass."""
    failures = sum(1 for op in report.operations.values() if not op.ok)
    nothing = report.exchanges == 0
    suite = ET.Element(
        "testsuite",
        name="citcall-contract check-traffic",
        tests=str(len(report.operations) or 1),
        failures=str(failures),
        errors=str(int(nothing)),
    )
    if nothing:
        case = ET.SubElement(suite, "testcase", classname="check-traffic", name="traffic")
        error = ET.SubElement(case, "error", message="no exchange was checked")
        error.text = f"{report.skipped} exchanges skipped (not under a known base URL)"
    for label, op in sorted(report.operations.items()):
        case = ET.SubElement(suite, "testcase", classname="check-traffic", name=label)
        if op.ok:
            continue
        lines = [
            f"{d.direction} {d.field} ({d.rule}) {d.count}x: {d.message}; example {d.example}"
            for d in op.drifts.values()
        ]
        lines += [
            f"not a gateway answer {d.count}x: {d.message}" for d in op.not_gateway_reasons.values()
        ]
        if op.new_rcs:
            lines.append("rc not in the spec: " + ", ".join(map(str, sorted(op.new_rcs))))
        failed = op.drifting + op.not_gateway
        failure = ET.SubElement(
            case, "failure", message=f"{failed} of {op.exchanges} exchanges do not conform"
        )
        failure.text = "\n".join(lines)
    tree = ET.ElementTree(suite)
    ET.indent(tree)
    with path.open("wb") as out:
        tree.write(out, encoding="utf-8", xml_declaration=True)
