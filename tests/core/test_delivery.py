"""`citcall_contract.core.delivery`: one request to a URL or an in-process app, bounded."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from citcall_contract.core.delivery import (
    SERVER_ERROR_BODY,
    DeliveryRefused,
    adeliver,
    app_interface,
    deliver,
    url_client,
)
from tests.serving import serve_in_background

RELEASE = threading.Event()


@pytest.fixture(autouse=True)
def _release_hanging_apps() -> Iterator[None]:
    RELEASE.clear()
    yield
    RELEASE.set()


async def echo(request: Request) -> Response:
    return JSONResponse(
        {
            "path": request.url.path,
            "body": (await request.body()).decode(),
            "ct": request.headers.get("content-type"),
        }
    )


async def crash(request: Request) -> Response:
    raise KeyError("rc")


async def hang(request: Request) -> Response:
    await asyncio.sleep(60)
    return Response()


async def endless(request: Request) -> Response:
    async def chunks():
        while True:
            yield b"x" * 4096

    return StreamingResponse(chunks())


async def silent(scope, receive, send) -> None:
    """An ASGI app that returns without answering."""


ASGI_APP = Starlette(
    routes=[
        Route("/echo", echo, methods=["POST"]),
        Route("/crash", crash, methods=["POST"]),
        Route("/hang", hang, methods=["POST"]),
        Route("/endless", endless, methods=["POST"]),
    ]
)


def wsgi_app(environ, start_response):
    path = environ["PATH_INFO"]
    if path == "/crash":
        raise KeyError("rc")
    if path == "/hang":
        RELEASE.wait(30)
    start_response("200 OK", [("Content-Type", "text/plain")])
    if path == "/endless":
        return iter(lambda: b"y" * 4096, None)
    length = int(environ.get("CONTENT_LENGTH") or 0)
    return [path.encode(), b" ", environ["wsgi.input"].read(length)]


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        if self.path == "/hang":
            RELEASE.wait(30)
        if self.path == "/drop":
            self.connection.close()
            return
        self.send_response(202)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Seen", self.path)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args) -> None:
        pass


@pytest.fixture(scope="module")
def server_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    with serve_in_background(server) as url:
        yield url
        RELEASE.set()


def test_interfaces_are_told_apart() -> None:
    assert app_interface(ASGI_APP) == "asgi"
    assert app_interface(silent) == "asgi"
    assert app_interface(wsgi_app) == "wsgi"


@pytest.mark.parametrize("app", [ASGI_APP, wsgi_app], ids=["asgi", "wsgi"])
def test_app_gets_path_body_and_headers(app) -> None:
    result = deliver(
        app, path="/echo", body=b'{"rc":0}', headers={"Content-Type": "application/json"}
    )
    assert result.status == 200
    assert result.answered
    assert b'{"rc":0}' in result.body or b'{\\"rc\\":0}' in result.body
    assert b"/echo" in result.body
    assert result.error is None


@pytest.mark.parametrize("app", [ASGI_APP, wsgi_app], ids=["asgi", "wsgi"])
def test_app_that_raises_is_answered_500_with_the_exception_kept(app) -> None:
    result = deliver(app, path="/crash", body=b"{}")
    assert result.status == 500
    assert result.raised == "KeyError: 'rc'"
    if app is wsgi_app:
        assert result.body == SERVER_ERROR_BODY
    assert result.error is None


@pytest.mark.parametrize("app", [ASGI_APP, wsgi_app], ids=["asgi", "wsgi"])
def test_hanging_app_times_out(app) -> None:
    result = deliver(app, path="/hang", body=b"{}", timeout=0.3)
    assert result.status is None
    assert result.error is not None
    assert "timed out" in result.error
    assert not result.answered


@pytest.mark.parametrize("app", [ASGI_APP, wsgi_app], ids=["asgi", "wsgi"])
def test_endless_answer_is_cut_at_max_body(app) -> None:
    result = deliver(app, path="/endless", body=b"{}", max_body=10_000)
    assert result.status == 200
    assert result.truncated
    assert len(result.body) == 10_000


def test_app_that_never_answers_is_an_error() -> None:
    result = deliver(silent, path="/", body=b"{}")
    assert result.status is None
    assert result.error == "the app returned without answering"


async def test_async_delivery_to_asgi_and_wsgi() -> None:
    first = await adeliver(ASGI_APP, path="/echo", body=b"a")
    second = await adeliver(wsgi_app, path="/hang", body=b"a", timeout=0.2)
    assert first.status == 200
    assert second.status is None
    assert "timed out" in (second.error or "")


def test_url_delivery_appends_the_path(server_url: str) -> None:
    result = deliver(server_url + "/base", path="/sms", body=b"hello")
    assert result.status == 202
    assert result.headers["x-seen"] == "/base/sms"
    assert result.body == b"hello"


def test_url_that_hangs_times_out(server_url: str) -> None:
    result = deliver(server_url + "/hang", body=b"x", timeout=0.3)
    assert result.status is None
    assert "timed out" in (result.error or "")


def test_url_that_drops_the_connection_is_an_error(server_url: str) -> None:
    result = deliver(server_url + "/drop", body=b"x")
    assert result.status is None
    assert result.error is not None


def test_url_answer_is_capped(server_url: str) -> None:
    result = deliver(server_url, body=b"z" * 5000, max_body=100)
    assert result.truncated
    assert result.body == b"z" * 100


async def test_a_kept_client_is_reused_and_left_open(server_url: str) -> None:
    async with url_client() as client:
        first = await adeliver(server_url, path="/one", body=b"1", client=client)
        second = await adeliver(server_url + "/hang", body=b"2", timeout=0.3, client=client)
        third = await adeliver(server_url, path="/three", body=b"3", client=client)
        assert not client.is_closed
    assert (first.status, first.body, third.status, third.body) == (202, b"1", 202, b"3")
    assert second.status is None
    assert "timed out" in (second.error or "")


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/hook",
        "http://user:secret@example.com/hook",
        "ftp://127.0.0.1/hook",
        "http://10.0.0.1/hook",
        "not a url",
    ],
)
def test_hosts_outside_the_allowlist_are_refused_without_contact(url: str) -> None:
    with pytest.raises(DeliveryRefused) as caught:
        deliver(url, body=b"x")
    assert "secret" not in str(caught.value)


def test_localhost_is_on_the_default_allowlist(server_url: str) -> None:
    assert deliver(server_url.replace("127.0.0.1", "localhost"), body=b"x").status == 202


@pytest.mark.parametrize("timeout", [0, -1, float("inf"), float("nan")])
def test_timeout_must_be_bounded(timeout: float) -> None:
    with pytest.raises(DeliveryRefused, match="timeout"):
        deliver(ASGI_APP, path="/echo", timeout=timeout)


def test_not_an_app_is_refused() -> None:
    with pytest.raises(DeliveryRefused):
        deliver(42)  # type: ignore[arg-type]


class WsgiHandler:
    """Shaped like Django's WSGIHandler: a class whose instances are WSGI apps."""

    def __call__(self, environ, start_response):
        start_response("201 Created", [("Content-Type", "text/plain")])
        return [environ.get("HTTP_ACCEPT_ENCODING", "").encode()]


class AsgiHandler:
    """Shaped like Django's ASGIHandler: a class with an async __call__."""

    async def __call__(self, scope, receive, send):
        await receive()
        await send({"type": "http.response.start", "status": 202, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


def test_class_based_apps_like_djangos_handlers() -> None:
    assert app_interface(WsgiHandler()) == "wsgi"
    assert app_interface(AsgiHandler()) == "asgi"
    wsgi = deliver(WsgiHandler(), body=b"{}")
    assert (wsgi.status, wsgi.body) == (201, b"identity")  # answers are asked uncompressed
    assert deliver(AsgiHandler(), body=b"{}").status == 202


def test_an_interface_can_be_forced() -> None:
    def ambiguous(*args):
        return AsgiHandler()(*args)

    with pytest.raises(DeliveryRefused, match="interface"):
        deliver(ambiguous, body=b"{}")
    assert deliver(ambiguous, body=b"{}", interface="asgi").status == 202


async def protocol_breaker(scope, receive, send) -> None:
    """Sends a body before the status line: the exchange fails, the caller gets a result."""
    await send({"type": "http.response.body", "body": b"x"})


def test_an_app_breaking_the_protocol_is_an_error_not_an_exception() -> None:
    result = deliver(protocol_breaker, body=b"{}")
    assert not result.answered
    assert result.error is not None
