"""A sandbox served by uvicorn in a background thread, for tests and the pytest plugin.

The socket is bound before the thread starts, so `port=0` gives a free port that is
known at once and no other process can take in between.
"""

from __future__ import annotations

import socket
import threading
import time
from types import TracebackType
from typing import Any

import uvicorn

from citcall_contract.sandbox.app import create_app
from citcall_contract.sandbox.config import SandboxConfig
from citcall_contract.sandbox.state import SandboxState

STARTUP_TIMEOUT = 10.0
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
) -> uvicorn.Config:
    """uvicorn settings of the sandbox (SandboxServer and the command): its protocol, which
    can drop connections for faults and enforces the head size and time-out and the
    connection cap, and the idle keep-alive time-out."""
    from citcall_contract.sandbox.protocol import protocol_class

    return uvicorn.Config(
        app,
        host=host,
        port=port,
        http=protocol_class(config),
        lifespan="on",
        log_level=log_level,
        access_log=access_log,
        timeout_keep_alive=config.keep_alive_timeout,  # type: ignore[arg-type]  # float works
        timeout_graceful_shutdown=SHUTDOWN_GRACE,
        h11_max_incomplete_event_size=config.max_header_bytes,
    )


class SandboxServer:
    """`with SandboxServer(config) as server:` serves on `server.base_url` until the block ends."""

    def __init__(
        self,
        config: SandboxConfig | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        log_level: str = "warning",
    ) -> None:
        self.config = config or SandboxConfig()
        self.host = host
        self.app = create_app(self.config)
        self._requested_port = port
        self._log_level = log_level
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None
        self.port: int | None = None

    def __repr__(self) -> str:
        return f"SandboxServer(host={self.host!r}, port={self.port!r})"

    @property
    def state(self) -> SandboxState:
        state: SandboxState = self.app.state.sandbox
        return state

    @property
    def base_url(self) -> str:
        if self.port is None:
            raise RuntimeError("the sandbox server is not running")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

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

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("the sandbox server is already running")
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self._requested_port))
        self._socket = sock
        self.port = sock.getsockname()[1]
        server = uvicorn.Server(
            uvicorn_config(self.app, self.config, log_level=self._log_level, access_log=False)
        )
        self._server = server
        self._thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name="citcall-sandbox", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the sandbox server did not start")
            time.sleep(0.005)

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=STARTUP_TIMEOUT)
        if self._socket is not None:
            self._socket.close()
        self._server, self._thread, self._socket, self.port = None, None, None, None

    def __enter__(self) -> SandboxServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
