"""`citcall-contract sandbox --rules / --relax / --answer-forms`, as a user runs it."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest

from citcall_contract.sandbox import DEFAULT_API_KEY
from citcall_contract.spec.codes import is_success, rc_named
from citcall_contract.spec.rules import sandbox_rules

from .sandbox_support import forms_seen

CLI = [sys.executable, "-m", "citcall_contract", "sandbox"]
AUTH = {"Authorization": f"Apikey {DEFAULT_API_KEY}"}
PHONE = "6281234567890"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=60)


def test_rules_lists_every_rule_with_its_rc_and_source():
    done = _run("--rules")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    for rule in sandbox_rules().values():
        [line] = [line for line in lines if line.startswith(rule.name + " ")]
        rc = "-" if rule.rc is None else str(rule.rc)
        assert line.split()[1:3] == [rc, rule.source], line
    assert "assumption: " in done.stdout


@pytest.mark.parametrize(
    ("args", "names"),
    [
        (["--relax", "otp-word"], "otp-words, msisdn-digits"),
        (["--relax", "otp-words", "--relax", "callback-host-allowlist", "--rules"], "otp-words"),
    ],
)
def test_an_unknown_rule_is_exit_2_with_one_line_naming_the_valid_ones(args, names):
    done = _run(*args)
    assert done.returncode == 2
    assert done.stdout == ""
    [line] = done.stderr.splitlines()
    assert line.startswith("citcall-contract sandbox: relax: ")
    assert names in line


def test_an_unknown_answer_form_mode_is_exit_2():
    done = _run("--answer-forms", "random", "--rules")
    assert done.returncode == 2
    assert "canonical" in done.stderr
    assert "varied" in done.stderr


@pytest.fixture(scope="module")
def varied() -> Iterator[str]:
    """`citcall-contract sandbox --answer-forms varied --relax otp-words` on a free port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    args = ["--port", str(port), "--answer-forms", "varied", "--relax", "otp-words"]
    process = subprocess.Popen([*CLI, *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                httpx.get(f"{base}/_sandbox/health", timeout=1)
                break
            except httpx.ConnectError:
                assert process.poll() is None, process.stdout.read().decode()  # type: ignore[union-attr]
                assert time.monotonic() < deadline, "the sandbox command did not start"
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.communicate(timeout=10)


def _post(base: str, path: str, body: dict[str, object]) -> dict[str, object]:
    answer = httpx.post(f"{base}{path}", json=body, headers=AUTH, timeout=5)
    assert answer.status_code == 200
    data: dict[str, object] = answer.json()
    return data


def test_the_varied_command_sends_both_forms_and_follows_its_rules(varied):
    sms = {"msisdn": PHONE, "senderid": "citcall", "text": "Hello"}
    answers = [_post(varied, "/v3/sms", sms) for _ in range(12)]
    seen = forms_seen("SmsResponse", answers)
    assert {"integer", "digit-string"} <= seen["rc"]
    assert {"plus", "bare"} <= seen["msisdn"]
    assert {"integer", "digit-string"} <= seen["price"]
    promo = _post(varied, "/sms", {**sms, "text": "Gunakan kode DISKON10"})
    call = _post(varied, "/asynccall", {"msisdn": PHONE, "gateway": 0})  # no valid_time
    token = str(call["token"])
    verified = _post(
        varied, "/verify", {"msisdn": PHONE, "trxid": call["trxid"], "token": token[-4:]}
    )
    assert is_success(promo["rc"])
    assert not is_success(verified["rc"])
    assert int(str(verified["rc"])) == rc_named("DATA_NOT_FOUND")
