"""Text from a stranger, made safe to print on a terminal.

A receiver's answer, a revision typed on the command line, a body in a report: shown
with every character that is not printable (ESC, BEL, CR, LF, bidi overrides) written as
a Python escape (`\\x1b`, `\\u202e`), and every byte that is not UTF-8 as `\\xff`, so
nothing a peer sends can move the cursor, recolour or retitle the user's terminal.
"""

from __future__ import annotations


def printable(text: str, limit: int | None = None) -> str:
    """`text` with each unprintable character replaced by its escape, cut to `limit`."""
    if not text.isprintable():
        text = "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)
    if limit is not None and len(text) > limit:
        return text[: max(limit - 3, 0)] + "..."
    return text


def printable_bytes(raw: bytes, limit: int | None = None) -> str:
    """`raw` as printable text (invalid UTF-8 as `\\xNN`), cut to `limit` characters."""
    return printable(raw.decode("utf-8", errors="backslashreplace"), limit)
