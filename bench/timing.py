"""What the bench scripts time: seconds per call over one round, as `timeit` measures it.

A round runs `fn` `calls` times with the garbage collector off, so a collection started
by an earlier round does not land in this one; scripts keep the best of many rounds.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Awaitable, Callable


def per_call(fn: Callable[[], object], calls: int) -> float:
    """Seconds per call of `fn` over one round of `calls` calls."""
    gc.disable()
    try:
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        return (time.perf_counter() - start) / calls
    finally:
        gc.enable()


async def per_call_async(fn: Callable[[], Awaitable[object]], calls: int) -> float:
    """`per_call` for a coroutine function, awaited on the running loop."""
    gc.disable()
    try:
        start = time.perf_counter()
        for _ in range(calls):
            await fn()
        return (time.perf_counter() - start) / calls
    finally:
        gc.enable()
