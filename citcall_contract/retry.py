"""When a failed send may be tried again, and how long to wait first.

Only failures that prove nothing was processed are retried: the connection was never
made (connect error, connect or pool time-out) or the gateway answered with a
temporary rc (`codes.retryable_rcs()`: service unavailable, maintenance). Anything
that happens once the request's bytes may have reached the gateway is never retried.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

#: Transport errors raised before a single byte of the request was sent.
NOT_SENT_RETRYABLE: tuple[type[httpx.TransportError], ...] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
)
#: Transport errors raised before sending that another attempt would not fix.
NOT_SENT_FINAL: tuple[type[httpx.TransportError], ...] = (
    httpx.UnsupportedProtocol,
    httpx.LocalProtocolError,
    httpx.ProxyError,
)


@dataclass(frozen=True)
class RetryPolicy:
    """Capped exponential backoff: `backoff * multiplier**n`, at most `max_backoff` seconds.

    `attempts` counts every try, the first included; `RetryPolicy(attempts=1)` never
    retries. `retry_unavailable=False` turns off retries on rc 34/66.
    """

    attempts: int = 3
    backoff: float = 0.5
    multiplier: float = 2.0
    max_backoff: float = 8.0
    retry_unavailable: bool = True

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError("attempts must be at least 1")
        if self.backoff < 0 or self.max_backoff < 0 or self.multiplier < 1:
            raise ValueError("backoff and max_backoff must be >= 0 and multiplier >= 1")

    def delay(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number `attempt` (1-based)."""
        exponent = min(max(attempt - 1, 0), 64)  # 2.0**64 s is already "capped"; avoids overflow
        return float(min(self.max_backoff, self.backoff * self.multiplier**exponent))

    def can_retry(self, attempt: int) -> bool:
        return attempt < self.attempts
