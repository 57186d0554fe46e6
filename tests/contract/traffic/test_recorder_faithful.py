"""`record` writes no secret and no OTP, and changes nothing the client under test sees.

Issue 18 items 6-9 and 16: every header value and URL redacted (an upstream echoing the
key in `X-Echo-Auth` or `Location: http://u:KEY@h/`), user info in `--upstream` refused,
OTP codes masked in any layout, upstream faults passed on as they are (dropped stays
dropped, truncated stays truncated) and written as the client got them, non-Latin-1
header values, bounded request heads, and a one-letter key that mangles no word.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import sys
import time

import httpx
import pytest

from citcall_contract.contract.traffic import proxy
from citcall_contract.sandbox import faults

from ...client.hostile_servers import hostile_server
from .traffic_support import recording

KEY = "rec-key-5b1e9d0c7a"
BASIC = base64.b64encode(f"acme:{KEY}".encode()).decode()
SMSOTP = {"msisdn": "6281234567890", "senderid": "citcall", "token": "482913"}
FULL_WIDTH = str.maketrans("0123456789", "".join(map(chr, range(0xFF10, 0xFF1A))))
LAYOUTS = ["482913", "482-913", "48 29 13", "48.29.13"]
LAYOUTS += [layout.translate(FULL_WIDTH) for layout in ("482913", "482 913")]


def _read_body(receive):
    async def read() -> bytes:
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                return body

    return read()


async def echo_everything(scope, receive, send):
    """An upstream that echoes credentials and the request back in every place it can."""
    if scope["type"] != "http":
        return
    body = (await _read_body(receive)).decode()
    auth = dict(scope["headers"]).get(b"authorization", b"")
    key = auth.split(b" ")[-1]
    answer = {
        "rc": 96,
        "info": f"apikey {key.decode()} not found; you sent {body}",
        "text": "Kode " + " / ".join(LAYOUTS),
        "url": f"http://acme:{KEY}@gateway.test/v3",
    }
    headers = [
        (b"content-type", b"application/json"),
        (b"x-echo-auth", auth),
        (b"location", b"http://u:" + key + b"@gateway.test/"),
        (b"x-debug", b"request had " + auth),
        (b"set-cookie", b"session=" + key),
        (b"link", b"<https://gateway.test/v3?apikey=" + key + b">"),
    ]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": json.dumps(answer).encode()})


def _written(rec) -> str:
    return rec.writer.path.read_text(encoding="utf-8")


@pytest.mark.parametrize("auth", [f"Apikey {KEY}", f"Basic {BASIC}"], ids=["apikey", "basic"])
def test_no_credential_is_written_in_any_header_url_or_body(tmp_path, auth):
    with (
        recording(echo_everything, tmp_path) as rec,
        httpx.Client(base_url=rec.proxy, headers={"Authorization": auth}) as client,
    ):
        answer = client.post(f"/smsotp?apikey={KEY}", json={**SMSOTP, "text": f"key {KEY}"})
        written = _written(rec)
    assert answer.headers["x-echo-auth"] == auth  # the client got the upstream's answer
    assert KEY not in written
    assert BASIC not in written
    [entry] = [json.loads(line) for line in written.splitlines()]
    headers = {h["name"]: h["value"] for h in entry["response"]["headers"]}
    assert headers["x-echo-auth"] == headers["set-cookie"] == "<redacted>"
    assert headers["location"] == "http://redacted@gateway.test/"
    assert "apikey=redacted" in entry["request"]["url"]


def _record(*argv: str) -> subprocess.CompletedProcess[str]:
    """`record` run as a user runs it; one that serves instead of refusing is stopped."""
    command = [sys.executable, "-m", "citcall_contract", "record", "--port", "0", *argv]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    try:
        return subprocess.run(command, capture_output=True, text=True, env=env, timeout=30)
    except subprocess.TimeoutExpired as exc:
        raise AssertionError("record served instead of refusing its arguments") from exc


@pytest.mark.parametrize(
    ("upstream", "why"),
    [
        (f"http://acme:{KEY}@127.0.0.1:9/v3", "user info"),
        (f"http://{KEY}@127.0.0.1:9/v3", "user info"),
        (f"http://127.0.0.1:9/v3?apikey={KEY}", "query"),
    ],
)
def test_secrets_in_the_upstream_are_refused_without_echoing_them(tmp_path, upstream, why):
    done = _record("--upstream", upstream, "--out", str(tmp_path / "o"))
    assert done.returncode == 2
    assert why in done.stderr
    assert KEY not in done.stderr + done.stdout
    assert not (tmp_path / "o").exists()


def test_a_missing_parent_of_out_is_refused_not_created(tmp_path):
    out = tmp_path / "no" / "such" / "dir"
    done = _record("--upstream", "http://127.0.0.1:9/v3", "--out", str(out))
    assert done.returncode == 2
    assert "--out" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "no").exists()


@pytest.mark.parametrize("layout", LAYOUTS)
def test_the_request_token_is_masked_in_any_layout_in_request_and_answer(tmp_path, layout):
    with (
        recording(echo_everything, tmp_path) as rec,
        httpx.Client(base_url=rec.proxy, headers={"Authorization": f"Apikey {KEY}"}) as client,
    ):
        client.post("/smsotp", json={**SMSOTP, "text": f"Your code is {layout}"})
        written = _written(rec)
    for form in LAYOUTS:
        assert form not in written, form
    [entry] = [json.loads(line) for line in written.splitlines()]
    sent = json.loads(entry["request"]["postData"]["text"])
    assert sent["msisdn"] == SMSOTP["msisdn"]  # other numbers are kept
    assert sent["text"].startswith("Your code is ")


def test_a_one_letter_key_mangles_no_word_in_a_recording(tmp_path):
    with (
        recording(echo_everything, tmp_path) as rec,
        httpx.Client(base_url=rec.proxy, headers={"Authorization": "Apikey k"}) as client,
    ):
        client.post(
            "/sms", json={"msisdn": "6281234567890", "senderid": "citcall_mock", "text": "ok"}
        )
        written = _written(rec)
    [entry] = [json.loads(line) for line in written.splitlines()]
    sent = json.loads(entry["request"]["postData"]["text"])
    assert sent["senderid"] == "citcall_mock"
    answer = json.loads(entry["response"]["content"]["text"])
    assert answer["info"].startswith("apikey *** not found")
    assert "citcall_mock" in answer["info"]


# -- item 8: faults pass through as they are ------------------------------------------------


def dropping(conn, server):
    """Reads the request, then closes the connection without a word."""


def truncating(conn, server):
    server.send(conn, b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
    server.send(conn, b'Content-Length: 100\r\n\r\n{"rc": 0, "trx')


def euro_header(conn, server):
    body = b'{"rc": 0, "trxid": "1"}'
    server.send(conn, b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
    server.send(conn, "X-Note: € uro\r\n".encode())
    server.send(conn, b"Content-Length: %d\r\n\r\n%s" % (len(body), body))


def _outcome(url: str) -> str:
    try:
        with httpx.Client() as client:
            answer = client.post(url, json={"msisdn": "6281234567890"})
    except httpx.HTTPError as exc:
        return type(exc).__name__
    return f"{answer.status_code} {answer.headers.get('content-type')}"


@pytest.mark.parametrize("handler", [dropping, truncating], ids=["dropped", "truncated"])
def test_a_fault_reaches_the_client_as_it_would_without_the_recorder(tmp_path, handler):
    with hostile_server(handler) as upstream:
        origin = f"http://127.0.0.1:{upstream.port}"
        direct = _outcome(f"{origin}/gateway/v3/asynccall")
        with recording(origin, tmp_path) as rec:
            relayed = _outcome(f"{rec.proxy}/asynccall")
            [entry] = rec.entries()
    assert direct == relayed == "RemoteProtocolError"
    assert entry["_citcall"]["fault"] == handler.__name__.replace("ping", "ped").replace(
        "ating", "ated"
    )
    if handler is dropping:
        assert entry["response"]["status"] == 0
    else:
        assert entry["response"]["status"] == 200
        assert entry["response"]["content"]["text"] == '{"rc": 0, "trx'


def test_a_non_latin1_header_value_passes_and_is_recorded_as_sent(tmp_path):
    with (
        hostile_server(euro_header) as upstream,
        recording(f"http://127.0.0.1:{upstream.port}", tmp_path) as rec,
    ):
        with httpx.Client() as client:
            answer = client.post(f"{rec.proxy}/asynccall", json={"msisdn": "6281234567890"})
        [entry] = rec.entries()
    assert answer.status_code == 200
    assert answer.headers.get_list("x-note") == ["€ uro"]  # the bytes as sent, UTF-8
    assert entry["response"]["status"] == 200
    written = {h["name"].lower(): h["value"] for h in entry["response"]["headers"]}
    assert written["x-note"] == "€ uro"


def test_the_drop_extension_is_the_sandbox_protocols():
    assert proxy.DROP_EXTENSION == faults.DROP_EXTENSION


# -- item 9: request heads are bounded in time ----------------------------------------------


def test_a_half_sent_head_is_closed_after_the_header_timeout(tmp_path):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    command = [
        sys.executable, "-m", "citcall_contract", "record",
        "--upstream", "http://127.0.0.1:9/gateway/v3",
        "--out", str(tmp_path), "--port", "0", "--header-timeout", "0.3",
    ]  # fmt: skip
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True
    ) as recorder:
        try:
            banner = recorder.stdout.readline()
            assert banner.startswith("citcall-contract record: http://127.0.0.1:"), banner
            port = int(banner.split("http://127.0.0.1:")[1].split(" ")[0])
            with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
                conn.sendall(b"POST /sms HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
                started = time.monotonic()
                assert conn.recv(1024) == b""  # closed by the recorder, not by our timeout
                assert time.monotonic() - started < 10
        finally:
            recorder.terminate()
            recorder.wait(timeout=10)
