from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from werkzeug.serving import make_server

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
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        receivers.RELEASE.set()
        server.shutdown()
        server.server_close()
