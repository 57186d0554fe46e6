"""A loopback HTTP receiver for the callbacks a server under test posts.

`verify` points the `callback_url` of generated requests here, one path per webhook of
the spec (`/missedCallStatus`, `/smsStatus`, `/smsOtpStatus`), and afterwards checks
that every payload it caught validates against that webhook's schema.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from citcall_contract import spec
from citcall_contract.client.callback_reports import MAX_CALLBACK_BYTES, parse_callback
from citcall_contract.client.callback_reports import callback_kinds as parse_kinds
from citcall_contract.client.errors import CallbackError

#: Largest callback body kept (parse_callback's own cap); a bigger one is a problem.
MAX_BODY_BYTES = MAX_CALLBACK_BYTES
#: Callbacks kept per run; later ones are counted, not stored.
MAX_CAUGHT = 2_000
#: Seconds a sender may take to deliver its headers and body.
READ_TIMEOUT = 10.0


@dataclass(frozen=True)
class CaughtCallback:
    """One POST the receiver caught, and what is wrong with it (None when it validates)."""

    kind: str
    payload: Any
    problem: str | None

    @property
    def trxid(self) -> str | None:
        value = self.payload.get("trxid") if isinstance(self.payload, dict) else None
        return value if isinstance(value, str) else None


def callback_kinds() -> Mapping[str, str]:
    """operationId -> the webhook its `callbacks` post (read from the spec)."""
    found = {op_id: spec.operation_callback(op_id) for op_id in spec.operations()}
    return {op_id: hook.name for op_id, hook in found.items() if hook is not None}


class CallbackReceiver:
    """Runs on 127.0.0.1 in a daemon thread while used as a context manager."""

    def __init__(self) -> None:
        self._caught: list[CaughtCallback] = []
        #: POSTs that arrived after MAX_CAUGHT were kept, or were refused unread.
        self.dropped = 0
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="citcall-callback-receiver", daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def url_for(self, kind: str) -> str:
        return f"{self.base_url}/{kind}"

    def __enter__(self) -> CallbackReceiver:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def caught(self) -> list[CaughtCallback]:
        with self._lock:
            return list(self._caught)

    def wait_for(
        self, trxids: set[str], timeout: float, quiet: float = 0.3
    ) -> list[CaughtCallback]:
        """Wait until a callback for each of `trxids` arrived and nothing new came for `quiet` s."""
        deadline = time.monotonic() + timeout
        seen = -1
        last_change = time.monotonic()
        while time.monotonic() < deadline:
            caught = self.caught()
            if len(caught) != seen:
                seen, last_change = len(caught), time.monotonic()
            got = {c.trxid for c in caught}
            if trxids <= got and time.monotonic() - last_change >= quiet:
                break
            time.sleep(0.05)
        return self.caught()

    def _record(self, kind: str, body: bytes | None, problem: str | None = None) -> None:
        payload: Any = None
        with self._lock:
            if len(self._caught) >= MAX_CAUGHT:
                self.dropped += 1
                return
        if problem is not None or body is None:
            pass
        elif kind not in parse_kinds():
            problem = f"posted to an unknown path /{kind}"
        elif len(body) > MAX_BODY_BYTES:
            problem = f"body larger than {MAX_BODY_BYTES} bytes"
        else:
            try:  # the raw bytes: parse_callback refuses hostile JSON (deep nesting, NaN...)
                payload = dict(parse_callback(body, kind=kind).raw)
            except CallbackError as exc:
                problem = str(exc)
                payload = _readable_json(body)
        with self._lock:
            self._caught.append(CaughtCallback(kind, payload, problem))

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            timeout = READ_TIMEOUT  # a sender that stalls is cut off, not waited for
            # Keep-alive: a sender posts its callbacks over one connection (and one thread
            # here) instead of a new connection and thread for each.
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                kind = self.path.strip("/").split("?")[0]
                length = _content_length(self.headers.get("Content-Length"))
                if length is None:
                    receiver._record(kind, None, "no valid Content-Length (body not read)")
                    self._reply(411 if "Content-Length" not in self.headers else 400)
                    return
                if length > MAX_BODY_BYTES:
                    receiver._record(kind, None, f"body larger than {MAX_BODY_BYTES} bytes")
                    self._reply(413)
                    return
                try:
                    body = self.rfile.read(length)
                except OSError:  # a time-out or reset mid-body
                    receiver._record(kind, None, "body incomplete (sender stalled or went away)")
                    self.close_connection = True
                    return
                if len(body) < length:
                    receiver._record(kind, None, "body shorter than its Content-Length")
                    self.close_connection = True
                    return
                receiver._record(kind, body)
                self._reply(200)

            def _reply(self, status: int) -> None:
                if status != 200:
                    self.close_connection = True  # the unread body must not be parsed
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                """Silent: the report says what arrived."""

        return Handler


def _content_length(raw: str | None) -> int | None:
    """The header's value when it is a plain non-negative decimal, else None."""
    if raw is None or not raw.strip().isdigit() or not raw.strip().isascii():
        return None
    return int(raw.strip())


def _readable_json(body: bytes) -> Any:
    """The decoded body for the report when it is plain JSON, else None (never raises)."""
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        return None
