"""The parts of a HAR entry `check-traffic` reads, whatever shape a file gives them.

A traffic file is input from anywhere (a browser, a proxy, a hand edit): `"headers": 5`,
a status of `"200"` or a body that is not a string must not crash the check, so every
accessor here answers with a plain Python value or None. Bodies are parsed as the
facade parses answers (`strict_json`): `NaN`, `Infinity` and nesting deeper than Python
recurses are not JSON.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from citcall_contract.core import strict_json


def _part(value: Any, name: str) -> dict[str, Any]:
    """`value[name]` when both are objects, else an empty one."""
    found = value.get(name) if type(value) is dict else None
    return found if type(found) is dict else {}


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def headers(message: dict[str, Any]) -> list[tuple[str, str]]:
    found = message.get("headers")
    if not isinstance(found, list):
        return []
    return [(_text(h.get("name")), _text(h.get("value"))) for h in found if type(h) is dict]


def header(pairs: list[tuple[str, str]], name: str) -> str | None:
    return next((v for k, v in pairs if k.lower() == name), None)


def request_text(request: dict[str, Any]) -> str | None:
    """The body of a HAR request (`postData.text`)."""
    value = _part(request, "postData").get("text")
    return value if isinstance(value, str) else None


def response_text(response: dict[str, Any]) -> str | None:
    """The body of a HAR response (`content.text`, base64 decoded when so marked)."""
    content = _part(response, "content")
    value = content.get("text")
    if not isinstance(value, str):
        return None
    if content.get("encoding") != "base64":
        return value
    try:
        return base64.b64decode(value).decode("utf-8")
    except (binascii.Error, ValueError):
        return None


def status(response: dict[str, Any]) -> int | None:
    """The answer's HTTP status; None when none was recorded (HAR's 0 for "no answer")."""
    value = response.get("status")
    return value if type(value) is int and 100 <= value <= 999 else None


def decode(body: str | None) -> tuple[Any, str | None]:
    """(JSON value, None) or (None, why it is not JSON)."""
    if body is None:
        return None, "no body recorded"
    try:
        return strict_json.loads(body), None
    except ValueError as exc:
        return None, f"body is not JSON ({exc})"
