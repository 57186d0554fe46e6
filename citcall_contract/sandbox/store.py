"""OTP state for /verify, keyed by trxid: capped and expiring, so memory stays flat.

Entries are kept in insertion order; the oldest go first when the cap is reached, and
expired ones are dropped as new ones arrive. An OTP past its `valid_time` is kept for a
grace period (so /verify can say "expired" rather than "not found").
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class OtpRecord:
    """One OTP the sandbox can verify."""

    trxid: str
    msisdn: str  # canonical digits
    otp: str | None  # None: nothing to match (an SMS OTP without a code)
    valid_until: float
    forget_at: float
    limit_try: int
    tries: int = 0
    used: bool = False
    #: False: the request had no `valid_time`, so /verify has nothing to check against
    #: (remembered only to say so).
    kept: bool = True


class OtpStore:
    """A bounded map trxid -> OtpRecord."""

    def __init__(self, capacity: int, clock: Callable[[], float]) -> None:
        self.capacity = capacity
        self._clock = clock
        self._records: OrderedDict[str, OtpRecord] = OrderedDict()

    def __len__(self) -> int:
        return len(self._records)

    def put(self, record: OtpRecord) -> None:
        self._records[record.trxid] = record
        self._records.move_to_end(record.trxid)
        now = self._clock()
        while self._records:
            oldest = next(iter(self._records.values()))
            if len(self._records) > self.capacity or oldest.forget_at <= now:
                self._records.popitem(last=False)
            else:
                break

    def get(self, trxid: str) -> OtpRecord | None:
        record = self._records.get(trxid)
        if record is not None and record.forget_at <= self._clock():
            del self._records[trxid]
            return None
        return record

    def clear(self) -> None:
        self._records.clear()
