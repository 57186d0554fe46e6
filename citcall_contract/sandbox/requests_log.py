"""What the sandbox did with each request: which fault applied and whether it was processed.

A transport fault hides the answer from the client, so only the sandbox knows whether a
send took effect. Tests ask here ("sent exactly once"), through `SandboxState.sends()`,
`SandboxServer.sends()` or `GET /_sandbox/sends?msisdn=...&operation=...`.
"""

from __future__ import annotations

import itertools
import threading
from collections import deque
from dataclasses import asdict, dataclass
from typing import Any

from citcall_contract.spec.rules import international_msisdn


@dataclass(frozen=True)
class RequestRecord:
    """One operation request: `processed` is True when it took effect (billed, OTP kept or
    verified, callback queued), whatever the client then received."""

    id: int
    operation: str
    path: str
    msisdn: str | None  # international digits, as the sandbox read them
    fault: str | None
    processed: bool
    rc: int | None
    trxid: str | None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


#: Longest msisdn kept as received (a refused request may carry 64 KiB in it).
_MAX_MSISDN = 32


def _msisdn_key(msisdn: str | None) -> str | None:
    return None if msisdn is None else international_msisdn(msisdn.strip()[:_MAX_MSISDN])


#: A record as kept: RequestRecord's fields, the msisdn as received (trimmed). A tuple
#: costs a fraction of a frozen dataclass on every request; records are made when read.
_Row = tuple[int, str, str, "str | None", "str | None", bool, "int | None", "str | None"]


class RequestLog:
    """The last `capacity` requests; read from other threads (SandboxServer), hence the lock."""

    def __init__(self, capacity: int) -> None:
        self._items: deque[_Row] = deque(maxlen=capacity)
        self._lock = threading.Lock()
        self._ids = itertools.count(1)

    def add(
        self,
        *,
        operation: str,
        path: str,
        msisdn: object,
        fault: str | None,
        processed: bool,
        rc: int | None,
        trxid: str | None,
    ) -> int:
        """Keep one request; its id (1 for the first since the app started)."""
        received = msisdn.strip()[:_MAX_MSISDN] if isinstance(msisdn, str) else None
        with self._lock:
            number = next(self._ids)
            self._items.append((number, operation, path, received, fault, processed, rc, trxid))
        return number

    def snapshot(
        self,
        msisdn: str | None = None,
        operation: str | None = None,
        *,
        processed_only: bool = False,
    ) -> list[dict[str, Any]]:
        """Records, oldest first; `operation` is an operationId or a path (`motp`, `/motp`)."""
        key = _msisdn_key(msisdn)
        with self._lock:
            rows = list(self._items)
        records = (
            RequestRecord(number, op, path, _msisdn_key(received), fault, processed, rc, trxid)
            for number, op, path, received, fault, processed, rc, trxid in rows
        )
        return [
            r.to_json()
            for r in records
            if (key is None or r.msisdn == key)
            and (operation is None or operation in {r.operation, r.path, r.path.lstrip("/")})
            and (r.processed or not processed_only)
        ]

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)
