"""Reading traffic files (HAR streamed, JSON lines) and matching exchanges to operations."""

from __future__ import annotations

import json

import pytest

from citcall_contract import spec
from citcall_contract.cli import main
from citcall_contract.contract.traffic import scanner
from citcall_contract.contract.traffic.check import TrafficChecker
from citcall_contract.contract.traffic.files import TrafficFileError, read_entries
from citcall_contract.contract.traffic.matching import Matcher
from citcall_contract.contract.traffic.redaction import header_secrets, redact_body

from .traffic_support import SUCCESS, entry


def har(entries: list[dict], **log: object) -> str:
    document = {
        "log": {
            "version": "1.2",
            "creator": {"name": "entries [ ] { }"},
            **log,
            "pages": [{"title": '"entries": ['}],
            "entries": entries,
            "comment": "after",
        }
    }
    return json.dumps(document, indent=1)


def test_a_har_is_read_entry_by_entry_with_a_small_window(tmp_path, monkeypatch):
    monkeypatch.setattr(scanner, "CHUNK_CHARS", 7)  # every value crosses a window edge
    entries = [
        entry(
            f"https://pub.citcall.com/v3/asynccall?n={n}",
            {"msisdn": "6281234567890", "gateway": n % 5},
            SUCCESS,
        )
        for n in range(30)
    ]
    path = tmp_path / "browser.har"
    path.write_text(har(entries))
    read = [e.data for e in read_entries(path)]
    assert read == entries
    assert [e.where for e in read_entries(path)][:2] == [f"{path}#0", f"{path}#1"]


def test_har_entries_beyond_the_cap_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(scanner, "MAX_VALUE_CHARS", 100)
    path = tmp_path / "big.har"
    path.write_text(har([entry("https://pub.citcall.com/v3/sms", {"text": "x" * 500}, SUCCESS)]))
    with pytest.raises(TrafficFileError, match="larger than 100"):
        list(read_entries(path))


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('{"log": {"entries": [1]}}', "must be an object"),
        ('{"log": {"version": "1.2"}}', "needs log.entries"),
        ('{"log": {"entries": [{"a": 1}', "expected ']'"),
        ('{"log": {"entries": [{"a": tru', "invalid JSON"),
        ("[1, 2]\n", "must be a JSON object"),
        ("{not json\n", "not JSON"),
    ],
)
def test_broken_files_are_named_in_one_line(tmp_path, capsys, text, problem):
    path = tmp_path / "broken.har"
    path.write_text(text)
    assert main(["check-traffic", str(path)]) == 2
    err = capsys.readouterr().err
    assert problem in err
    assert str(path) in err
    assert len(err.strip().splitlines()) == 1


def test_a_missing_file_is_refused(tmp_path, capsys):
    assert main(["check-traffic", str(tmp_path / "nope.har")]) == 2
    assert "no such file" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://pub.citcall.com/v3/asynccall", "asyncMiscall"),
        ("https://pub.citcall.com//v3/motp", "motp"),  # the official PHP SDK's double slash
        ("https://pub.citcall.com/v3//sms/", "sendSms"),
        ("http://104.199.196.122/gateway/v3/smsotp?x=1", "sendSmsOtp"),
        ("https://GATEWAY.citcall.com/v3/verify", "verifyOtp"),
        ("http://127.0.0.1:8090/gateway/v3/call", "syncMiscall"),
        ("https://pub.citcall.com/v4/sms", None),
        ("https://evil.test/v3/sms", None),
        ("http://pub.citcall.com/v3/sms", None),  # another scheme is another server
    ],
)
def test_exchanges_match_operations_on_any_known_base(url, expected):
    op = Matcher(["http://127.0.0.1:8090/gateway/v3"]).operation("POST", url)
    assert (op.operation_id if op else None) == expected


def test_non_api_traffic_is_skipped_and_webhook_posts_are_checked():
    checker = TrafficChecker()
    checker.check(entry("https://myapp.test/static/app.js", None, None), "a")
    webhook = spec.example_values(
        spec.resolve(
            spec.resolve(spec.load_spec()["webhooks"]["smsStatus"])["post"]["requestBody"]
        )["content"]["application/json"]
    )
    payload = next(iter(webhook.values()))
    checker.check(entry("https://myapp.test/hooks/citcall", payload, {}), "b")
    checker.check(entry("https://myapp.test/login", {"user": "x"}, {}), "c")
    report = checker.report
    assert report.skipped == 2
    [(label, op)] = report.operations.items()
    assert label == "callback smsStatus"
    assert op.conforming == 1


def test_a_wrong_key_echoed_by_the_gateway_never_reaches_the_report():
    checker = TrafficChecker()
    checker.check(
        entry(
            "https://pub.citcall.com/v3/asynccall",
            {"msisdn": "6281234567890", "gateway": 0},
            {"rc": "96x", "info": "apikey har-secret-key not found"},
        ),
        "a",
    )
    op = checker.report.operations["POST /asynccall"]
    assert op.drifting == 1
    assert "har-secret-key" not in json.dumps([vars(d) for d in op.drifts.values()])


def test_secrets_and_otps_are_found_and_masked():
    assert "k3y-value" in header_secrets([("Authorization", "Apikey k3y-value")])
    basic = header_secrets([("authorization", "Basic dXNlcjpzM2NyZXQ=")])  # user:s3cret
    assert {"dXNlcjpzM2NyZXQ=", "s3cret"} <= set(basic)
    assert redact_body({"token": "482913"}, "request") == {"token": "000000"}
    assert redact_body({"token": "622130401234"}, "response") == {"token": "622130400000"}
    assert redact_body({"token_verify": "1234"}, "response") == {"token_verify": "0000"}
    masked = redact_body({"text": "Code 4829 for 08123"}, "request", otp_text=True)
    assert masked == {"text": "Code 0000 for 00000"}
    assert redact_body({"token": 4829}, "request") == {"token": 0}


@pytest.mark.parametrize("base", ["ftp://127.0.0.1/v3", "127.0.0.1:8090/v3"])
def test_a_bad_base_url_is_refused_in_one_line(tmp_path, capsys, base):
    path = tmp_path / "t.jsonl"
    path.write_text("")
    assert main(["check-traffic", str(path), "--base-url", base]) == 2
    err = capsys.readouterr().err
    assert "--base-url" in err
    assert len(err.strip().splitlines()) == 1


def test_base64_har_content_is_decoded(tmp_path):
    import base64

    item = entry(
        "https://pub.citcall.com/v3/asynccall", {"msisdn": "6281234567890", "gateway": 0}, None
    )
    item["response"]["content"] = {
        "mimeType": "application/json",
        "encoding": "base64",
        "text": base64.b64encode(json.dumps(SUCCESS).encode()).decode(),
    }
    checker = TrafficChecker()
    checker.check(item, "x")
    assert checker.report.operations["POST /asynccall"].conforming == 1
