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


#: One decoder for the common call (a str, no hook): `json.loads` with options builds one
#: per call, which costs as much as decoding a small body.
_DECODER = json.JSONDecoder(parse_constant=_no_constants)


def loads(
    raw: str | bytes, *, object_pairs_hook: Callable[[list[tuple[str, Any]]], Any] | None = None
) -> Any:
    """The decoded document; ValueError for anything that is not plain JSON."""
    try:
        if object_pairs_hook is None and isinstance(raw, str):
            return _DECODER.decode(raw)
        return json.loads(raw, parse_constant=_no_constants, object_pairs_hook=object_pairs_hook)
    except RecursionError:
        raise ValueError("nested too deeply") from None
