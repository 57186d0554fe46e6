"""Bodies the sandbox answers with: rc by name, the gateway's own wording, JSON bytes.

Codes are looked up by their `x-enum-varnames` name so that no number is written in
Python; the wording (typos included) comes from the spec's named rc examples.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from typing import Any

from starlette.responses import Response

from citcall_contract.spec import iter_named_examples, operation
from citcall_contract.spec.codes import describe_rc

JSON_MEDIA_TYPE = "application/json"


@functools.cache
def _wording() -> Mapping[int, str]:
    """rc -> `info` of the spec's `{rc, info}` examples: what the gateway really says."""
    found: dict[int, str] = {}
    for _where, _ref, value in iter_named_examples():
        if isinstance(value, Mapping) and set(value) == {"rc", "info"}:
            found.setdefault(int(value["rc"]), str(value["info"]))
    return found


def info_for(rc: int) -> str:
    """The gateway's wording for `rc`, or the spec's description when it has no example."""
    return _wording().get(rc) or describe_rc(rc).description


def error_body(rc: int, detail: str | None = None, info: str | None = None) -> dict[str, Any]:
    """`{rc, info}`: the gateway's wording, `detail` (e.g. the field) appended; or `info`."""
    if info is None:
        info = f"{info_for(rc)}: {detail}" if detail else info_for(rc)
    return {"rc": rc, "info": info}


@functools.cache
def success_fields(operation_id: str) -> Mapping[str, Any]:
    """`rc` (and `info`, if any) of the operation's `success` example, in the gateway's form.

    The forms differ per operation (`0` on sends, `"00"` and `valid` on /verify), which
    is exactly what clients must cope with.
    """
    example = operation(operation_id).response_examples()["success"]
    return {key: example[key] for key in ("rc", "info") if key in example}


#: One encoder for every answer: `json.dumps` with options builds a new one per call.
_COMPACT = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def dumps(body: Any) -> bytes:
    """Compact UTF-8 JSON; a string that is not Unicode (a lone surrogate, which requests
    never get this far with) is escaped rather than failing after a state change."""
    text = _COMPACT.encode(body)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(body, separators=(",", ":")).encode("ascii")


class JSONAnswer(Response):
    """Encoded JSON with its two headers, set at once: the same answer as
    `Response(data, media_type=JSON_MEDIA_TYPE)`, without its rendering and header
    checks (built for every request)."""

    media_type = JSON_MEDIA_TYPE

    def __init__(self, data: bytes, status_code: int = 200) -> None:
        self.status_code = status_code
        self.background = None
        self.body = data
        self.raw_headers = [
            (b"content-length", str(len(data)).encode("latin-1")),
            (b"content-type", _JSON_CONTENT_TYPE),
        ]


_JSON_CONTENT_TYPE = JSON_MEDIA_TYPE.encode("latin-1")


def json_response(body: Any, status_code: int = 200) -> Response:
    """A JSON answer. Business outcomes all use 200, as the gateway does."""
    return JSONAnswer(dumps(body), status_code)
