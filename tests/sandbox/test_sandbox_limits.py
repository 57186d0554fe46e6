"""Server limits over loopback: idle connections, slow and huge request heads, paths the
official SDK sends, inspection endpoints behind a loopback Host check, and callback
receivers that answer too much or too slowly."""

from __future__ import annotations

import contextlib
import json
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from citcall_contract.core.hosts import hide_userinfo, host_header_name
from citcall_contract.sandbox import SandboxConfig, SandboxServer
from citcall_contract.sandbox.app import normalize_path
from tests.data import PHP

from .sandbox_support import API_KEY, AUTH, VALID_BODIES

IDLE_CONNECTIONS = 500


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    config = SandboxConfig(api_key=API_KEY, max_connections=50, header_timeout=0.5)
    with SandboxServer(config) as running:
        yield running


def _connect(server: SandboxServer) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    return sock


def _closed_by_server(sock: socket.socket) -> bytes:
    """What the server sent before closing (b"" if nothing); fails if it stays open 5 s."""
    received = b""
    while chunk := sock.recv(65536):
        received += chunk
    return received


def _serves_a_request(server: SandboxServer) -> bool:
    with httpx.Client(base_url=server.base_url, headers=AUTH, timeout=5) as client:
        answer = client.post("/motp", json=VALID_BODIES["motp"])
    return answer.status_code == 200 and answer.json()["rc"] == 0


def test_many_idle_connections_do_not_stop_a_normal_request():
    """The bounded load test: 500 idle connections (10x the cap of this server) open at
    once; a normal request is still answered, and the oldest idle ones were closed."""
    config = SandboxConfig(api_key=API_KEY, max_connections=50)
    with SandboxServer(config) as running, contextlib.ExitStack() as stack:
        idle = [stack.enter_context(_connect(running)) for _ in range(IDLE_CONNECTIONS)]
        assert _serves_a_request(running)
        assert _closed_by_server(idle[0]) == b""  # made room for the newer ones


def test_idle_connections_under_the_cap_stay_open_and_requests_are_served():
    with SandboxServer(SandboxConfig(api_key=API_KEY)) as running, contextlib.ExitStack() as st:
        idle = [st.enter_context(_connect(running)) for _ in range(IDLE_CONNECTIONS)]
        assert _serves_a_request(running)
        idle[-1].sendall(b"GET /_sandbox/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert idle[-1].recv(100).startswith(b"HTTP/1.1 200")


def test_a_request_head_that_never_completes_is_timed_out(server):
    with _connect(server) as sock:
        sock.sendall(b"POST /motp HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        assert _closed_by_server(sock) == b""
    with _connect(server) as silent:
        assert _closed_by_server(silent) == b""


def test_an_oversized_request_head_is_refused_with_431(server):
    with _connect(server) as sock:
        sock.sendall(b"POST /motp HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        with contextlib.suppress(OSError):  # the server may close while we still send
            for _ in range(64):
                sock.sendall(b"X-Big: " + b"a" * 1024 + b"\r\n")
        assert _closed_by_server(sock).startswith(b"HTTP/1.1 431")
    assert _serves_a_request(server)


def test_a_body_larger_than_the_head_limit_is_fine(server):
    body = {**VALID_BODIES["sendSms"], "text": "a" * 40_000}
    with httpx.Client(base_url=server.base_url, headers=AUTH) as client:
        answer = client.post("/sms", json=body)
    assert answer.json()["rc"] == 0


# Paths the gateway accepts ----------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "normal"),
    [("//v3/motp", "/v3/motp"), ("/v3//motp/", "/v3/motp"), ("/motp/", "/motp"), ("/", "/")],
)
def test_normalize_path(path, normal):
    assert normalize_path(path) == normal


@pytest.mark.parametrize("path", ["//v3/motp", "//gateway/v3//motp", "/v3/motp/", "///motp//"])
def test_the_official_sdks_double_slash_reaches_the_operation(server, path):
    """citcall/sample-php 3.4 posts to `https://pub.citcall.com/` + `/v3` + `/motp`."""
    with httpx.Client(headers=AUTH) as client:
        request = client.build_request(
            "POST", f"{server.base_url}{path}", json=VALID_BODIES["motp"]
        )
        assert request.url.raw_path.startswith(path.encode())  # sent as written
        answer = client.send(request)
    assert answer.status_code == 200
    assert answer.json()["rc"] == 0


def test_double_slash_over_a_raw_socket(server):
    payload = b'{"msisdn":"6281234567890","retry":1}'
    head = (
        f"POST //v3/motp HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Apikey {API_KEY}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n"
        "Connection: close\r\n\r\n"
    ).encode()
    with _connect(server) as sock:
        sock.sendall(head + payload)
        answer = _closed_by_server(sock)
    assert answer.startswith(b"HTTP/1.1 200")
    assert b'"rc":0' in answer


# Inspection endpoints: loopback Host names only ------------------------------------


@pytest.mark.parametrize(
    "host", ["127.0.0.1", "localhost", "LOCALHOST:8090", "127.0.0.2:1", "[::1]", "[::1]:80"]
)
def test_inspection_answers_loopback_host_names(server, host):
    answer = httpx.get(f"{server.base_url}/_sandbox/health", headers={"Host": host})
    assert answer.status_code == 200


@pytest.mark.parametrize(
    "host", ["evil.example", "evil.example:8090", "127.0.0.1.evil.example", "localhost.", "[::2]"]
)
def test_inspection_refuses_other_host_names(server, host):
    for method, path in [("GET", "/_sandbox/deliveries"), ("POST", "/_sandbox/reset")]:
        answer = httpx.request(method, f"{server.base_url}{path}", headers={"Host": host})
        assert answer.status_code == 403
        assert "loopback" in answer.json()["info"]
    # the API itself does not care about Host (clients may use any name for the sandbox)
    answer = httpx.post(
        f"{server.base_url}/motp", json=VALID_BODIES["motp"], headers={**AUTH, "Host": host}
    )
    assert answer.json()["rc"] == 0


def test_inspection_allow_hosts_adds_names():
    config = SandboxConfig(api_key=API_KEY, inspection_allow_hosts=("sandbox",))
    with SandboxServer(config) as running:
        url = f"{running.base_url}/_sandbox/health"
        assert httpx.get(url, headers={"Host": "sandbox:8090"}).status_code == 200
        assert httpx.get(url, headers={"Host": "other"}).status_code == 403


# Callback receivers that answer too much, too slowly, or never ----------------------


class _Receiver:
    """A raw loopback server: reads a request, then answers per `mode`; counts bytes sent."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.sent = 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}/hook"
        self.stop = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        with contextlib.suppress(OSError):
            while not self.stop.is_set():
                conn, _ = self.listener.accept()
                threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        with conn, contextlib.suppress(OSError):
            conn.recv(65536)
            if self.mode == "silent":
                self.stop.wait(10)
                return
            if self.mode == "huge":
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 50000000\r\n\r\n")
                chunk = b"x" * 65536
            else:  # endless, slowly
                conn.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
                chunk = b"10\r\n" + b"y" * 16 + b"\r\n"
            while not self.stop.is_set() and self.sent < 50_000_000:
                conn.sendall(chunk)
                self.sent += len(chunk)
                if self.mode == "endless":
                    time.sleep(0.01)

    def close(self) -> None:
        self.stop.set()
        self.listener.close()


@pytest.mark.parametrize(
    ("mode", "delivered"), [("huge", True), ("endless", True), ("silent", False)]
)
def test_callback_reads_are_capped_and_deadlined(mode, delivered):
    receiver = _Receiver(mode)
    config = SandboxConfig(api_key=API_KEY, callback_timeout=0.5, callback_retries=0)
    try:
        with SandboxServer(config) as running:
            body = {**VALID_BODIES["motp"], "callback_url": receiver.url}
            with httpx.Client(base_url=running.base_url, headers=AUTH) as client:
                client.post("/motp", json=body)
            (delivery,) = running.wait_for_deliveries(1, timeout=10)
    finally:
        receiver.close()
    assert delivery["done"]
    assert delivery["delivered"] is delivered
    if delivered:
        assert delivery["status_code"] == 200
    else:
        assert "no answer within" in delivery["error"]
    assert receiver.sent < 50_000_000  # the sandbox stopped reading long before the end


def test_callback_url_userinfo_is_hidden_in_deliveries(receiver):
    secret_url = receiver.url.replace("http://", "http://user:s3cret@")
    config = SandboxConfig(api_key=API_KEY)
    with SandboxServer(config) as running:
        client = httpx.Client(base_url=running.base_url, headers=AUTH)
        with client:
            client.post("/motp", json={**VALID_BODIES["motp"], "callback_url": secret_url})
            (delivery,) = running.wait_for_deliveries(1)
            listed = client.get("/_sandbox/deliveries").text
    assert delivery["delivered"]  # posted to the real URL
    assert "s3cret" not in repr(delivery)
    assert "s3cret" not in listed
    assert delivery["url"].startswith("http://***@127.0.0.1:")
    assert "s3cret" not in repr(running.state.deliveries._items[0])


@pytest.mark.skipif(shutil.which("php") is None, reason="php-cli is not installed")
def test_a_php_client_built_like_the_official_sdk(server):
    script = PHP / "sdk_motp.php"
    done = subprocess.run(
        ["php", str(script), server.base_url, API_KEY],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    url, status, body = done.stdout.splitlines()[:3]
    assert url.endswith("//v3/motp")
    assert " 200 " in status
    assert json.loads(body)["rc"] == 0


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ("127.0.0.1:8090", "127.0.0.1"),
        ("[::1]:80", "::1"),
        ("LocalHost", "localhost"),
        ("evil.example:80", "evil.example"),
        ("[::1", None),
        ("[::1]x", None),
        ("host:port", None),
        ("", None),
        (None, None),
    ],
)
def test_host_header_name(header, name):
    assert host_header_name(header) == name


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("http://u:p@127.0.0.1:9/x?q=1", "http://***@127.0.0.1:9/x?q=1"),
        ("http://u@localhost/x", "http://***@localhost/x"),
        ("http://a:b@c@127.0.0.1/", "http://***@127.0.0.1/"),
        ("http://127.0.0.1/x@y", "http://127.0.0.1/x@y"),
    ],
)
def test_hide_userinfo(url, shown):
    assert hide_userinfo(url) == shown
