"""A sandbox served by uvicorn in a background thread, for tests and the pytest plugin.

`serving.BackgroundServer` binds the socket first (so `port=0` gives a free port known at
once) and runs uvicorn with the sandbox's own protocol and limits (`uvicorn_config`).
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import uvicorn

from citcall_contract.core.serving import BackgroundServer
from citcall_contract.sandbox.app import create_app
from citcall_contract.sandbox.config import SandboxConfig
from citcall_contract.sandbox.state import SandboxState

#: Seconds a stopping server waits for answers in flight (e.g. a `slow` fault) before
#: cancelling them.
SHUTDOWN_GRACE = 1


def uvicorn_config(
    app: Any,
    config: SandboxConfig,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    log_level: str = "warning",
    access_log: bool = False,
    http: type[asyncio.Protocol] | str | None = None,
) -> uvicorn.Config:
    """uvicorn settings of the sandbox (SandboxServer and the command): its protocol, which
    can drop connections for faults and enforces the head size and time-out and the
    connection cap, and the idle keep-alive time-out.

    No proxy headers: nothing stands in front of the sandbox, and uvicorn would otherwise
    let any local client rewrite its address and scheme with `X-Forwarded-*`. `http`
    replaces the protocol (bench/sandbox_throughput.py serves its baselines with uvicorn's
    own and these settings otherwise)."""
    from citcall_contract.sandbox.protocol import protocol_class

    return uvicorn.Config(
        app,
        host=host,
        port=port,
        http=protocol_class(config) if http is None else http,
        lifespan="on",
        log_level=log_level,
        access_log=access_log,
        timeout_keep_alive=config.keep_alive_timeout,  # type: ignore[arg-type]  # float works
        timeout_graceful_shutdown=SHUTDOWN_GRACE,
        h11_max_incomplete_event_size=config.max_header_bytes,
        proxy_headers=False,
    )


class SandboxServer(BackgroundServer):
    """`with SandboxServer(config) as server:` serves on `server.base_url` until the block ends."""

    thread_name = "citcall-sandbox"

    def __init__(
        self,
        config: SandboxConfig | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        log_level: str = "warning",
    ) -> None:
        self.config = config or SandboxConfig()
        super().__init__(create_app(self.config), host, port, log_level=log_level)

    def uvicorn_config(self, log_level: str) -> uvicorn.Config:
        return uvicorn_config(self.app, self.config, log_level=log_level, access_log=False)

    @property
    def state(self) -> SandboxState:
        state: SandboxState = self.app.state.sandbox
        return state

    def sends(
        self, msisdn: str | None = None, operation: str | None = None
    ) -> list[dict[str, Any]]:
        """Processed requests, for one number and operation if given (`GET /_sandbox/sends`):
        `len(server.sends(msisdn, "motp")) == 1` says "sent exactly once"."""
        return self.state.sends(msisdn, operation)

    def requests(
        self, msisdn: str | None = None, operation: str | None = None
    ) -> list[dict[str, Any]]:
        """Every operation request with its fault and `processed` (`GET /_sandbox/requests`)."""
        return self.state.requests.snapshot(msisdn, operation)

    def deliveries(self, trxid: str | None = None) -> list[dict[str, Any]]:
        """Callback deliveries so far (the data of `GET /_sandbox/deliveries`)."""
        return self.state.deliveries.snapshot(trxid)

    def wait_for_deliveries(
        self, count: int, timeout: float = 5.0, trxid: str | None = None
    ) -> list[dict[str, Any]]:
        """Poll until `count` deliveries (for `trxid`, if given) have finished, or time out."""
        deadline = time.monotonic() + timeout
        while True:
            found = [d for d in self.deliveries(trxid) if d["done"]]
            if len(found) >= count or time.monotonic() >= deadline:
                return found
            time.sleep(0.01)
