"""`citcall-contract check-traffic`: recorded traffic held against the spec.

Exit 0 when at least one exchange was checked and every one conforms; 1 on drift, an rc
the spec does not list, or an answer that is not the gateway's; 2 when nothing was
checked (one line naming `--base-url`), the input cannot be read, or an argument is
wrong (a report path whose folder does not exist is refused before anything is read).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from citcall_contract.commands import arguments

if TYPE_CHECKING:
    from citcall_contract.contract.traffic.check import TrafficChecker

HELP = (
    "Check recorded traffic (HAR, JSON lines, record's files) against the spec; "
    "exit 1 on drift, 2 when nothing was checked."
)
PROG = "citcall-contract check-traffic"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "files", nargs="+", type=Path, metavar="FILE", help="HAR, .jsonl files or folders"
    )
    arguments.repeatable(
        parser,
        "--base-url",
        metavar="URL",
        help="a base URL the traffic went to, besides the spec's servers and the one a "
        "recording names; on its origin the spec's server paths (/v3, /gateway/v3) match "
        "too (repeatable)",
    )
    arguments.add_junit(parser)
    parser.add_argument("--json", type=Path, default=None, metavar="FILE", help="write JSON")


def _fail(message: str) -> int:
    print(f"{PROG}: {message}", file=sys.stderr)
    return 2


def _unwritable(option: str, path: Path | None) -> str | None:
    """Why a report cannot be written to `path` (checked before any work is done)."""
    if path is None:
        return None
    folder = path.parent
    if path.is_dir():
        return f"{option} {path}: is a folder"
    if not folder.is_dir():
        return f"{option} {path}: folder {folder} does not exist"
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        return f"{option} {path}: not writable"
    return None


def _nothing_checked(checker: TrafficChecker) -> str:
    skipped = checker.report.skipped
    if skipped == 0:
        return "nothing checked: the files hold no exchanges"
    hint = ""
    if checker.matcher.suggestions:
        base, count = checker.matcher.suggestions.most_common(1)[0]
        hint = f"; {count} look like Citcall calls under {base}: pass --base-url {base}"
    return (
        f"nothing checked: {skipped} exchanges skipped, none under the spec's servers, "
        f"a recording's upstream or a --base-url{hint}"
    )


def _check_path(checker: TrafficChecker, path: Path) -> None:
    """Every exchange of a file or folder; a large JSON-lines file on every core."""
    from citcall_contract.contract.traffic.files import (
        har_entries,
        is_har,
        json_lines,
        traffic_files,
    )
    from citcall_contract.contract.traffic.parallel import check_in_parallel

    for file in traffic_files(path):
        if is_har(file):
            entries = har_entries(file)
        elif check_in_parallel(checker, file):
            continue
        else:
            entries = json_lines(file)
        for entry in entries:
            checker.check(entry.data, entry.where)


def run(args: argparse.Namespace) -> int:
    from citcall_contract.contract.traffic import report as traffic_report
    from citcall_contract.contract.traffic.check import TrafficChecker
    from citcall_contract.contract.traffic.files import TrafficFileError

    for option, path in (("--json", args.json), ("--junit", args.junit)):
        problem = _unwritable(option, path)
        if problem is not None:
            return _fail(problem)
    try:
        checker = TrafficChecker(args.base_url)
    except ValueError as exc:
        return _fail(f"--base-url: {exc}")
    try:
        for path in args.files:
            if not path.exists():
                raise TrafficFileError(f"{path}: no such file")
            checker.report.files.append(str(path))
            _check_path(checker, path)
    except TrafficFileError as exc:
        return _fail(str(exc))
    report = checker.report
    if report.exchanges:
        traffic_report.write_text(report, sys.stdout)
    for option, path, write in (
        ("--json", args.json, traffic_report.write_json),
        ("--junit", args.junit, traffic_report.write_junit),
    ):
        try:
            if path is not None:
                write(report, path)
        except OSError as exc:
            return _fail(f"{option} {path}: {exc.strerror or exc}")
    if not report.exchanges:
        return _fail(_nothing_checked(checker))
    return 0 if report.ok else 1
