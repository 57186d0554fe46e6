"""`verify` against hostile servers: bounded in size and time, refuses billed hosts unasked."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from citcall_contract import spec
from citcall_contract.cli import main
from citcall_contract.contract.verify.estimate import estimate, unit_price
from citcall_contract.contract.verify.results import Settings
from tests.serving import serve_in_background


@contextmanager
def hostile_server(mode: str) -> Iterator[str]:
    """`huge`: a 3 MB answer to everything; `endless`: a chunked body that trickles forever."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            try:
                if mode == "huge":
                    body = b'{"rc": 0, "info": "' + b"x" * 3_000_000 + b'"}'
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                self.wfile.write(b"1\r\n{\r\n")
                while True:
                    self.wfile.write(b"10\r\n" + b" " * 0x10 + b"\r\n")
                    self.wfile.flush()
                    time.sleep(0.05)
            except OSError:
                self.close_connection = True

        do_POST = do_GET = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_TRACE = _answer

        def log_message(self, format, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    with serve_in_background(server) as url:
        yield f"{url}/v3"


def _verify(url: str, *extra: str, timeout: str = "0.5") -> list[str]:
    return [
        "verify",
        "--base-url",
        url,
        "--api-key",
        "k-hostile-123",
        "--max-examples",
        "1",
        "--timeout",
        timeout,
        *extra,
    ]


def test_huge_answers_are_cut_off_and_fail_the_run(capsys):
    with hostile_server("huge") as url:
        code = main(_verify(url, "--max-time", "5", timeout="5"))
    out = capsys.readouterr().out
    assert code == 1
    assert "estimate: about" in out.splitlines()[1]
    assert "answer larger than 1048576 bytes" in out, out[-3000:]
    assert "k-hostile-123" not in out


def test_an_endless_body_is_time_boxed_per_request_and_per_run(capsys):
    with hostile_server("endless") as url:
        code = main(_verify(url, "--max-time", "3"))
    out = capsys.readouterr().out
    assert code == 1
    assert "no complete answer within 0.5 s" in out
    assert "FAILED" in out


@pytest.mark.parametrize(
    "url", ["https://pub.citcall.com/v3", "http://10.0.0.7:8090/v3", "http://example.test/v3"]
)
def test_a_billed_gateway_needs_an_explicit_flag(url, capsys, monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("the suite must not start against a billed gateway")

    monkeypatch.setattr("citcall_contract.contract.verify.runner.run", never)
    assert main(["verify", "--base-url", url, "--api-key", "k"]) == 2
    err = capsys.readouterr().err
    assert "--allow-billed" in err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf", "abc"])
def test_bounds_must_be_finite_and_positive(value, capsys):
    with pytest.raises(SystemExit):
        main(["verify", "--max-time", value])
    assert "--max-time" in capsys.readouterr().err


def test_the_estimate_prices_billed_operations_from_the_spec():
    pricing = spec.load_spec()["x-sandbox-scenarios"]["pricing"]
    ops = spec.operations()
    assert unit_price(ops["sendSms"]) == unit_price(ops["sendSmsOtp"]) == pricing["sms_part"]
    assert unit_price(ops["asyncMiscall"]) == unit_price(ops["motp"]) == pricing["missed_call"]
    assert unit_price(ops["verifyOtp"]) == 0
    few, many = estimate(Settings(max_examples=10)), estimate(Settings(max_examples=100))
    assert many.requests > few.requests
    assert 0 < many.billable < many.requests
    assert many.cost >= many.billable * min(pricing["sms_part"], pricing["missed_call"])
    assert pricing["currency"] in many.describe()
