"""Running a delivery on a daemon thread, so a caller always gets its answer by the deadline.

`deliver` (sync) runs the whole exchange on a helper thread with its own event loop, so
it also works inside a running loop, and returns at the deadline even when an async app
blocks its loop. A WSGI app always runs on its own thread (`in_thread`), given up (not
waited for) at the deadline, so a hanging one never blocks the caller.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Callable, Coroutine
from typing import Any

from citcall_contract.core.delivery.results import Collected, DeliveryResult, timed_out
from citcall_contract.core.delivery.targets import Request

#: Seconds `run_on_thread` waits past the deadline for a loop the app blocked.
BLOCKED_LOOP_MARGIN = 1.0


def run_on_thread(
    exchange: Callable[[], Coroutine[Any, Any, DeliveryResult]], timeout: float
) -> DeliveryResult:
    """`exchange()` run to its end on a new event loop on a daemon thread, or a time-out."""
    box: list[DeliveryResult] = []
    started = time.perf_counter()

    def run() -> None:
        try:
            box.append(asyncio.run(exchange()))
        except Exception as exc:  # a failure of the exchange itself, reported, not raised
            elapsed = time.perf_counter() - started
            box.append(DeliveryResult(None, elapsed=elapsed, error=f"delivery failed: {exc!r}"))

    worker = threading.Thread(target=run, name="citcall-delivery", daemon=True)
    worker.start()
    # The async side enforces the deadline; the margin covers an app blocking its loop.
    worker.join(timeout + BLOCKED_LOOP_MARGIN)
    if box:
        return box[0]
    return DeliveryResult(
        None, elapsed=time.perf_counter() - started, error=timed_out(timeout, blocked=True)
    )


async def in_thread(
    work: Callable[[Any, Request, Collected], None],
    app: Any,
    request: Request,
    collected: Collected,
) -> None:
    """Run blocking `work` on a daemon thread; give up on it (not wait) at the deadline."""
    loop = asyncio.get_running_loop()
    done: asyncio.Future[None] = loop.create_future()
    # The thread fills its own record, copied over only when it finished in time.
    own = Collected()

    def finish(error: BaseException | None) -> None:
        if done.done():
            return
        if error is None:
            done.set_result(None)
        else:
            done.set_exception(error)

    def run() -> None:
        error: BaseException | None = None
        try:
            work(app, request, own)
        except BaseException as exc:  # reported on the caller's side
            error = exc
        # RuntimeError: the caller's loop is gone, nobody is waiting any more.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(finish, error)

    threading.Thread(target=run, name="citcall-delivery-wsgi", daemon=True).start()
    try:
        await asyncio.wait_for(asyncio.shield(done), request.timeout)
    except TimeoutError:
        collected.error = timed_out(request.timeout)
        collected.status = own.status
        return
    collected.copy_from(own)
