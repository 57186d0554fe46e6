"""`record`: the bounded relay, writing each exchange down as a redacted HAR entry.

One JSON line per exchange in `DIR/traffic-<start time>.jsonl`, in the HAR 1.2 entry
shape, so the file can be read by `check-traffic`, or wrapped into a HAR document for a
browser's tools. What is written has no `Authorization` value, no copy of the key and
no OTP digits (`redaction`); bodies are at most the relay's size cap.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from pathlib import Path
from typing import Any, TextIO

from citcall_contract.contract.traffic.check import Matcher
from citcall_contract.contract.traffic.redaction import (
    header_secrets,
    otp_text_operations,
    redact_body,
    redact_headers,
    redact_text,
)
from citcall_contract.contract.verify.relay import Exchange


def _content_type(headers: list[tuple[str, str]]) -> str:
    return next((v for k, v in headers if k.lower() == "content-type"), "")


def _redacted_body(raw: bytes, direction: str, otp_text: bool, secrets: list[str]) -> str:
    text = raw.decode("utf-8", errors="replace")
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return redact_text(text, secrets)
    if isinstance(data, dict):
        text = json.dumps(redact_body(data, direction, otp_text), ensure_ascii=False)
    return redact_text(text, secrets)


def har_entry(exchange: Exchange, matcher: Matcher) -> dict[str, Any]:
    """The exchange as a HAR 1.2 entry, secrets and OTP digits removed."""
    secrets = header_secrets(exchange.request_headers)
    operation = matcher.operation(exchange.method, exchange.url)
    otp_text = operation is not None and operation.operation_id in otp_text_operations()
    started = dt.datetime.fromtimestamp(exchange.started, tz=dt.UTC)
    millis = round(exchange.elapsed * 1000, 3)
    request_text = _redacted_body(exchange.request_body, "request", otp_text, secrets)
    response_text = _redacted_body(exchange.response_body, "response", otp_text, secrets)
    entry: dict[str, Any] = {
        "startedDateTime": started.isoformat().replace("+00:00", "Z"),
        "time": millis,
        "request": {
            "method": exchange.method,
            "url": redact_text(exchange.url, secrets),
            "httpVersion": "HTTP/1.1",
            "headers": [
                {"name": k, "value": v} for k, v in redact_headers(exchange.request_headers)
            ],
            "queryString": [],
            "cookies": [],
            "headersSize": -1,
            "bodySize": len(exchange.request_body),
            "postData": {
                "mimeType": _content_type(exchange.request_headers),
                "text": request_text,
            },
        },
        "response": {
            "status": exchange.status or 0,
            "statusText": "",
            "httpVersion": "HTTP/1.1",
            "headers": [
                {"name": k, "value": v} for k, v in redact_headers(exchange.response_headers)
            ],
            "cookies": [],
            "content": {
                "size": len(exchange.response_body),
                "mimeType": _content_type(exchange.response_headers),
                "text": response_text,
            },
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": len(exchange.response_body),
        },
        "cache": {},
        "timings": {"send": 0, "wait": millis, "receive": 0},
        "_citcall": {"redacted": True},
    }
    if exchange.problem is not None:
        entry["_citcall"]["problem"] = redact_text(exchange.problem, secrets)
        entry["response"]["status"] = 0  # no usable answer: not judged as the gateway's
    return entry


class TrafficWriter:
    """Appends one redacted entry per exchange to a JSON-lines file, flushed each time."""

    def __init__(self, out_dir: Path, upstream: str) -> None:
        out_dir.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now(tz=dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
        self.path = out_dir / f"traffic-{stamp}.jsonl"
        self.matcher = Matcher([upstream])
        self.count = 0
        self._lock = threading.Lock()
        self._file: TextIO = self.path.open("a", encoding="utf-8")

    def __call__(self, exchange: Exchange) -> None:
        line = json.dumps(har_entry(exchange, self.matcher), ensure_ascii=False)
        with self._lock:
            self._file.write(line + "\n")
            self._file.flush()
            self.count += 1

    def close(self) -> None:
        self._file.close()
