"""Every generated SDK passes its conformance program against the embedded sandbox.

The programs (`citcall_contract/publishing/conformance/programs/`) get their data from the spec
through the plan; the checks are judged in Python. The judge itself is tested on made-up
reports, so a program that reports nothing, or the wrong rc, cannot pass.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from citcall_contract import spec
from citcall_contract.cli import main
from citcall_contract.commands.sdk import check_against_sandbox
from citcall_contract.publishing.conformance.matrix import LanguageResult, format_matrix
from citcall_contract.publishing.conformance.plan import Outcome, build_plan, check_names, judge
from citcall_contract.publishing.conformance.targets import TARGETS, ToolMissing
from citcall_contract.spec import codes

from .sdk_support import missing


@pytest.fixture(scope="session")
def conformance(sdks: dict[str, Path]) -> dict[str, LanguageResult]:
    return check_against_sandbox(sdks)


@pytest.mark.sdk
@pytest.mark.parametrize("generator", list(TARGETS))
def test_sdk_passes_its_conformance_program(
    conformance: dict[str, LanguageResult], generator: str
) -> None:
    result = conformance[generator]
    if result.missing_tool:
        missing(str(result.error))
    assert result.error is None, result.error
    failed = {name: o.detail for name, o in result.outcomes.items() if not o.ok}
    assert failed == {}, format_matrix({generator: result})


@pytest.mark.sdk
def test_matrix_has_one_row_per_check_and_one_column_per_language(
    conformance: dict[str, LanguageResult],
) -> None:
    printed = format_matrix(conformance).splitlines()
    header, rows = printed[0], printed[1:]
    assert header.split() == [TARGETS[g].language for g in conformance]
    names = check_names(PLAN)
    assert [row[: len(name)] for row, name in zip(rows, names, strict=False)] == names
    assert all(row.split()[-len(conformance) :] == ["ok"] * len(conformance) for row in rows)


@pytest.mark.sdk
def test_check_exits_non_zero_on_a_failed_check(sdks: dict[str, Path], tmp_path, capsys) -> None:
    """A PHP SDK whose success test is broken: the matrix shows FAIL and the command exits 1."""
    if shutil.which("php") is None:
        missing("php is not installed (Debian package php-cli)")
    broken = tmp_path / "php"
    shutil.copytree(sdks["php"], broken)
    model = broken / "lib" / "Model" / "ErrorResponse.php"
    text = model.read_text(encoding="utf-8")
    # getRc() now answers a constant: every rc reads as success.
    model.write_text(
        text.replace("return $this->container['rc'];", "return 0;", 1), encoding="utf-8"
    )
    results = check_against_sandbox({"php": broken})
    assert not results["php"].ok
    assert not results["php"].outcomes['rc 0 and "00" are success'].ok
    assert "FAIL" in format_matrix(results)


# --- without the SDKs: the command's refusals and the judge -------------------------------------

PLAN = build_plan("http://127.0.0.1:9", "key", "user")


def test_check_refuses_a_generator_without_a_program_in_one_line(tmp_path, capsys) -> None:
    assert main(["sdk", "java", "-o", str(tmp_path / "x"), "--check"]) == 1
    error = capsys.readouterr().err.strip()
    assert error.startswith("sdk: no conformance program for 'java'")
    assert "\n" not in error
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize(("generator", "binary"), [("go", "go"), ("php", "php")])
def test_a_missing_tool_is_one_line(generator, binary, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ToolMissing, match=rf"^{binary} is not installed \(Debian package"):
        TARGETS[generator].prepare(tmp_path, tmp_path)


def test_plan_comes_from_the_spec() -> None:
    assert set(PLAN["examples"]) == set(spec.operations())
    for op, group in PLAN["examples"].items():
        assert [e["value"] for e in group["examples"]] == list(
            spec.operation(op).response_examples().values()
        )
    categories = {info.category for info in codes.response_codes().values()}
    assert {f["category"] for f in PLAN["forced"]} == categories
    for forced in PLAN["forced"]:
        assert forced["rc"] in codes.rcs_in(forced["category"])
        assert forced["request"]["msisdn"].endswith(f"{forced['rc']:02d}")
    assert 0 in PLAN["rc_forms"]
    assert "00" in PLAN["rc_forms"]
    assert "verifyOtp" not in PLAN["requests"]  # needs a live trxid: the verify step


def perfect_report(plan: dict[str, Any]) -> dict[str, Any]:
    """What a conforming program reports."""

    def seen(rc: Any) -> dict[str, Any]:
        return {"code": codes.parse_rc(rc), "success": codes.is_success(rc), "error": None}

    steps: dict[str, Any] = {"apikey_auth": seen(0), "basic_auth": seen(0)}
    steps.update({f"call:{op}": seen(0) for op in plan["requests"]})
    steps["verify_otp"] = seen("00")
    steps["wrong_code"] = seen(codes.rc_named("INVALID_TOKEN"))
    for forced in plan["forced"]:
        steps[f"forced:{forced['category']}"] = seen(forced["rc"])
    for op, group in plan["examples"].items():
        steps[f"examples:{op}"] = {
            "parsed": [
                {**seen(e["value"]["rc"]), "json": {**e["value"], "extra": None}}
                for e in group["examples"]
            ]
        }
    steps["rc_forms"] = {"parsed": [{**seen(rc), "json": {"rc": rc}} for rc in plan["rc_forms"]]}
    return {"steps": steps}


def test_judge_passes_a_conforming_report() -> None:
    outcomes = judge(PLAN, perfect_report(PLAN))
    assert list(outcomes) == check_names(PLAN)
    assert all(o.ok for o in outcomes.values()), outcomes


def test_judge_fails_a_missing_report_check_by_check() -> None:
    outcomes = judge(PLAN, None)
    assert set(outcomes.values()) == {Outcome(False, "not run")}


def test_judge_fails_success_read_from_a_failure_code() -> None:
    report = perfect_report(PLAN)
    report["steps"]["wrong_code"]["success"] = True
    report["steps"]["rc_forms"]["parsed"][1]["success"] = False  # "00" not seen as success
    outcomes = judge(PLAN, report)
    assert not outcomes["wrong code is rc 79"].ok
    assert not outcomes['rc 0 and "00" are success'].ok
    assert "'00'" in outcomes['rc 0 and "00" are success'].detail


def test_judge_fails_a_field_lost_in_the_round_trip() -> None:
    report = perfect_report(PLAN)
    parsed = report["steps"]["examples:sendSms"]["parsed"][0]
    del parsed["json"]["price"]
    outcome = judge(PLAN, report)["examples of sendSms"]
    assert not outcome.ok
    assert outcome.detail.startswith("success: round trip gave")


@pytest.mark.parametrize(("ok", "code"), [(True, 0), (False, 1)])
def test_check_prints_the_matrix_and_exits_by_its_cells(
    ok: bool, code: int, tmp_path, monkeypatch, capsys
) -> None:
    """The command's exit code and output follow the judged cells (generation stubbed out)."""
    import citcall_contract.publishing.conformance.matrix as matrix
    import citcall_contract.publishing.sdk_generator as generator

    monkeypatch.setattr(generator, "generate", lambda name, output, properties: output)
    outcomes = judge(PLAN, perfect_report(PLAN))
    if not ok:
        outcomes["wrong code is rc 79"] = Outcome(False, "rc 0, success True")
    monkeypatch.setattr(
        matrix,
        "check_sdks",
        lambda sdks, gateway: {g: LanguageResult(g, outcomes=outcomes) for g in sdks},
    )
    assert main(["sdk", "php", "-o", str(tmp_path), "--check"]) == code
    printed = capsys.readouterr()
    assert printed.out.splitlines()[1].split() == ["PHP"]
    assert ("PHP / wrong code is rc 79: rc 0, success True" in printed.out) is not ok
    assert ("sdk: conformance failed for php" in printed.err) is not ok
