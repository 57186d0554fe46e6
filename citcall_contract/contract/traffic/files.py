"""Read recorded traffic one exchange at a time: HAR 1.2, JSON lines, the recorder's files.

Every exchange comes out as a HAR entry (`request`, `response`, `time`...), the shape the
recorder writes too. What a file is, is read from its first value: an object with a
`log` member (first or not, minified or pretty-printed) is a HAR document, whose
`log.entries` are read one by one (`scanner`); anything else is JSON lines. Memory is
that of one entry (a line or an entry beyond `scanner.MAX_VALUE_CHARS` is refused
without being read whole), and time is linear in the file's size.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, NamedTuple

from citcall_contract.contract.traffic import scanner as scanning
from citcall_contract.contract.traffic.scanner import ScanError, Scanner

SUFFIXES = frozenset({".har", ".jsonl", ".json", ".ndjson"})


class TrafficFileError(ValueError):
    """A traffic file that cannot be read; the message names the file and the place."""


class Entry(NamedTuple):
    """One exchange and where it came from (`file:line` or `file#entry`)."""

    where: str
    data: dict[str, Any]


def traffic_files(path: Path) -> Iterator[Path]:
    """`path` itself, or the traffic files of a folder (by suffix, in name order)."""
    if not path.is_dir():
        yield path
        return
    for child in sorted(path.iterdir()):
        if child.is_file() and child.suffix in SUFFIXES:
            yield child


def read_entries(path: Path) -> Iterator[Entry]:
    """Each exchange of a HAR file, a JSON-lines file, or a directory of either."""
    for file in traffic_files(path):
        yield from (har_entries if is_har(file) else json_lines)(file)


@contextmanager
def _reading(path: Path, start: int = 0, end: int | None = None) -> Iterator[IO[str]]:
    """`path` as UTF-8 text from byte `start` (a line start) to `end`; read errors are
    TrafficFileError naming the file."""
    try:
        raw = path.open("rb")
    except OSError as exc:
        raise TrafficFileError(f"{path}: {exc.strerror or exc}") from None
    with raw:
        try:
            raw.seek(start)
            limited = raw if end is None else io.BufferedReader(_Range(raw, end - start))
            yield io.TextIOWrapper(limited, encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise TrafficFileError(f"{path}: not UTF-8 text ({exc.reason})") from None
        except OSError as exc:
            raise TrafficFileError(f"{path}: {exc.strerror or exc}") from None


class _Range(io.RawIOBase):
    """The next `size` bytes of a binary file, as a file of their own."""

    def __init__(self, raw: IO[bytes], size: int) -> None:
        self._raw = raw
        self._left = size

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._raw.read(min(len(buffer), self._left))
        buffer[: len(data)] = data
        self._left -= len(data)
        return len(data)


def is_har(path: Path) -> bool:
    """Whether the file's first value is an object with a `log` object member (read
    member by member, so the answer costs one member, or one JSON line, at most)."""
    with _reading(path) as handle:
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


def _lines(handle: IO[str], limit: int) -> Iterator[str]:
    """The file's lines (newline kept off), read a chunk at a time; a line longer than
    `limit` raises TrafficFileError as soon as that much of it has been read."""
    rest = ""
    while True:
        chunk = handle.read(scanning.CHUNK_CHARS)
        if not chunk:
            if rest:
                yield rest
            return
        lines = (rest + chunk).split("\n")
        rest = lines.pop()
        yield from lines
        if len(rest) > limit:
            raise _LineTooLong


class _LineTooLong(Exception):
    pass


def json_lines(
    path: Path, start: int = 0, end: int | None = None, first_line: int = 1
) -> Iterator[Entry]:
    """The entries of a JSON-lines file, or of its bytes `start` (a line start, line
    number `first_line`) to `end`."""
    with _reading(path, start, end) as handle:
        yield from _json_lines(handle, str(path), first_line)


def _json_lines(handle: IO[str], name: str, first_line: int) -> Iterator[Entry]:
    limit = scanning.MAX_VALUE_CHARS  # one bound for a line and a HAR entry
    decode = json.JSONDecoder().decode
    number = first_line - 1
    try:
        for number, line in enumerate(_lines(handle, limit), start=first_line):
            if len(line) > limit:
                raise TrafficFileError(f"{name}:{number}: line longer than {limit} characters")
            if not line or line.isspace():
                continue
            try:
                data = decode(line)
            except ValueError as exc:
                raise TrafficFileError(f"{name}:{number}: not JSON ({exc})") from None
            except RecursionError:
                raise TrafficFileError(f"{name}:{number}: not JSON (nested too deeply)") from None
            if type(data) is not dict:
                raise TrafficFileError(
                    f"{name}:{number}: a line must be a JSON object (a HAR entry)"
                )
            yield Entry(f"{name}:{number}", data)
    except _LineTooLong:
        raise TrafficFileError(
            f"{name}:{number + 1}: line longer than {limit} characters"
        ) from None


def har_entries(path: Path) -> Iterator[Entry]:
    """`log.entries` of a HAR document, one by one; other members are read and dropped."""
    with _reading(path) as handle:
        yield from _har_document(Scanner(handle), str(path))


def _har_document(scanner: Scanner, name: str) -> Iterator[Entry]:
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
