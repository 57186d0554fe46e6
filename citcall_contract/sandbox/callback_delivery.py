"""Callback delivery: schema-checked payloads POSTed in the background, allowlisted hosts only.

Each delivery is a task that waits `callback_delay`, then tries once plus
`callback_retries` times with doubling pauses; each try is one `core.delivery` request
(the kit's one way to reach a receiver: bounded answer, one deadline, no proxies). Every
delivery is recorded (bounded log) so tests and the `/_sandbox/deliveries` endpoint can
see what was sent and how it went.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections import deque
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import httpx

from citcall_contract.core.delivery import adeliver, url_client
from citcall_contract.core.hosts import hide_userinfo, is_allowed
from citcall_contract.sandbox.config import SandboxConfig
from citcall_contract.spec import Webhook

logger = logging.getLogger("citcall_contract.sandbox")
JSON_HEADERS = {"Content-Type": "application/json"}


@dataclass
class Delivery:
    """One callback: what was (or will be) posted where, and how it went."""

    trxid: str
    url: str  # as shown: userinfo (`user:password@`) hidden
    kind: str
    payload: dict[str, Any]
    attempts: int = 0
    status_code: int | None = None
    delivered: bool = False
    error: str | None = None
    done: bool = field(default=False)
    target: str = field(default="", repr=False)  # the URL posted to, userinfo included

    def to_json(self) -> dict[str, Any]:
        shown = asdict(self)
        del shown["target"]
        return shown


class DeliveryLog:
    """The last `capacity` deliveries; read from other threads (SandboxServer), hence the lock."""

    def __init__(self, capacity: int) -> None:
        self._items: deque[Delivery] = deque(maxlen=capacity)
        self._lock = threading.Lock()

    def add(self, delivery: Delivery) -> None:
        with self._lock:
            self._items.append(delivery)

    def snapshot(self, trxid: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            return [d.to_json() for d in self._items if trxid is None or d.trxid == trxid]

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)


def _json(payload: Mapping[str, Any]) -> bytes:
    """The payload as compact UTF-8 JSON (the form httpx's `json=` sends)."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


class CallbackDispatcher:
    """Schedules and performs deliveries on the app's event loop."""

    def __init__(self, config: SandboxConfig, log: DeliveryLog) -> None:
        self._config = config
        self.log = log
        self._tasks: set[asyncio.Task[None]] = set()
        self._client: httpx.AsyncClient | None = None

    @property
    def pending(self) -> int:
        return len(self._tasks)

    def schedule(
        self,
        kind: Webhook,
        url: str,
        trxid: str,
        payload: Mapping[str, Any],
        *,
        extra_delay: float = 0.0,
    ) -> Delivery:
        """Record a delivery and start it (after `callback_delay` + `extra_delay`); refused
        (never sent) if invalid or over the bounds."""
        delivery = Delivery(
            trxid=trxid, url=hide_userinfo(url), kind=kind.name, payload=dict(payload), target=url
        )
        self.log.add(delivery)
        problem = self._refusal(kind, url, delivery.payload)
        if problem is not None:
            delivery.error, delivery.done = problem, True
            logger.warning("callback %s for %s not sent: %s", kind.name, trxid, problem)
            return delivery
        task = asyncio.get_running_loop().create_task(self._deliver(delivery, extra_delay))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return delivery

    def _refusal(self, kind: Webhook, url: str, payload: Mapping[str, Any]) -> str | None:
        if not is_allowed(url, self._config.callback_allow_hosts):
            return "host not in the callback allowlist"
        errors = sorted(kind.validator.iter_errors(payload), key=str)
        if errors:
            return f"payload does not match {kind.name}'s schema: {errors[0].message}"
        if len(self._tasks) >= self._config.max_pending_callbacks:
            return "too many pending callbacks"
        return None

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = url_client()  # kept: one connection pool for every callback
        return self._client

    async def _deliver(self, delivery: Delivery, extra_delay: float = 0.0) -> None:
        config = self._config
        try:
            if config.callback_delay + extra_delay:
                await asyncio.sleep(config.callback_delay + extra_delay)
            pause = config.callback_backoff
            for attempt in range(config.callback_retries + 1):
                if attempt:
                    await asyncio.sleep(pause)
                    pause *= 2
                delivery.attempts += 1
                if await self._attempt(delivery):
                    return
        finally:
            delivery.done = True

    async def _attempt(self, delivery: Delivery) -> bool:
        """One POST through `core.delivery`. Only the status matters; the answer's body is
        read up to `callback_max_response_bytes` and the whole attempt, body included, ends
        after `callback_timeout`, so a receiver cannot hold the sandbox or fill its memory."""
        config = self._config
        answer = await adeliver(
            delivery.target,
            client=self._http(),
            body=_json(delivery.payload),
            headers=JSON_HEADERS,
            timeout=config.callback_timeout,
            max_body=config.callback_max_response_bytes,
            allow_hosts=config.callback_allow_hosts,
        )
        status = answer.status  # an answer cut short after its status still counts
        if status is None:
            error = answer.error or "no answer"
            if error.startswith("timed out"):
                error = f"no answer within {config.callback_timeout} s"
            delivery.error = error.replace(delivery.target, delivery.url)
            return False
        delivery.status_code = status
        if 200 <= status < 300:
            delivery.delivered, delivery.error = True, None
            return True
        delivery.error = f"HTTP {status}"
        return False

    async def wait_idle(self, timeout: float | None = None) -> None:
        """Wait until every scheduled delivery has finished (tests)."""
        if self._tasks:
            await asyncio.wait_for(asyncio.gather(*list(self._tasks)), timeout)

    async def aclose(self) -> None:
        """Cancel pending deliveries and close the HTTP client (app shutdown)."""
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
        if self._client is not None:
            await self._client.aclose()
            self._client = None
