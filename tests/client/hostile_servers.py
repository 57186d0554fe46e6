"""Loopback HTTP servers that misbehave on purpose: endless, trickling, huge answers.

Each runs in a thread on 127.0.0.1 and counts the requests it read, so a test can assert
"sent once" as well as the facade's outcome. Only used by the client's tests.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

Handler = Callable[[socket.socket, "HostileServer"], None]


class HostileServer:
    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.requests = 0
        self.bytes_sent = 0
        self.finished = False  # set by handlers that can run to their end
        self.stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self.port = self._listener.getsockname()[1]
        self.base_url = f"http://127.0.0.1:{self.port}/v3"
        self._threads: list[threading.Thread] = []

    def serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            thread = threading.Thread(target=self._run, args=(conn,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _run(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(5)
            try:
                read_request(conn)
                self.requests += 1
                self.handler(conn, self)
            except OSError:
                pass  # the client hung up: what these servers are for

    def send(self, conn: socket.socket, data: bytes) -> None:
        conn.sendall(data)
        self.bytes_sent += len(data)

    def close(self) -> None:
        self.stop.set()
        self._listener.close()
        for thread in self._threads:
            thread.join(timeout=5)


def read_request(conn: socket.socket) -> bytes:
    """Headers and a Content-Length body (the facade always sends one)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            raise ConnectionError("client closed")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(body) < length:
        body += conn.recv(65536)
    return body


@contextmanager
def hostile_server(handler: Handler) -> Iterator[HostileServer]:
    server = HostileServer(handler)
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.close()
        thread.join(timeout=5)


def endless_body(conn: socket.socket, server: HostileServer) -> None:
    """A 200 whose chunked JSON-looking body never ends, as fast as the client reads."""
    server.send(conn, b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
    server.send(conn, b"Transfer-Encoding: chunked\r\n\r\n")
    chunk = b"[" * 4096
    frame = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
    while not server.stop.is_set():
        server.send(conn, frame)


def trickling_body(conn: socket.socket, server: HostileServer) -> None:
    """A 200 that sends one byte every 50 ms, forever: every read succeeds in time."""
    server.send(conn, b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
    server.send(conn, b"Content-Length: 100000000\r\n\r\n{")
    while not server.stop.is_set():
        time.sleep(0.05)
        server.send(conn, b" ")


#: Bytes of the status line `trickling_head` sends, one per `HEAD_BYTE_PAUSE` seconds.
TRICKLED_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
HEAD_BYTE_PAUSE = 0.25


def trickling_head(conn: socket.socket, server: HostileServer) -> None:
    """A head that never completes: one byte every 0.25 s (about 12 s in all), then a
    hang-up. Every read succeeds in time; only an overall deadline ends the wait sooner.
    `server.finished` tells whether the client listened to the end."""
    for index in range(len(TRICKLED_HEAD)):
        if server.stop.is_set():
            return
        server.send(conn, TRICKLED_HEAD[index : index + 1])
        time.sleep(HEAD_BYTE_PAUSE)
    server.finished = True


def huge_declared_body(conn: socket.socket, server: HostileServer) -> None:
    """A 200 announcing and sending 50 MB of JSON whitespace."""
    server.send(conn, b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
    server.send(conn, b"Content-Length: 50000000\r\n\r\n")
    block = b" " * 65536
    for _ in range(50_000_000 // len(block)):
        if server.stop.is_set():
            return
        server.send(conn, block)


def closed_port() -> str:
    """A loopback base URL where nothing listens (connection refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/v3"
