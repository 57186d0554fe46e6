"""The parts of a HAR entry `check-traffic` reads, whatever shape a file gives them.

A traffic file is input from anywhere (a browser, a proxy, a hand edit): `"headers": 5`,
a status of `"200"` or a body that is not a string must not crash the check, so every
accessor here answers with a plain Python value or None. Bodies are parsed as the
facade parses answers (`strict_json`): `NaN`, `Infinity` and deep nesting are not JSON.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import Any

from citcall_contract.core import strict_json

#: A body nested deeper than this is not judged (validators and reports recurse).
MAX_BODY_DEPTH = 64


def part(value: Any, name: str) -> dict[str, Any]:
    """`value[name]` when both are objects, else an empty one."""
    found = value.get(name) if type(value) is dict else None
    return found if type(found) is dict else {}


def text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def headers(message: dict[str, Any]) -> list[tuple[str, str]]:
    found = message.get("headers")
    if not isinstance(found, list):
        return []
    return [(text(h.get("name")), text(h.get("value"))) for h in found if type(h) is dict]


def header(pairs: list[tuple[str, str]], name: str) -> str | None:
    return next((v for k, v in pairs if k.lower() == name), None)


def request_text(request: dict[str, Any]) -> str | None:
    """The body of a HAR request (`postData.text`)."""
    value = part(request, "postData").get("text")
    return value if isinstance(value, str) else None


def response_text(response: dict[str, Any]) -> str | None:
    """The body of a HAR response (`content.text`, base64 decoded when so marked)."""
    content = part(response, "content")
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


def marked_callback(entry: Mapping[str, Any], note: dict[str, Any]) -> bool:
    """Whether a receiver marked the entry as a callback it caught (`_callback`, or the
    recorder's note `_citcall.callback`)."""
    return entry.get("_callback") is True or note.get("callback") is True


def _too_deep(value: Any) -> bool:
    stack = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_BODY_DEPTH:
            return True
        if isinstance(node, dict):
            stack.extend((child, depth + 1) for child in node.values())
        elif isinstance(node, list):
            stack.extend((child, depth + 1) for child in node)
    return False


def decode(body: str | None) -> tuple[Any, str | None]:
    """(JSON value, None) or (None, why it is not JSON)."""
    if body is None:
        return None, "no body recorded"
    try:
        value = strict_json.loads(body)
    except ValueError as exc:
        return None, f"body is not JSON ({exc})"
    if body.count("[") + body.count("{") > MAX_BODY_DEPTH and _too_deep(value):
        return None, f"body is not JSON (nested deeper than {MAX_BODY_DEPTH})"
    return value, None
