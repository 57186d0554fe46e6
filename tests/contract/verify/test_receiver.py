"""The loopback callback receiver validates what it catches against the spec's webhooks."""

from __future__ import annotations

import httpx
import pytest

from citcall_contract import spec
from citcall_contract.contract.verify.callback_sink import CallbackReceiver, callback_kinds


def _example(kind: str) -> dict:
    path_item = spec.resolve(spec.load_spec()["webhooks"][kind])
    media = spec.resolve(path_item["post"]["requestBody"])["content"]["application/json"]
    return next(iter(spec.example_values(media).values()))


def test_operations_map_to_the_webhooks_their_callbacks_post():
    assert callback_kinds() == {
        "asyncMiscall": "missedCallStatus",
        "motp": "missedCallStatus",
        "sendSms": "smsStatus",
        "sendSmsOtp": "smsOtpStatus",
    }


def test_valid_callbacks_pass_and_broken_ones_are_explained():
    with CallbackReceiver() as receiver:
        good = _example("missedCallStatus")
        httpx.post(receiver.url_for("missedCallStatus"), json=good)
        httpx.post(receiver.url_for("smsStatus"), json={"trxid": "123"})
        httpx.post(receiver.url_for("smsOtpStatus"), content=b"<html>")
        httpx.post(receiver.base_url + "/elsewhere", json=good)
        caught = receiver.wait_for({good["trxid"], "123"}, timeout=5)
    problems = {c.kind: c.problem for c in caught}
    assert problems["missedCallStatus"] is None
    assert "result" in problems["smsStatus"]
    assert "body is not JSON" in problems["smsOtpStatus"]
    assert "unknown path" in problems["elsewhere"]
    assert caught[0].trxid == good["trxid"]


def test_a_sender_posts_many_callbacks_over_one_connection():
    good = _example("smsStatus")
    with CallbackReceiver() as receiver, httpx.Client() as client:
        ports = set()
        for number in range(3):
            answer = client.post(receiver.url_for("smsStatus"), json={**good, "trxid": str(number)})
            assert answer.status_code == 200
            assert answer.http_version == "HTTP/1.1"
            assert answer.headers.get("connection") != "close"
            ports.add(answer.extensions["network_stream"].get_extra_info("client_addr")[1])
        caught = receiver.wait_for({"0", "1", "2"}, timeout=5)
    assert len(ports) == 1  # one kept-alive connection
    assert [c.problem for c in caught] == [None, None, None]


def test_deeply_nested_json_is_a_problem_not_a_crash():
    """Hostile JSON goes through parse_callback's guards (no RecursionError in the thread)."""
    with CallbackReceiver() as receiver:
        answer = httpx.post(receiver.url_for("smsStatus"), content=b"[" * 5000 + b"]" * 5000)
        good = _example("smsStatus")
        httpx.post(receiver.url_for("smsStatus"), json=good)
        caught = receiver.wait_for({good["trxid"]}, timeout=5)
    assert answer.status_code < 500
    problems = [c.problem for c in caught]
    assert None in problems
    assert any(p and "callback" in p for p in problems), problems


def _raw_post(receiver, head: bytes, body: bytes = b"") -> bytes:
    """Send bytes as they are (httpx would fix the Content-Length) and read the answer."""
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(receiver.base_url)
    with socket.create_connection((parts.hostname, parts.port), timeout=5) as sock:
        sock.sendall(head)
        try:
            sock.sendall(body)
            sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass  # the receiver closed early, without reading the body
        answer = b""
        try:
            while chunk := sock.recv(4096):
                answer += chunk
        except ConnectionResetError:
            pass
    return answer


@pytest.mark.parametrize("length", ["-1", "abc", "1e3", " ", "+5"])
def test_a_bad_content_length_is_refused_without_reading_or_a_traceback(length, capsys):
    with CallbackReceiver() as receiver:
        head = f"POST /smsStatus HTTP/1.1\r\nHost: x\r\nContent-Length: {length}\r\n\r\n".encode()
        answer = _raw_post(receiver, head, b'{"trxid": "1", "result": "ok"}' * 1000)
        caught = receiver.caught()
    assert answer.startswith(b"HTTP/1.0 400") or answer.startswith(b"HTTP/1.1 400")
    assert [c.problem for c in caught] == ["no valid Content-Length (body not read)"]
    assert "Traceback" not in capsys.readouterr().err


def test_an_oversized_body_is_refused_unread():
    with CallbackReceiver() as receiver:
        head = b"POST /smsStatus HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\n"
        answer = _raw_post(receiver, head, b"x" * 70_000)
        [caught] = receiver.caught()
    assert b" 413 " in answer.split(b"\r\n")[0]
    assert "larger than" in caught.problem


def test_the_receiver_keeps_a_bounded_number_of_callbacks(monkeypatch):
    from citcall_contract.contract.verify import callback_sink as module

    monkeypatch.setattr(module, "MAX_CAUGHT", 3)
    with CallbackReceiver() as receiver, httpx.Client() as client:
        for n in range(5):
            client.post(receiver.url_for("smsStatus"), json={"trxid": str(n), "result": "x"})
        assert len(receiver.caught()) == 3
        assert receiver.dropped == 2
