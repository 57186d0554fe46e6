"""`citcall-contract check-traffic`: recorded traffic held against the spec."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HELP = "Check recorded traffic (HAR, JSON lines, record's files) against the spec; exit 1 on drift."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "files", nargs="+", type=Path, metavar="FILE", help="HAR, .jsonl files or folders"
    )
    parser.add_argument(
        "--base-url",
        action="append",
        default=[],
        metavar="URL",
        help="a base URL the traffic went to, besides the spec's servers (repeatable)",
    )
    parser.add_argument("--junit", type=Path, default=None, metavar="FILE", help="write JUnit XML")
    parser.add_argument("--json", type=Path, default=None, metavar="FILE", help="write JSON")


def run(args: argparse.Namespace) -> int:
    from citcall_contract.contract.traffic import report as traffic_report
    from citcall_contract.contract.traffic.check import TrafficChecker
    from citcall_contract.contract.traffic.files import TrafficFileError, read_entries

    try:
        checker = TrafficChecker(args.base_url)
    except ValueError as exc:
        print(f"citcall-contract check-traffic: --base-url: {exc}", file=sys.stderr)
        return 2
    try:
        for path in args.files:
            if not path.exists():
                raise TrafficFileError(f"{path}: no such file")
            checker.report.files.append(str(path))
            for entry in read_entries(path):
                checker.check(entry.data, entry.where)
    except TrafficFileError as exc:
        print(f"citcall-contract check-traffic: {exc}", file=sys.stderr)
        return 2
    report = checker.report
    traffic_report.write_text(report, sys.stdout)
    if args.json is not None:
        traffic_report.write_json(report, args.json)
    if args.junit is not None:
        traffic_report.write_junit(report, args.junit)
    return 0 if report.ok else 1
