"""How a target answered: `DeliveryResult`, and `Collected`, which the exchanges fill.

Every mechanism (URL, ASGI, WSGI) records into one `Collected` as the answer arrives,
keeping at most `max_body` bytes, so a delivery reports the same way whatever it reached.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

#: What a server answers (status 500) for an app that raised before answering.
SERVER_ERROR_BODY = b"Internal Server Error"
#: Headers of an answer kept for a report; an app may send any number.
MAX_HEADERS = 100


@dataclass(frozen=True)
class DeliveryResult:
    """How the target answered: `status` None means it never answered (see `error`)."""

    status: int | None
    #: Answer headers, names in lower case (repeated headers joined with ", ").
    headers: Mapping[str, str] = field(default_factory=dict)
    #: The first `max_body` bytes of the answer.
    body: bytes = b""
    #: True when the answer was longer than `max_body` (the rest was not read).
    truncated: bool = False
    #: Seconds from the start of the delivery to the end of the answer (or the failure).
    elapsed: float = 0.0
    #: Why the exchange failed (timed out, connection dropped, app failed mid-answer).
    error: str | None = None
    #: The exception an in-process app raised (a server would log it), as "Type: message".
    raised: str | None = None

    @property
    def answered(self) -> bool:
        """True when a complete status line and headers came back and nothing failed."""
        return self.status is not None and self.error is None

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def snippet(self, limit: int = 200) -> str:
        """The start of the body as text, for one-line reports."""
        text = self.text.replace("\r", " ").replace("\n", " ")
        return text if len(text) <= limit else text[: limit - 3] + "..."


@dataclass
class Collected:
    """What came back so far; filled by the exchange, read once it ends."""

    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    chunks: list[bytes] = field(default_factory=list)
    size: int = 0
    truncated: bool = False
    error: str | None = None
    raised: str | None = None

    def take(self, chunk: bytes, limit: int) -> bool:
        """Keep what fits under `limit`; False once the answer is longer than that."""
        room = limit - self.size
        if len(chunk) > room:
            self.chunks.append(chunk[: max(room, 0)])
            self.size = limit
            self.truncated = True
            return False
        self.chunks.append(chunk)
        self.size += len(chunk)
        return True

    def set_headers(self, raw: Iterable[tuple[Any, Any]]) -> None:
        for count, (name, value) in enumerate(raw):
            if count >= MAX_HEADERS:
                break
            key = _text(name).lower()
            text = _text(value)
            self.headers[key] = f"{self.headers[key]}, {text}" if key in self.headers else text

    def server_error(self, limit: int) -> None:
        """Record the 500 a server answers for an app that raised before answering."""
        self.status = 500
        self.set_headers([("content-type", "text/plain; charset=utf-8")])
        self.take(SERVER_ERROR_BODY, limit)

    def copy_from(self, other: Collected) -> None:
        for name in (f.name for f in fields(self)):
            setattr(self, name, getattr(other, name))

    def result(self, elapsed: float) -> DeliveryResult:
        return DeliveryResult(
            status=self.status,
            headers=dict(self.headers),
            body=b"".join(self.chunks),
            truncated=self.truncated,
            elapsed=elapsed,
            error=self.error,
            raised=self.raised,
        )


def timed_out(timeout: float, *, blocked: bool = False) -> str:
    why = " (the app blocked its event loop)" if blocked else ""
    return f"timed out: no complete answer within {timeout:g} s{why}"


def exception_text(exc: BaseException) -> str:
    """An app's exception as "Type: message", the message cut to 200 characters."""
    text = str(exc)
    text = text if len(text) <= 200 else text[:197] + "..."
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _text(value: Any) -> str:
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("latin-1")
    return str(value)
