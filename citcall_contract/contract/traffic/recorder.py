"""`record`: the transparent relay, writing each exchange down as a redacted HAR entry.

One JSON line per exchange in `DIR/traffic-<start time>.jsonl`, in the HAR 1.2 entry
shape, so the file can be read by `check-traffic` (which finds the upstream base URL in
each entry's `_citcall.base_url`: no flags needed) or wrapped into a HAR document for a
browser's tools. What is written is what the client received (the upstream's answer, a
relay's note of its own limit, a cut-off body, or nothing for a dropped connection),
with no credential and no OTP digits (`redaction`); bodies are at most the relay's cap.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from pathlib import Path
from typing import Any, TextIO

from citcall_contract.contract.traffic.matching import Matcher
from citcall_contract.contract.traffic.proxy import DROPPED
from citcall_contract.contract.traffic.redaction import (
    MASK_DIGIT,
    Hiding,
    otp_text_operations,
    redact_body,
    request_codes,
)
from citcall_contract.contract.verify.relay import Exchange, relay_answer
from citcall_contract.core import strict_json
from citcall_contract.core.redact import mask_otp_digits


def _content_type(headers: list[tuple[str, str]]) -> str:
    return next((v for k, v in headers if k.lower() == "content-type"), "")


def _decoded(raw: bytes) -> tuple[str, Any]:
    """The body as text, and its JSON value (None when it is not a JSON object)."""
    text = raw.decode("utf-8", errors="replace")
    try:
        data = strict_json.loads(text)
    except ValueError:
        return text, None
    return text, data if isinstance(data, dict) else None


def _written_body(text: str, data: Any, direction: str, otp_text: bool, hiding: Hiding) -> str:
    """A body as it may be written: OTP fields masked, every string redacted."""
    if data is None:
        return hiding.text(text)
    masked = redact_body(data, direction, otp_text, hiding.codes)
    try:
        return json.dumps(hiding.deep(masked), ensure_ascii=False)
    except ValueError:  # deeper than the walk goes: as text, every OTP-length number masked
        return hiding.text(mask_otp_digits(text, hiding.codes, MASK_DIGIT))


def _head_text(headers: list[tuple[bytes, bytes]]) -> list[tuple[str, str]]:
    return [(k.decode("latin-1"), v.decode("utf-8", errors="replace")) for k, v in headers]


def har_entry(exchange: Exchange, matcher: Matcher, base_url: str) -> dict[str, Any]:
    """The exchange as a HAR 1.2 entry of what the client received, secrets and OTP
    digits removed."""
    request_text, request_data = _decoded(exchange.request_body)
    hiding = Hiding(exchange.request_headers, request_codes(request_data))
    operation = matcher.operation(exchange.method, exchange.url)
    otp_text = operation is not None and operation.operation_id in otp_text_operations()
    started = dt.datetime.fromtimestamp(exchange.started, tz=dt.UTC)
    millis = round(exchange.elapsed * 1000, 3)
    if exchange.fault == DROPPED:
        status, headers, answer = 0, [], b""  # HAR's "no answer"
    elif exchange.fault is not None:
        status, headers, answer = (
            exchange.status or 0,
            exchange.response_headers,
            exchange.response_body,
        )
    else:
        status, raw_headers, answer = relay_answer(exchange)
        headers = _head_text(raw_headers)
    response_text, response_data = _decoded(answer)
    note: dict[str, Any] = {"redacted": True, "base_url": hiding.text(base_url, codes=False)}
    if exchange.problem is not None:
        note["problem"] = hiding.text(exchange.problem)
    if exchange.fault is not None:
        note["fault"] = exchange.fault
    return {
        "startedDateTime": started.isoformat().replace("+00:00", "Z"),
        "time": millis,
        "request": {
            "method": exchange.method,
            "url": hiding.url(exchange.url),
            "httpVersion": "HTTP/1.1",
            "headers": [
                {"name": k, "value": v} for k, v in hiding.headers(exchange.request_headers)
            ],
            "queryString": [],
            "cookies": [],
            "headersSize": -1,
            "bodySize": len(exchange.request_body),
            "postData": {
                "mimeType": _content_type(exchange.request_headers),
                "text": _written_body(request_text, request_data, "request", otp_text, hiding),
            },
        },
        "response": {
            "status": status,
            "statusText": "",
            "httpVersion": "HTTP/1.1",
            "headers": [{"name": k, "value": v} for k, v in hiding.headers(headers)],
            "cookies": [],
            "content": {
                "size": len(answer),
                "mimeType": _content_type(headers),
                "text": _written_body(response_text, response_data, "response", otp_text, hiding),
            },
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": len(answer),
        },
        "cache": {},
        "timings": {"send": 0, "wait": millis, "receive": 0},
        "_citcall": note,
    }


class TrafficWriter:
    """Appends one redacted entry per exchange to a JSON-lines file, flushed each time.

    `out_dir` is created if its parent exists (a mistyped path is refused, not built).
    """

    def __init__(self, out_dir: Path, upstream: str) -> None:
        out_dir.mkdir(exist_ok=True)
        stamp = dt.datetime.now(tz=dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
        self.path = out_dir / f"traffic-{stamp}.jsonl"
        self.upstream = upstream
        self.matcher = Matcher([upstream])
        self.count = 0
        self._lock = threading.Lock()
        self._file: TextIO = self.path.open("x", encoding="utf-8")

    def __call__(self, exchange: Exchange) -> None:
        entry = har_entry(exchange, self.matcher, self.upstream)
        line = json.dumps(entry, ensure_ascii=False)
        with self._lock:
            self._file.write(line + "\n")
            self._file.flush()
            self.count += 1

    def close(self) -> None:
        self._file.close()
