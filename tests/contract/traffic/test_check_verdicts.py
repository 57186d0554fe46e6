"""A green `check-traffic` means something: exit codes, what counts as checked, no false passes.

Issue 18 items 1-3: nothing checked is exit 2 with one line naming `--base-url`; a
recording names its upstream, so it checks without flags; `--base-url` stands for its
origin's spec server paths; NaN, odd HAR layouts, URL spellings, an unmarked callback
missing `result` and a proxy's error page are never a pass.
"""

from __future__ import annotations

import json

import pytest

from citcall_contract.cli import main
from citcall_contract.contract.traffic.check import TrafficChecker

from .traffic_support import SUCCESS, entry

PUB = "https://pub.citcall.com/v3"
MISCALL = {"msisdn": "6281234567890", "gateway": 0}


def _jsonl(tmp_path, *entries: dict, name: str = "t.jsonl"):
    path = tmp_path / name
    path.write_text("".join(json.dumps(e) + "\n" for e in entries))
    return path


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["check-traffic", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# -- item 1: nothing checked is not a pass ------------------------------------------------


def test_only_foreign_traffic_exits_2_with_one_line_naming_base_url(tmp_path, capsys):
    path = _jsonl(
        tmp_path,
        *[
            entry(f"http://127.0.0.1:8090/gateway/v3/asynccall?n={n}", MISCALL, SUCCESS)
            for n in range(3)
        ],
        entry("https://myapp.test/static/app.js", None, None),
    )
    code, out, err = _run(capsys, str(path))
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert "nothing checked" in err
    assert "--base-url http://127.0.0.1:8090/gateway/v3" in err  # the hint names the base
    assert "conforming" not in out


def test_an_empty_file_or_folder_checks_nothing(tmp_path, capsys):
    empty = _jsonl(tmp_path)
    assert _run(capsys, str(empty))[0] == 2
    (tmp_path / "folder").mkdir()
    code, _, err = _run(capsys, str(tmp_path / "folder"))
    assert code == 2
    assert "nothing checked" in err


def test_one_conforming_exchange_is_exit_0_and_drift_exit_1(tmp_path, capsys):
    good = _jsonl(tmp_path, entry(f"{PUB}/asynccall", MISCALL, SUCCESS), name="good.jsonl")
    assert _run(capsys, str(good))[0] == 0
    bad = _jsonl(tmp_path, entry(f"{PUB}/asynccall", MISCALL, {"rc": 0}), name="bad.jsonl")
    assert _run(capsys, str(bad))[0] == 1


def test_nothing_checked_still_writes_a_failing_junit(tmp_path, capsys):
    path = _jsonl(tmp_path, entry("https://myapp.test/x", None, None))
    junit = tmp_path / "out.xml"
    report = tmp_path / "out.json"
    assert _run(capsys, str(path), "--junit", str(junit), "--json", str(report))[0] == 2
    assert "<error" in junit.read_text()
    assert json.loads(report.read_text())["ok"] is False


# -- item 2: recordings check without flags; --base-url covers the origin's server paths ---


def test_a_recording_names_its_upstream_and_checks_without_flags(tmp_path, capsys):
    recorded = entry("http://127.0.0.1:8090/gateway/v3/asynccall", MISCALL, SUCCESS)
    recorded["_citcall"] = {"redacted": True, "base_url": "http://127.0.0.1:8090/gateway/v3"}
    code, out, _ = _run(capsys, str(_jsonl(tmp_path, recorded)))
    assert code == 0
    assert "conforming: 1 exchanges checked" in out


@pytest.mark.parametrize("base", ["http://127.0.0.1:8090", "http://127.0.0.1:8090/"])
@pytest.mark.parametrize("prefix", ["/gateway/v3", "/v3"])
def test_a_base_url_covers_the_spec_server_paths_on_its_origin(tmp_path, capsys, base, prefix):
    path = _jsonl(tmp_path, entry(f"http://127.0.0.1:8090{prefix}/asynccall", MISCALL, SUCCESS))
    code, out, _ = _run(capsys, str(path), "--base-url", base)
    assert code == 0, out
    assert "1 exchanges checked" in out


# -- item 3: false negatives ---------------------------------------------------------------


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_or_infinity_in_an_answer_is_drift(tmp_path, capsys, constant):
    answer = (
        '{"rc": 0, "info": "Ok", "sms_count": 1, "senderid": "citcall", "msisdn": '
        '"6281234567890", "text": "Hi", "trxid": "20170709083044690027711524", '
        f'"currency": "IDR", "price": {constant}}}'
    )
    sms = {"msisdn": "6281234567890", "senderid": "citcall", "text": "Hi"}
    path = _jsonl(tmp_path, entry(f"{PUB}/sms", sms, None, response_text=answer))
    code, out, _ = _run(capsys, str(path))
    assert code == 1
    assert f"{constant.lstrip('-')} is not JSON" in out


def test_nan_in_a_callback_is_drift():
    checker = TrafficChecker()
    callback = entry("https://myapp.test/hooks/citcall", None, {})
    callback["_callback"] = True
    callback["request"]["postData"]["text"] = (
        '{"rc": 0, "trxid": "20170709083044690027711524", "result": "Success", "price": NaN}'
    )
    checker.check(callback, "x")
    [op] = checker.report.operations.values()
    assert op.drifting == 1


def _har_with_member_first(entries: list[dict], indent: int | None) -> str:
    return json.dumps(
        {"comment": "exported", "version": "1.2", "log": {"entries": entries}}, indent=indent
    )


@pytest.mark.parametrize("indent", [None, 2], ids=["minified", "pretty"])
def test_a_har_with_members_before_log_is_read(tmp_path, capsys, indent):
    path = tmp_path / "browser.har"
    path.write_text(_har_with_member_first([entry(f"{PUB}/asynccall", MISCALL, SUCCESS)], indent))
    code, out, _ = _run(capsys, str(path))
    assert code == 0, out
    assert "1 exchanges checked" in out


@pytest.mark.parametrize(
    "url",
    [
        "https://pub.citcall.com:443/v3/asynccall",
        "https://user:pw@pub.citcall.com/v3/asynccall",
        "https://pub.citcall.com./v3/asynccall",
        "https://pub.citcall.com/V3/ASYNCCALL",
        "HTTPS://PUB.CITCALL.COM/v3/asynccall/",
    ],
)
def test_url_spellings_of_a_known_server_are_checked(url):
    checker = TrafficChecker()
    checker.check(entry(url, MISCALL, {"rc": 0}), "x")  # drifts: no trxid
    assert checker.report.skipped == 0
    assert checker.report.operations["POST /asynccall"].drifting == 1


def test_an_unmarked_callback_missing_result_is_flagged():
    checker = TrafficChecker()
    body = {"rc": 0, "trxid": "20170709083044690027711524", "msisdn": "6281234567890"}
    checker.check(entry("https://myapp.test/hooks/citcall", body, {}), "x")
    assert checker.report.skipped == 0
    [(label, op)] = checker.report.operations.items()
    assert label.startswith("callback ")
    assert op.drifting == 1
    assert ("callback", "result", "required") in op.drifts


@pytest.mark.parametrize(
    ("status", "content_type", "text"),
    [
        (502, "text/html", "<html><body>Bad Gateway</body></html>"),
        (302, "text/html", ""),
        (503, "application/json", '{"error": "maintenance"}'),
    ],
)
def test_a_non_gateway_answer_has_its_own_category(tmp_path, capsys, status, content_type, text):
    path = _jsonl(
        tmp_path,
        entry(f"{PUB}/asynccall", MISCALL, SUCCESS),
        entry(
            f"{PUB}/asynccall", MISCALL, None, status, response_text=text, content_type=content_type
        ),
    )
    report_path = tmp_path / "r.json"
    code, out, _ = _run(capsys, str(path), "--json", str(report_path))
    assert code == 1
    op = json.loads(report_path.read_text())["operations"]["POST /asynccall"]
    assert (op["conforming"], op["drifting"], op["not_gateway_answers"]) == (1, 0, 1)
    assert f"HTTP {status}" in op["not_gateway_reasons"][0]["reason"]
    assert "NOT A GATEWAY ANSWER" in out
    assert "conforming:" not in out


def test_a_gateway_error_with_rc_on_a_non_200_is_judged_by_the_spec():
    checker = TrafficChecker()
    checker.check(entry(f"{PUB}/asynccall", MISCALL, {"rc": 96, "info": "x"}, 401), "x")
    assert checker.report.operations["POST /asynccall"].conforming == 1
