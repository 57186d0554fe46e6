"""`citcall-contract verify` with its defaults: the embedded sandbox over HTTP."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from citcall_contract import spec
from citcall_contract.cli import main
from citcall_contract.contract.verify.checks import CUSTOM_CHECKS, REPLACED_CHECKS
from citcall_contract.contract.verify.otp_flow import CHECK as OTP_CHECK
from citcall_contract.contract.verify.otp_flow import otp_operations
from citcall_contract.contract.verify.runner import CALLBACK_CHECK, DEFAULT_MAX_EXAMPLES
from citcall_contract.sandbox import DEFAULT_API_KEY


def test_default_verify_passes_against_the_embedded_sandbox(tmp_path, capsys):
    junit = tmp_path / "verify.xml"
    code = main(["verify", "--junit", str(junit), "--seed", "1"])
    out = capsys.readouterr().out
    assert code == 0, out
    labels = [f"{op.method.upper()} {op.path}" for op in spec.operations().values()]
    # progress: one line per operation and phase
    for label in labels:
        assert f"fuzzing   {label}" in out
    # summary table: an `ok` cell for every operation and custom check
    table = {line.split()[0]: line.split()[1:] for line in out.splitlines() if line[:1].isalpha()}
    assert table["check"][::2] == ["POST"] * len(labels)
    assert all(int(n) >= DEFAULT_MAX_EXAMPLES for n in table["cases"])
    for check in CUSTOM_CHECKS:
        assert set(table[check]) <= {"ok", "-"}, check
        assert "ok" in table[check], check
    for replaced in REPLACED_CHECKS:
        assert replaced not in table
    assert table[CALLBACK_CHECK].count("ok") >= 3  # missed call, SMS and SMS OTP reports
    assert table[OTP_CHECK].count("ok") == len(otp_operations())
    assert "passed:" in out
    [caught] = [line for line in out.splitlines() if line.startswith("callbacks caught")]
    assert int(caught.rsplit(":", 1)[1]) > 0
    assert DEFAULT_API_KEY not in out
    cases = list(ET.parse(junit).getroot().iter("testcase"))
    assert cases
    assert all(case.find("failure") is None for case in cases)
