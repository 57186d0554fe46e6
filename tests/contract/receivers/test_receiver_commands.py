"""`citcall-contract trigger` and `verify-receiver` from the command line."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from citcall_contract.cli import main

from . import receivers
from .conftest import serving


@pytest.fixture
def receiver_url():
    with serving(receivers.flask_receiver()) as base:
        yield base


@pytest.fixture
def broken_url():
    with serving(receivers.flask_receiver(receivers.BROKEN["crashes on rc as string"])) as base:
        yield base


def test_trigger_posts_the_example_with_overrides(receiver_url, capsys):
    url = receiver_url + "/citcall/missed-call"
    code = main(["trigger", "missed-call", "--to", url, "--set", "rc=00", "--set", "price=179"])
    out = capsys.readouterr().out
    assert code == 0
    assert "HTTP 200" in out
    assert " ms" in out
    [report] = receivers.RECORDED
    assert report.raw["rc"] == "00"  # "00" is not JSON: sent as the string
    assert report.raw["price"] == 179  # 179 is JSON: sent as a number
    assert report.msisdn == "6281234567890"


def test_trigger_keeps_a_string_when_only_the_string_fits(receiver_url, capsys):
    url = receiver_url + "/citcall/missed-call"
    assert main(["trigger", "missed-call", "--to", url, "--set", "msisdn=6281111111111"]) == 0
    assert receivers.RECORDED[0].raw["msisdn"] == "6281111111111"


def test_trigger_refuses_an_override_that_breaks_the_schema(receiver_url, capsys):
    url = receiver_url + "/citcall/sms"
    assert main(["trigger", "sms", "--to", url, "--set", "price=free"]) == 2
    err = capsys.readouterr().err
    assert "price" in err
    assert "--invalid" in err
    assert len(err.strip().splitlines()) == 1
    assert receivers.RECORDED == []
    assert main(["trigger", "sms", "--to", url, "--set", "price=free", "--invalid"]) == 1
    assert "HTTP 400" in capsys.readouterr().out


@pytest.mark.parametrize(
    "args",
    [
        ["trigger", "sms", "--to", "http://example.com/hook"],
        ["trigger", "nope", "--to", "http://127.0.0.1:9/hook"],
        ["trigger", "sms", "--to", "http://127.0.0.1:9/", "--set", "novalue"],
        ["verify-receiver", "http://example.com/hook", "--max-examples", "0"],
        ["verify-receiver", "http://127.0.0.1:9/", "--kind", "nope", "--max-examples", "0"],
        ["verify-receiver", "http://127.0.0.1:9/", "--trxid-hook", "no_such_module:f"],
    ],
)
def test_user_errors_are_one_line_and_nothing_is_sent(args, capsys):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_trigger_reports_a_receiver_that_does_not_answer(capsys):
    assert main(["trigger", "sms", "--to", "http://127.0.0.1:9/hook", "--timeout", "1"]) == 1
    assert "no answer" in capsys.readouterr().out


def test_verify_receiver_passes_a_correct_receiver(receiver_url, capsys, tmp_path):
    junit = tmp_path / "receiver.xml"
    url = receiver_url + "/citcall/{alias}"
    args = ["verify-receiver", url, "--max-examples", "2", "--trxid", "77", "--junit", str(junit)]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "missedCallStatus" in out
    assert "passed:" in out
    assert "FAIL" not in out
    assert ET.parse(junit).getroot().findall(".//testcase")


def test_verify_receiver_fails_naming_the_payload(broken_url, capsys):
    url = broken_url + "/citcall/{alias}"
    assert main(["verify-receiver", url, "--kind", "missed-call", "--max-examples", "0"]) == 1
    out = capsys.readouterr().out
    assert "FAIL missedCallStatus / forms / rc as string: HTTP 500" in out
    assert '"rc": "00"' in out
    assert "FAILED:" in out


def test_verify_receiver_says_when_no_transaction_is_known(receiver_url, capsys):
    url = receiver_url + "/citcall/sms"
    assert main(["verify-receiver", url, "--kind", "sms", "--max-examples", "0"]) == 0
    assert "no known transactions" in capsys.readouterr().out


def known_trxid(kind: str) -> str:
    """A --trxid-hook: the transaction the receiver knows."""
    return "1234567"


def test_a_trxid_hook_makes_valid_callbacks_need_a_2xx(capsys):
    with serving(receivers.flask_receiver(receivers.strict_rc)) as base:
        url = base + "/citcall/{alias}"
        args = ["verify-receiver", url, "--kind", "missed-call", "--max-examples", "0"]
        assert main(args) == 0  # unknown transactions: a 400 is the receiver's right
        hook = f"{__name__}:known_trxid"
        assert main([*args, "--trxid-hook", hook]) == 1
    out = capsys.readouterr().out
    assert "rc as string: HTTP 400 for a valid callback of a known transaction" in out


#: What a hostile receiver answers: clear the screen, retitle the terminal, ring the bell,
#: bytes that are not UTF-8 and a right-to-left override.
HOSTILE_ANSWER = b"\x1b[2J\x1b]0;owned\x07ok \xff\xfe \xe2\x80\xae!"
TERMINAL_CONTROLS = ("\x1b", "\x07", "\u202e", "\ufffd")


def hostile_receiver(status: str):
    def app(environ, start_response):
        start_response(status, [("Content-Type", "text/plain")])
        return [HOSTILE_ANSWER]

    return app


@pytest.mark.parametrize("status", ["200 OK", "500 Internal Server Error"])
def test_trigger_shows_the_answer_escaped(status, capsys):
    """Issue 18.15: the receiver's answer never drives the terminal (same helper as
    verify-receiver): control characters and invalid UTF-8 are shown as escapes."""
    with serving(hostile_receiver(status)) as base:
        main(["trigger", "sms", "--to", base + "/hook", "--print-payload"])
    out = capsys.readouterr().out
    assert not any(control in out for control in TERMINAL_CONTROLS), out
    assert "\\x1b[2J\\x1b]0;owned\\x07ok \\xff\\xfe \\u202e!" in out


def test_verify_receiver_shows_the_answer_escaped(capsys, tmp_path):
    junit = tmp_path / "junit.xml"
    with serving(hostile_receiver("500 Internal Server Error")) as base:
        args = ["verify-receiver", base + "/hook", "--max-examples", "0", "--kind", "sms"]
        assert main([*args, "--junit", str(junit)]) == 1
    out = capsys.readouterr().out
    assert not any(control in out for control in TERMINAL_CONTROLS)
    assert "\\x1b[2J" in out
    ET.parse(junit)  # no control character made the XML invalid


def echoing_receiver(environ, start_response):
    """Echoes the Authorization header it got (a debugging receiver, or a hostile one)."""
    start_response("500 Internal Server Error", [("Content-Type", "text/plain")])
    return [f"you sent: {environ.get('HTTP_AUTHORIZATION', '')}".encode()]


def test_the_receiver_url_user_info_never_shows(capsys, tmp_path):
    """A receiver URL with user info sends it as Basic auth; an answer echoing it is shown
    with the password and the Basic token hidden, by trigger and verify-receiver alike."""
    import base64

    token = base64.b64encode(b"hookuser:hook-s3cret-pw").decode()
    junit = tmp_path / "junit.xml"
    with serving(echoing_receiver) as base:
        url = base.replace("http://", "http://hookuser:hook-s3cret-pw@") + "/hook"
        assert main(["trigger", "sms", "--to", url]) == 1
        args = ["verify-receiver", url, "--max-examples", "0", "--kind", "sms"]
        assert main([*args, "--junit", str(junit)]) == 1
    out = capsys.readouterr().out + junit.read_text(encoding="utf-8")
    assert "you sent: Basic" in out
    assert token not in out
    assert "hook-s3cret-pw" not in out
