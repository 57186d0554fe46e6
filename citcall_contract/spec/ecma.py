"""ECMA-262 regular expressions (JSON Schema's `pattern`) as Python's `re` means them.

Python's `$` also matches before a final newline and its `.` and `\\s` differ from
ECMA's; every validator of the kit (client, sandbox, contract) uses this translation.
"""

from __future__ import annotations

import functools
import re

#: ECMA-262 `.` outside a class: anything but a line terminator.
_ECMA_DOT = "[^\\n\\r\\u2028\\u2029]"
#: ECMA-262 `\s`: white space and line terminators (a class body, no brackets).
_ECMA_SPACE = (
    "\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff"
)


def ecma_to_python(pattern: str) -> str:
    """A JSON Schema (ECMA-262, no flags) pattern rewritten so Python's `re` (with
    `re.ASCII`) means the same: `$` is the end of the string only (Python's `$` also
    matches before a final newline), `.` excludes every line terminator, `\\s` is
    ECMA's set. `\\d`, `\\w` and `\b` are ASCII under `re.ASCII`, as in ECMA-262."""
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            escaped = pattern[i + 1]
            if escaped == "s":
                out.append(_ECMA_SPACE if in_class else f"[{_ECMA_SPACE}]")
            elif escaped == "S" and not in_class:
                out.append(f"[^{_ECMA_SPACE}]")
            elif escaped == "S":
                raise ValueError(f"pattern {pattern!r}: \\S inside a class is not supported")
            else:
                out.append(char + escaped)
            i += 2
            continue
        if in_class:
            in_class = char != "]"
            out.append(char)
        elif pattern.startswith("[]", i):  # ECMA: matches nothing (Python: a literal `]`)
            out.append("(?!)")
            i += 1
        elif pattern.startswith("[^]", i):  # ECMA: any character
            out.append("[\\s\\S]")
            i += 2
        elif char == "[":
            in_class = True
            out.append(char)
            if pattern.startswith("[^", i):
                out.append("^")
                i += 1
        elif char == "$":
            out.append("(?![\\s\\S])")  # end of string; a final newline does not count
        elif char == ".":
            out.append(_ECMA_DOT)
        else:
            out.append(char)
        i += 1
    return "".join(out)


@functools.cache
def ecma_regex(pattern: str) -> re.Pattern[str]:
    """`pattern` compiled with ECMA-262 meaning (see `ecma_to_python`); cached."""
    return re.compile(ecma_to_python(pattern), re.ASCII)
