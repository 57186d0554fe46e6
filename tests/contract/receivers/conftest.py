from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from werkzeug.serving import make_server

from tests.serving import serve_in_background

from . import receivers


@pytest.fixture(autouse=True)
def _fresh_receivers() -> Iterator[None]:
    receivers.reset()
    receivers.RELEASE.clear()
    yield
    receivers.RELEASE.set()  # hanging receivers let their threads go


@contextmanager
def serving(app) -> Iterator[str]:
    """A WSGI app on a free loopback port (werkzeug, threaded); yields its base URL."""
    with serve_in_background(make_server("127.0.0.1", 0, app, threaded=True)) as url:
        try:
            yield url
        finally:
            receivers.RELEASE.set()


@contextmanager
def serving_asgi(app) -> Iterator[str]:
    """An ASGI app under uvicorn on a free loopback port; yields its base URL."""
    import socket
    import time

    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="error", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
