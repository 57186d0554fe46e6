"""Read recorded traffic one exchange at a time: HAR 1.2, JSON lines, the recorder's files.

Every exchange comes out as a HAR entry (`request`, `response`, `time`...), the shape the
recorder writes too. What a file is, is read from its first value: an object with a
`log` member (first or not, minified or pretty-printed) is a HAR document, whose
`log.entries` are read one by one (`scanner`); anything else is JSON lines. Memory is
that of one entry (a line or an entry beyond `scanner.MAX_VALUE_CHARS` is refused without being
read whole), and time is linear in the file's size.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from citcall_contract.contract.traffic import scanner as scanning
from citcall_contract.contract.traffic.scanner import ScanError, Scanner

SUFFIXES = frozenset({".har", ".jsonl", ".json", ".ndjson"})


class TrafficFileError(ValueError):
    """A traffic file that cannot be read; the message names the file and the place."""


@dataclass(frozen=True)
class Entry:
    """One exchange and where it came from (`file:line` or `file#entry`)."""

    where: str
    data: dict[str, Any]


def read_entries(path: Path) -> Iterator[Entry]:
    """Each exchange of a HAR file, a JSON-lines file, or a directory of either."""
    if path.is_dir():
        for child in sorted(path.iterdir()):
            if child.is_file() and child.suffix in SUFFIXES:
                yield from read_entries(child)
        return
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        raise TrafficFileError(f"{path}: {exc.strerror or exc}") from None
    with handle:
        try:
            if _is_har(handle, str(path)):
                handle.seek(0)
                yield from _har_entries(handle, str(path))
            else:
                handle.seek(0)
                yield from _json_lines(handle, str(path))
        except UnicodeDecodeError as exc:
            raise TrafficFileError(f"{path}: not UTF-8 text ({exc.reason})") from None
        except OSError as exc:
            raise TrafficFileError(f"{path}: {exc.strerror or exc}") from None


def _is_har(handle: IO[str], name: str) -> bool:
    """Whether the file's first value is an object with a `log` object member (read
    member by member, so the answer costs one member, or one JSON line, at most)."""
    scanner = Scanner(handle)
    if scanner.peek() != "{":
        return False
    try:
        for key in scanner.members("an object"):
            if key == "log" and scanner.peek() == "{":
                return True
            scanner.value()
    except ScanError:
        return False  # the JSON-lines reader names the line
    return False


def _json_lines(handle: IO[str], name: str) -> Iterator[Entry]:
    number = 0
    while True:
        limit = scanning.MAX_VALUE_CHARS  # one bound for a line and a HAR entry
        line = handle.readline(limit + 1)
        if not line:
            return
        number += 1
        where = f"{name}:{number}"
        if len(line) > limit:
            raise TrafficFileError(f"{where}: line longer than {limit} characters")
        if line.isspace():
            continue
        try:
            data = json.loads(line)
        except ValueError as exc:
            raise TrafficFileError(f"{where}: not JSON ({exc})") from None
        except RecursionError:
            raise TrafficFileError(f"{where}: not JSON (nested too deeply)") from None
        if not isinstance(data, dict):
            raise TrafficFileError(f"{where}: a line must be a JSON object (a HAR entry)")
        yield Entry(where, data)


def _har_entries(handle: IO[str], name: str) -> Iterator[Entry]:
    """`log.entries` of a HAR document, one by one; other members are read and dropped."""
    scanner = Scanner(handle)
    found = False
    try:
        for key in scanner.members("a HAR file"):
            if key != "log":
                scanner.value()
                continue
            for log_key in scanner.members("a HAR file's log"):
                if log_key != "entries":
                    scanner.value()
                    continue
                found = True
                yield from _entries(scanner, name)
    except ScanError as exc:
        raise TrafficFileError(f"{name}: {exc}") from None
    if not found:
        raise TrafficFileError(f"{name}: a HAR file needs log.entries")


def _entries(scanner: Scanner, name: str) -> Iterator[Entry]:
    scanner.expect("[", "a HAR file's log.entries")
    if scanner.take("]"):
        return
    index = 0
    while True:
        data = scanner.value()
        if not isinstance(data, dict):
            raise TrafficFileError(f"{name}#{index}: an entry must be an object")
        yield Entry(f"{name}#{index}", data)
        index += 1
        if scanner.take(","):
            continue
        scanner.expect("]", "a HAR file's log.entries")
        return
