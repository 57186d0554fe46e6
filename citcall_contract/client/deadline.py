"""The sync client's deadline, as every blocking socket wait sees it.

httpx's `read` time-out bounds each wait for bytes, not the answer: a server that sends
one byte of its status line every 0.5 s never trips a 2 s read time-out, and would hold
a synchronous call as long as it likes. `AsyncCitcall` cancels the call at its deadline;
a blocking socket cannot be cancelled from outside, so `Citcall` sets `CALL_DEADLINE`
for the length of a call and its transport (`client.sync_transport`) gives every
connect, read and write at most the time left, so the first wait past it times out.
"""

from __future__ import annotations

import time
from contextvars import ContextVar

#: When the running call must be over (`time.monotonic()`), None outside a call. A
#: context variable, so each thread (and each call) sees its own.
CALL_DEADLINE: ContextVar[float | None] = ContextVar("citcall_call_deadline", default=None)
#: The shortest wait given (0 would make a socket non-blocking, not time out).
_MINIMUM_WAIT = 0.001


def bounded(timeout: float | None) -> float | None:
    """`timeout` (None: no limit), cut to the time left before the running call's deadline."""
    deadline = CALL_DEADLINE.get()
    if deadline is None:
        return timeout
    remaining = max(deadline - time.monotonic(), _MINIMUM_WAIT)
    return remaining if timeout is None else min(timeout, remaining)
