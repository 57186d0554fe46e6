"""A JSON document read value by value from a text stream, in time linear in its size.

`check-traffic` reads a HAR file's `log.entries` one entry at a time, so the memory of
a file of any length is that of its largest entry. A value is first tried with
`raw_decode` on what is buffered (one C call, the common case); a value cut off by the
end of the buffer is then scanned to its end (strings and brackets, by regular
expressions that run in C) while the buffer grows geometrically, and parsed once.
Nothing is parsed twice more than once, and the scan never restarts: a 15 MB entry
costs about what `json.load` of it costs.
"""

from __future__ import annotations

import json
import re
from typing import IO, Any

#: Characters read at a time (a value larger than the buffer grows it geometrically).
CHUNK_CHARS = 1024 * 1024
#: A value larger than this is refused: recorded bodies are bounded.
MAX_VALUE_CHARS = 16 * 1024 * 1024
#: Brackets deeper than this are refused (HAR entries are a few levels deep).
MAX_DEPTH = 200
_WHITESPACE = " \t\r\n"
_STRUCTURE = re.compile(r'["\[\]{}]')
#: The rest of a string after its opening quote, up to a closing quote, the buffer's end,
#: or a backslash at the buffer's end (its escaped character is still to come).
_STRING_REST = re.compile(r'[^"\\]*(?:\\.[^"\\]*)*', re.DOTALL)
_SCALAR = re.compile(r"[^\s,\]}:]*")


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
        start = self.pos
        if len(self.buffer) - start > 4096 or self.eof:
            try:
                value, end = self._decoder.raw_decode(self.buffer, start)
            except (ValueError, RecursionError):
                pass
            else:
                if end < len(self.buffer) or self.eof:  # a number could go on past the end
                    return self._taken(value, end)
        end = self._scan_end()
        try:
            value = json.loads(self.buffer[self.pos : end])
        except RecursionError:
            raise ScanError("nested too deeply") from None
        except ValueError as exc:
            raise ScanError(f"invalid JSON ({exc})") from None
        return self._taken(value, end)

    def _taken(self, value: Any, end: int) -> Any:
        if end - self.pos > MAX_VALUE_CHARS:
            raise ScanError(f"a value larger than {MAX_VALUE_CHARS} characters")
        self.pos = end
        return value

    def _grow(self, scanned: int) -> bool:
        """More text after the value being read (which starts at `pos`); False at the end."""
        if scanned > MAX_VALUE_CHARS:
            raise ScanError(f"a value larger than {MAX_VALUE_CHARS} characters")
        return self._fill(len(self.buffer) - self.pos)

    def _scan_end(self) -> int:
        """The buffer offset just past the value that starts at `pos`, growing the buffer
        as needed; each character is looked at once."""
        if self.buffer[self.pos] not in '"[{':
            return self._scalar_end()
        offset = 0  # scanned so far, relative to `pos` (which `_fill` moves to 0)
        depth = 0
        in_string = False
        while True:
            buffer, base = self.buffer, self.pos
            at = base + offset
            if in_string:
                at = _STRING_REST.match(buffer, at).end()  # type: ignore[union-attr]
                if at == len(buffer) or buffer[at] != '"':  # cut off by the buffer's end
                    offset = at - base
                    if not self._grow(offset):
                        raise ScanError("invalid JSON: a string runs to the end of the file")
                    continue
                in_string = False
                offset = at + 1 - base
                if depth == 0:
                    return at + 1
                continue
            found = _STRUCTURE.search(buffer, at)
            if found is None:
                offset = len(buffer) - base
                if not self._grow(offset):
                    raise ScanError("invalid JSON: the file ends inside a value")
                continue
            char = found.group()
            offset = found.end() - base
            if char == '"':
                in_string = True
            elif char in "[{":
                depth += 1
                if depth > MAX_DEPTH:
                    raise ScanError("nested too deeply")
            else:
                depth -= 1
                if depth <= 0:
                    return found.end()

    def _scalar_end(self) -> int:
        offset = 0
        while True:
            at = _SCALAR.match(self.buffer, self.pos + offset).end()  # type: ignore[union-attr]
            if at < len(self.buffer):
                return at
            offset = at - self.pos
            if not self._grow(offset):
                return len(self.buffer)

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
