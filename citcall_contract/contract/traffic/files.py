"""Read recorded traffic one exchange at a time: HAR 1.2, JSON lines, the recorder's files.

Every exchange comes out as a HAR entry (`request`, `response`, `time`...), the shape the
recorder writes too. A HAR file is one JSON document, so its `log.entries` array is read
incrementally (`json.JSONDecoder.raw_decode` over a sliding buffer): a file of 100,000
exchanges costs the memory of one entry, not of the file.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

CHUNK_CHARS = 64 * 1024
#: An entry (or a JSON line) larger than this is refused: recorded bodies are bounded.
MAX_ENTRY_CHARS = 16 * 1024 * 1024
_WHITESPACE = " \t\r\n"


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
            if child.is_file() and child.suffix in {".har", ".jsonl", ".json", ".ndjson"}:
                yield from read_entries(child)
        return
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        raise TrafficFileError(f"{path}: {exc.strerror}") from None
    with handle:
        try:
            first = _first_char(handle)
            handle.seek(0)
            if first == "{" and _looks_like_har(path):
                yield from _har_entries(handle, str(path))
            else:
                yield from _json_lines(handle, str(path))
        except UnicodeDecodeError as exc:
            raise TrafficFileError(f"{path}: not UTF-8 text ({exc.reason})") from None


def _first_char(handle: IO[str]) -> str:
    while True:
        char = handle.read(1)
        if char == "" or char not in _WHITESPACE:
            return char


def _looks_like_har(path: Path) -> bool:
    """A HAR document opens with `{"log"`; a JSON-lines file opens with an entry."""
    with path.open(encoding="utf-8") as handle:
        head = handle.read(4096).lstrip(_WHITESPACE)
    return head.startswith("{") and head[1:].lstrip(_WHITESPACE).startswith('"log"')


def _json_lines(handle: IO[str], name: str) -> Iterator[Entry]:
    for number, line in enumerate(handle, start=1):
        if not line.strip():
            continue
        where = f"{name}:{number}"
        if len(line) > MAX_ENTRY_CHARS:
            raise TrafficFileError(f"{where}: line longer than {MAX_ENTRY_CHARS} characters")
        try:
            data = json.loads(line)
        except ValueError as exc:
            raise TrafficFileError(f"{where}: not JSON ({exc})") from None
        if not isinstance(data, dict):
            raise TrafficFileError(f"{where}: a line must be a JSON object (a HAR entry)")
        yield Entry(where, data)


class _Reader:
    """A sliding window over a text file for `raw_decode` and single-character steps."""

    def __init__(self, handle: IO[str], name: str) -> None:
        self.handle = handle
        self.name = name
        self.buffer = ""
        self.pos = 0
        self.eof = False

    def _fill(self) -> bool:
        if self.eof:
            return False
        chunk = self.handle.read(CHUNK_CHARS)
        if not chunk:
            self.eof = True
            return False
        self.buffer = self.buffer[self.pos :] + chunk
        self.pos = 0
        return True

    def peek(self) -> str:
        """The next non-blank character (not consumed), or "" at the end."""
        while True:
            while self.pos < len(self.buffer) and self.buffer[self.pos] in _WHITESPACE:
                self.pos += 1
            if self.pos < len(self.buffer):
                return self.buffer[self.pos]
            if not self._fill():
                return ""

    def expect(self, char: str) -> None:
        found = self.peek()
        if found != char:
            shown = repr(found) if found else "the end of the file"
            raise TrafficFileError(f"{self.name}: not a HAR file (expected {char!r}, {shown})")
        self.pos += 1

    def value(self) -> Any:
        """Decode the next JSON value, reading more of the file as long as it is cut off."""
        decoder = json.JSONDecoder()
        self.peek()
        while True:
            try:
                value, end = decoder.raw_decode(self.buffer, self.pos)
            except ValueError as exc:
                if len(self.buffer) - self.pos > MAX_ENTRY_CHARS:
                    raise TrafficFileError(
                        f"{self.name}: an entry larger than {MAX_ENTRY_CHARS} characters"
                    ) from None
                if not self._fill():
                    raise TrafficFileError(f"{self.name}: invalid JSON ({exc})") from None
                continue
            if end == len(self.buffer) and not self.eof and isinstance(value, int | float):
                self._fill()  # a number at the window's edge may go on
                continue
            if end - self.pos > MAX_ENTRY_CHARS:
                raise TrafficFileError(
                    f"{self.name}: an entry larger than {MAX_ENTRY_CHARS} characters"
                )
            self.pos = end
            return value


def _har_entries(handle: IO[str], name: str) -> Iterator[Entry]:
    """`log.entries` of a HAR document, one by one; other members are read and dropped."""
    reader = _Reader(handle, name)
    reader.expect("{")
    found = False
    for key in _members(reader):
        if key != "log":
            reader.value()
            continue
        reader.expect("{")
        for log_key in _members(reader):
            if log_key != "entries":
                reader.value()
                continue
            found = True
            reader.expect("[")
            index = 0
            if reader.peek() == "]":
                reader.pos += 1
            else:
                while True:
                    data = reader.value()
                    if not isinstance(data, dict):
                        raise TrafficFileError(f"{name}#{index}: an entry must be an object")
                    yield Entry(f"{name}#{index}", data)
                    index += 1
                    if reader.peek() == ",":
                        reader.pos += 1
                        continue
                    reader.expect("]")
                    break
    if not found:
        raise TrafficFileError(f"{name}: a HAR file needs log.entries")


def _members(reader: _Reader) -> Iterator[str]:
    """Keys of the object whose `{` was just read; the caller consumes each value."""
    if reader.peek() == "}":
        reader.pos += 1
        return
    while True:
        key = reader.value()
        if not isinstance(key, str):
            raise TrafficFileError(f"{reader.name}: not a HAR file (object key expected)")
        reader.expect(":")
        yield key
        if reader.peek() == ",":
            reader.pos += 1
            continue
        reader.expect("}")
        return
