"""`verify` fails on a deliberately wrong gateway and names the check that caught it."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from citcall_contract.cli import main
from citcall_contract.contract.verify.runner import Credentials, Settings, Target, run
from citcall_contract.sandbox import DEFAULT_API_KEY, SandboxConfig, create_app

from .broken_gateways import NEW_RC, ServedApp, forgetful_strict_sandbox, yes_man_app

FEW = Settings(max_examples=8, seed=7, callback_timeout=3.0)


def failing_checks(result) -> set[str]:
    return {failure.check for failure in result.failures}


def test_a_yes_man_gateway_fails_the_rc_checks_in_process():
    target = Target("http://gateway.test", Credentials("the-key"), app=yes_man_app())
    result = run(target, FEW)
    assert not result.ok
    assert {
        "rc_negative_data_rejection",
        "rc_auth_enforced",
        "rc_unsupported_method",
        "success_body_conformance",
        "response_schema_conformance",
        "callback_conformance",
    } <= failing_checks(result)
    callbacks = [f for f in result.failures if f.check == "callback_conformance"]
    assert any("result" in f.message for f in callbacks)


def test_refusing_valid_sms_and_forgetting_transactions_is_caught():
    app = forgetful_strict_sandbox()
    target = Target("http://gateway.test", Credentials(DEFAULT_API_KEY), app=app)
    result = run(target, Settings(max_examples=15, seed=3, callback_timeout=3.0))
    failing = {(f.operation, f.check) for f in result.failures}
    assert ("POST /sms", "rc_positive_data_acceptance") in failing
    assert ("POST /verify", "verify_finds_transaction") in failing
    for otp_operation in ("POST /asynccall", "POST /motp", "POST /smsotp"):
        assert (otp_operation, "otp_round_trip") in failing
    # Apart from their /verify round trip, the untouched operations pass every check.
    untouched = {"POST /asynccall", "POST /motp", "POST /call"}
    assert {check for op, check in failing if op in untouched} == {"otp_round_trip"}
    # An undocumented rc is reported as new, never a failure.
    assert result.new_codes["POST /call"] == {NEW_RC}


def test_the_cli_exits_non_zero_over_http_and_names_the_check(tmp_path, capsys):
    junit = tmp_path / "verify.xml"
    with ServedApp(yes_man_app()) as served:
        code = main(
            [
                "verify",
                "--base-url",
                served.base_url + "/gateway/v3",
                "--api-key",
                "very-secret-key",
                "--max-examples",
                "5",
                "--junit",
                str(junit),
            ]
        )
    out = capsys.readouterr().out
    assert code == 1
    assert "FAIL POST /sms · rc_negative_data_rejection" in out
    assert "FAILED:" in out
    assert "very-secret-key" not in out
    failed = {
        (case.get("classname"), case.get("name"))
        for case in ET.parse(junit).getroot().iter("testcase")
        if case.find("failure") is not None
    }
    assert ("POST /verify", "rc_auth_enforced") in failed
    assert "very-secret-key" not in junit.read_text()


def test_a_url_without_an_api_key_is_refused(monkeypatch):
    monkeypatch.delenv("CITCALL_API_KEY", raising=False)
    with pytest.raises(SystemExit, match="--api-key"):
        main(["verify", "--base-url", "http://127.0.0.1:9/v3"])


def test_basic_auth_is_checked_when_a_user_id_is_given():
    settings = Settings(max_examples=3, seed=5, callback_timeout=3.0)
    good = Target(
        "http://gateway.test",
        Credentials(DEFAULT_API_KEY, "alice"),
        app=create_app(SandboxConfig(userid="alice")),
    )
    assert "rc_auth_enforced" not in failing_checks(run(good, settings))
    # A gateway that does not know the user refuses valid-looking Basic credentials.
    refusing = Target(
        "http://gateway.test",
        Credentials(DEFAULT_API_KEY, "alice"),
        app=create_app(SandboxConfig(userid="bob")),
    )
    result = run(refusing, settings)
    messages = [f.message for f in result.failures if f.check == "rc_auth_enforced"]
    assert any("Valid Basic credentials should be accepted" in m for m in messages)


def test_an_unreachable_server_fails_with_errors_not_a_crash(capsys):
    url = "http://127.0.0.1:9/v3"  # the discard port: nothing listens there
    code = main(["verify", "--base-url", url, "--api-key", "k-123456789", "--max-examples", "2"])
    out = capsys.readouterr().out
    assert code == 1
    assert f"ERROR cannot reach {url}" in out
    assert "FAILED" in out
    assert "k-123456789" not in out
