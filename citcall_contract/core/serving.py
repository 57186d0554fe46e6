"""An ASGI app served by uvicorn in a daemon thread: the sandbox, verify's relay, the recorder.

The socket is bound before the thread starts, so `port=0` gives a free port that is
known at once and no other process can take in between. uvicorn is imported when a
server starts, never at import (it comes with the `sandbox` extra).
"""

from __future__ import annotations

import socket
import threading
import time
from typing import TYPE_CHECKING, Any, Self

if TYPE_CHECKING:
    import uvicorn

STARTUP_TIMEOUT = 10.0


class BackgroundServer:
    """`with BackgroundServer(app) as server:` serves on `server.base_url` until the block ends.

    Subclasses change `uvicorn_config` to tune the server (protocol, limits, logging).
    """

    thread_name = "citcall-server"

    def __init__(
        self, app: Any, host: str = "127.0.0.1", port: int = 0, *, log_level: str = "error"
    ) -> None:
        self.app = app
        self.host = host
        self._requested_port = port
        self._log_level = log_level
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None
        self.port: int | None = None

    def __repr__(self) -> str:
        return f"{type(self).__name__}(host={self.host!r}, port={self.port!r})"

    @property
    def base_url(self) -> str:
        if self.port is None:
            raise RuntimeError(f"the {type(self).__name__} is not running")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def uvicorn_config(self, log_level: str) -> uvicorn.Config:
        import uvicorn

        return uvicorn.Config(self.app, log_level=log_level, access_log=False, lifespan="on")

    def start(self) -> None:
        import uvicorn

        if self._thread is not None:
            raise RuntimeError(f"the {type(self).__name__} is already running")
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self._requested_port))
        self._socket = sock
        self.port = sock.getsockname()[1]
        server = uvicorn.Server(self.uvicorn_config(self._log_level))
        self._server = server
        self._thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name=self.thread_name, daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the {type(self).__name__} did not start")
            time.sleep(0.005)

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=STARTUP_TIMEOUT)
        if self._socket is not None:
            self._socket.close()
        self._server, self._thread, self._socket, self.port = None, None, None, None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
