"""A test server on a daemon thread: started, its loopback address handed out, stopped.

Hostile servers, fake receivers and the built docs site all need the same lifetime: serve
until the test is done, then shut down and close the socket, even when the test failed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from threading import Thread
from typing import Any, Protocol


class _Server(Protocol):
    """What `socketserver` and werkzeug servers both offer."""

    server_address: Any

    def serve_forever(self, poll_interval: float = ...) -> None: ...
    def shutdown(self) -> None: ...
    def server_close(self) -> None: ...


@contextmanager
def serve_in_background(server: _Server, poll_interval: float = 0.5) -> Iterator[str]:
    """Serve `server` (bound to 127.0.0.1) in the background; yields `http://127.0.0.1:PORT`."""
    Thread(target=server.serve_forever, args=(poll_interval,), daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
