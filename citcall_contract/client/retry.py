"""When a failed send may be tried again, and how long to wait first.

Only failures that prove nothing was processed are retried: the connection was never
made (connect error, connect or pool time-out) or the gateway answered HTTP 200 with a
temporary rc (`codes.retryable_rcs()`: service unavailable, maintenance). Anything
that happens once the request's bytes may have reached the gateway is never retried.

Waiting is injectable so tests never sleep: give a policy its own `sleep`
(`RetryPolicy(sleep=delays.append)`), or wrap a block in `sleeping_with(fn)` to change
how every policy without its own `sleep` waits (what the pytest fixtures do). Without
either, the sync client waits with `time.sleep` and the async one with `asyncio.sleep`.
"""

from __future__ import annotations

import inspect
import math
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Literal

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

#: How a policy waits: called with the seconds; may return an awaitable (async clients await it).
Sleep = Callable[[float], object]
Jitter = Literal["equal", "full", "none"]
JITTERS: tuple[Jitter, ...] = ("equal", "full", "none")

_sleep_overrides: list[Sleep] = []


@contextmanager
def sleeping_with(sleep: Sleep) -> Iterator[None]:
    """Within the block, policies without their own `sleep` wait through `sleep` instead.

    For test fixtures: `with sleeping_with(lambda s: None): ...` makes every retry of an
    application's client immediate, whatever policy it built. Nests; not thread-local.
    """
    _sleep_overrides.append(sleep)
    try:
        yield
    finally:
        _sleep_overrides.remove(sleep)


@dataclass(frozen=True)
class RetryPolicy:
    """Capped exponential backoff with jitter.

    The ceiling after failed attempt n is `min(max_backoff, backoff * multiplier**(n-1))`;
    `jitter="equal"` (default) waits between half the ceiling and the ceiling, `"full"`
    between 0 and the ceiling, `"none"` exactly the ceiling, so clients that all saw rc 34
    at once do not all come back at once. `rng` (default `random.random`) draws in [0, 1).

    `attempts` counts every try, the first included; `RetryPolicy(attempts=1)` never
    retries. `retry_unavailable=False` turns off retries on rc 34/66. `sleep` replaces
    the real wait (see the module docstring).
    """

    attempts: int = 3
    backoff: float = 0.5
    multiplier: float = 2.0
    max_backoff: float = 8.0
    retry_unavailable: bool = True
    jitter: Jitter = "equal"
    rng: Callable[[], float] | None = field(default=None, compare=False, repr=False)
    sleep: Sleep | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if isinstance(self.attempts, bool) or not isinstance(self.attempts, int):
            raise ValueError("attempts must be an integer")
        if self.attempts < 1:
            raise ValueError("attempts must be at least 1")
        for name in ("backoff", "multiplier", "max_backoff"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"{name} must be a number")
            if not math.isfinite(value):
                raise ValueError(f"{name} must be finite, not {value!r}")
        if self.backoff < 0 or self.max_backoff < 0 or self.multiplier < 1:
            raise ValueError("backoff and max_backoff must be >= 0 and multiplier >= 1")
        if self.jitter not in JITTERS:
            raise ValueError(f"jitter must be one of {', '.join(JITTERS)}")

    def ceiling(self, attempt: int) -> float:
        """The longest wait after failed attempt number `attempt` (1-based), before jitter."""
        exponent = min(max(attempt - 1, 0), 64)  # 2.0**64 s is already "capped"; avoids overflow
        return float(min(self.max_backoff, self.backoff * self.multiplier**exponent))

    def delay(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number `attempt` (1-based), jitter applied."""
        ceiling = self.ceiling(attempt)
        if self.jitter == "none" or ceiling == 0:
            return ceiling
        draw = min(max((self.rng or random.random)(), 0.0), 1.0)
        if self.jitter == "full":
            return ceiling * draw
        return ceiling / 2 + ceiling / 2 * draw

    def can_retry(self, attempt: int) -> bool:
        return attempt < self.attempts

    def _sleeper(self) -> Sleep | None:
        if self.sleep is not None:
            return self.sleep
        return _sleep_overrides[-1] if _sleep_overrides else None

    def wait(self, seconds: float) -> None:
        """Wait before the next attempt (sync client)."""
        sleeper = self._sleeper()
        if sleeper is None:
            time.sleep(seconds)
            return
        result = sleeper(seconds)
        if inspect.isawaitable(result):  # an async sleep given to a sync client: not awaited
            close = getattr(result, "close", None)
            if close is not None:
                close()

    async def wait_async(self, seconds: float) -> None:
        """Wait before the next attempt (async client)."""
        sleeper = self._sleeper()
        if sleeper is None:
            import asyncio  # here, not at import: only async callers pay for it

            await asyncio.sleep(seconds)
            return
        result = sleeper(seconds)
        if inspect.isawaitable(result):
            await result
