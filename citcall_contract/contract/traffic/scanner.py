"""A JSON document read value by value from a text stream, in time linear in its size.

`check-traffic` reads a HAR file's `log.entries` one entry at a time, so the memory of
a file of any length is that of its largest entry. A value is parsed with `raw_decode`
over what is buffered (one C call, the common case); a value cut off by the end of the
buffer is parsed again once the buffer has grown to twice its size. Growing
geometrically keeps the work linear (at most about twice `json.load` of the value),
where re-parsing after every fixed-size read was quadratic.
"""

from __future__ import annotations

import json
from typing import IO, Any

#: Characters read at a time (a value larger than the buffer grows it geometrically).
CHUNK_CHARS = 1024 * 1024
#: A value larger than this is refused: recorded bodies are bounded.
MAX_VALUE_CHARS = 16 * 1024 * 1024
_WHITESPACE = " \t\r\n"


class ScanError(ValueError):
    """The document is not JSON, or a value breaks a bound; the message says which."""


class Scanner:
    """Values, keys and punctuation of a JSON text, read from `handle` chunk by chunk."""

    def __init__(self, handle: IO[str]) -> None:
        self.handle = handle
        self.buffer = ""
        self.pos = 0
        self.eof = False
        self._decoder = json.JSONDecoder()

    def _fill(self, size: int = CHUNK_CHARS) -> bool:
        """Append at least `size` more characters (fewer at the end); False at the end."""
        if self.eof:
            return False
        chunk = self.handle.read(max(size, CHUNK_CHARS))
        if not chunk:
            self.eof = True
            return False
        self.buffer = self.buffer[self.pos :] + chunk
        self.pos = 0
        return True

    def peek(self) -> str:
        """The next non-blank character (not consumed), or "" at the end."""
        while True:
            buffer, pos = self.buffer, self.pos
            while pos < len(buffer) and buffer[pos] in _WHITESPACE:
                pos += 1
            self.pos = pos
            if pos < len(buffer):
                return buffer[pos]
            if not self._fill():
                return ""

    def take(self, char: str) -> bool:
        """Consume `char` if it comes next."""
        if self.peek() == char:
            self.pos += 1
            return True
        return False

    def value(self) -> Any:
        """The next JSON value, parsed."""
        if self.peek() == "":
            raise ScanError("invalid JSON: a value expected, found the end of the file")
        while True:
            try:
                value, end = self._decoder.raw_decode(self.buffer, self.pos)
            except RecursionError:
                raise ScanError("nested too deeply") from None
            except ValueError as exc:
                if self.eof:
                    raise ScanError(f"invalid JSON ({exc})") from None
                self._grow(exc)
                continue
            if end == len(self.buffer) and not self.eof:  # a number may go on past the end
                self._grow(None)
                continue
            if end - self.pos > MAX_VALUE_CHARS:
                raise ScanError(f"a value larger than {MAX_VALUE_CHARS} characters")
            self.pos = end
            return value

    def _grow(self, problem: ValueError | None) -> None:
        """Twice as much buffered after the value being read (which starts at `pos`)."""
        held = len(self.buffer) - self.pos
        if held > MAX_VALUE_CHARS:
            why = f" ({problem})" if problem is not None else ""
            raise ScanError(f"invalid JSON, or a value larger than {MAX_VALUE_CHARS} chars{why}")
        self._fill(held)

    def expect(self, char: str, what: str) -> None:
        found = self.peek()
        if found != char:
            shown = repr(found) if found else "the end of the file"
            raise ScanError(f"not {what} (expected {char!r}, found {shown})")
        self.pos += 1

    def members(self, what: str) -> Any:
        """Keys of the object that starts here; the caller consumes each value."""
        self.expect("{", what)
        if self.take("}"):
            return
        while True:
            if self.peek() != '"':
                raise ScanError(f"not {what} (object key expected)")
            key = self.value()
            self.expect(":", what)
            yield key
            if self.take(","):
                continue
            self.expect("}", what)
            return
