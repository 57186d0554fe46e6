"""Transaction IDs and calling numbers shaped like the gateway's.

trxid: 26 digits, a timestamp to the millisecond (17) and a 9-digit sequence, so IDs are
unique within a process and sort by time. A missed call's `token` is the calling
number; its last `x-otp-digits` digits (spec) are the OTP.
"""

from __future__ import annotations

import itertools
import random
import time

from citcall_contract.spec.rules import otp_digits

#: Leading digits of the sandbox's calling numbers (Indonesia, Jakarta area code).
CALLER_PREFIX = "6221"
_SEQUENCE_MODULUS = 10**9


class IdFactory:
    """Makes trxids and calling numbers; one per app."""

    def __init__(self, rng: random.Random | None = None) -> None:
        self._rng = rng or random.Random()  # noqa: S311  (test data, not secrets)
        self._sequence = itertools.count(self._rng.randrange(_SEQUENCE_MODULUS))
        self._second = -1
        self._stamp = ""

    def trxid(self) -> str:
        now = time.time()
        second = int(now)
        if second != self._second:  # formatted once a second, not once a request
            self._second = second
            self._stamp = time.strftime("%Y%m%d%H%M%S", time.localtime(second))
        millis = int(now * 1000) % 1000
        return f"{self._stamp}{millis:03d}{next(self._sequence) % _SEQUENCE_MODULUS:09d}"

    def otp(self) -> str:
        digits = otp_digits()
        return f"{self._rng.randrange(10**digits):0{digits}d}"

    def calling_number(self, otp: str) -> str:
        """A calling number that ends with `otp` (`6221`, 4 digits, then the OTP)."""
        middle = f"{self._rng.randrange(10**4):04d}"
        return f"{CALLER_PREFIX}{middle}{otp}"
