"""JSON as the wire carries it, parsed without surprises from a hostile peer.

Python's `json` accepts `NaN`/`Infinity` (not JSON) and raises RecursionError on deep
nesting (`b"[" * 1000`). The facade (answers), the sandbox (requests) and
`parse_callback` (callbacks) all read bodies a stranger may have written, so they parse
through `loads`, where every such body is a plain ValueError.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


#: The decoder `loads` uses without a hook: `json.loads` with an option builds a new
#: decoder (and scanner) per call, which costs as much as parsing a small body.
_DECODER = json.JSONDecoder(parse_constant=_no_constants)


def loads(
    raw: str | bytes, *, object_pairs_hook: Callable[[list[tuple[str, Any]]], Any] | None = None
) -> Any:
    """The decoded document; ValueError for anything that is not plain JSON."""
    try:
        if object_pairs_hook is not None:
            return json.loads(
                raw, parse_constant=_no_constants, object_pairs_hook=object_pairs_hook
            )
        return _DECODER.decode(_text(raw))
    except RecursionError:
        raise ValueError("nested too deeply") from None


def _text(raw: str | bytes) -> str:
    """The document as `json.loads` reads it: bytes in UTF-8, -16 or -32, a str without a BOM."""
    if isinstance(raw, str):
        if raw.startswith("\ufeff"):
            raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", raw, 0)
        return raw
    if not isinstance(raw, (bytes, bytearray)):
        raise TypeError(f"the JSON object must be str or bytes, not {type(raw).__name__}")
    return raw.decode(json.detect_encoding(raw), "surrogatepass")
