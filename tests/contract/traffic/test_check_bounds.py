"""`check-traffic` on hostile input: one line and exit 2, never a traceback; bounded work.

Issue 18 items 4-5: deep nesting, odd types, broken URLs and unwritable report paths;
a huge HAR entry is parsed once (not once per read), a huge JSON line is never held whole.
"""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citcall_contract.cli import main
from citcall_contract.contract.traffic import scanner
from citcall_contract.contract.traffic.check import TrafficChecker
from citcall_contract.contract.traffic.files import TrafficFileError, read_entries

from .traffic_support import SUCCESS, entry

PUB = "https://pub.citcall.com/v3"
MISCALL = {"msisdn": "6281234567890", "gateway": 0}


def _one_line_exit_2(capsys, argv: list[str]) -> str:
    assert main(["check-traffic", *argv]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err
    return err


@pytest.mark.parametrize("name", ["deep.jsonl", "deep.har"])
def test_a_deeply_nested_file_is_one_line_exit_2(tmp_path, capsys, name):
    path = tmp_path / name
    deep = "[" * 100_000 + "]" * 100_000
    path.write_text(f'{{"log": {{"entries": [{deep}]}}}}' if name.endswith(".har") else deep + "\n")
    err = _one_line_exit_2(capsys, [str(path)])
    assert "nested too deeply" in err


@pytest.mark.parametrize(
    "mangle",
    [
        lambda e: e["request"].update(headers=5),
        lambda e: e["response"].update(headers={"a": 1}),
        lambda e: e["request"].update(method=["POST"], url={"u": 1}),
        lambda e: e["request"].update(postData="text"),
        lambda e: e["response"].update(status="200", content=[1]),
        lambda e: e["response"].update(status=True),
        lambda e: e.update(response=7, _citcall=[1]),
        lambda e: e["response"]["content"].update(encoding="base64", text="%%%"),
    ],
)
def test_odd_shapes_in_an_entry_never_crash(tmp_path, capsys, mangle):
    item = entry(f"{PUB}/asynccall", MISCALL, SUCCESS)
    mangle(item)
    path = tmp_path / "odd.jsonl"
    path.write_text(json.dumps(item) + "\n")
    code = main(["check-traffic", str(path)])
    captured = capsys.readouterr()
    assert code in {0, 1, 2}
    assert "Traceback" not in captured.err


@pytest.mark.parametrize(
    "url", ["http://[::1", "http://[::1]:99999/hooks", "http://host:port/x", "", "\x00://\x00"]
)
def test_broken_callback_urls_never_crash(url):
    callback = entry(url, {"trxid": "1", "result": "Success", "rc": 0}, {})
    callback["_callback"] = True
    checker = TrafficChecker()
    checker.check(callback, "x")
    checker.check({**callback, "_callback": False}, "y")
    assert checker.report.exchanges + checker.report.skipped == 2


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    request=st.dictionaries(
        st.sampled_from(["method", "url", "headers", "postData"]), JSON_VALUES, max_size=4
    ),
    response=JSON_VALUES,
    note=JSON_VALUES,
    url=st.sampled_from(
        [f"{PUB}/asynccall", f"{PUB}/sms", "https://myapp.test/hook", "http://[::1"]
    ),
)
def test_any_json_shape_is_checked_or_skipped_never_a_crash(request, response, note, url):
    checker = TrafficChecker()
    request = {"method": "POST", "url": url, **request}
    checker.check({"request": request, "response": response, "_citcall": note}, "x")
    checker.check({"request": request, "response": response, "_callback": True}, "y")
    assert checker.report.exchanges + checker.report.skipped == 2


@pytest.mark.parametrize("option", ["--json", "--junit"])
def test_a_report_into_a_missing_folder_is_refused_before_reading(tmp_path, capsys, option):
    path = tmp_path / "t.jsonl"
    path.write_text(json.dumps(entry(f"{PUB}/asynccall", MISCALL, SUCCESS)) + "\n")
    target = tmp_path / "missing" / "sub" / "report.out"
    err = _one_line_exit_2(capsys, [str(path), option, str(target)])
    assert option in err
    assert not (tmp_path / "missing").exists()  # no folder made on the way


@pytest.mark.parametrize("option", ["--json", "--junit"])
def test_a_report_onto_a_folder_is_refused(tmp_path, capsys, option):
    path = tmp_path / "t.jsonl"
    path.write_text(json.dumps(entry(f"{PUB}/asynccall", MISCALL, SUCCESS)) + "\n")
    err = _one_line_exit_2(capsys, [str(path), option, str(tmp_path)])
    assert option in err


def test_unreadable_input_is_one_line_exit_2(tmp_path, capsys):
    path = tmp_path / "t.jsonl"
    path.write_bytes(b'{"request": "\xff\xfe"}\n')
    assert "not UTF-8" in _one_line_exit_2(capsys, [str(path)])


# -- item 5: linear reading, bounded memory -------------------------------------------------


def test_a_large_har_entry_is_parsed_once_not_once_per_read(tmp_path, monkeypatch):
    """Characters handed to the JSON decoder stay a small multiple of the file's size
    (the reader re-parsed its whole buffer after every 64 KiB read: quadratic)."""
    body = json.dumps({"rc": 0, "info": "x" * 4_000_000, "nested": [{"a": '\\"]}'}] * 1000})
    item = entry(f"{PUB}/asynccall", MISCALL, None, response_text=body)
    path = tmp_path / "big.har"
    path.write_text(json.dumps({"log": {"entries": [item, item]}}))
    parsed = 0
    real_raw_decode = json.JSONDecoder.raw_decode
    real_loads = json.loads

    def counting_raw_decode(self, s, idx=0):
        nonlocal parsed
        parsed += len(s) - idx
        return real_raw_decode(self, s, idx)

    def counting_loads(s, *args, **kwargs):
        nonlocal parsed
        parsed += len(s)
        return real_loads(s, *args, **kwargs)

    monkeypatch.setattr(json.JSONDecoder, "raw_decode", counting_raw_decode)
    monkeypatch.setattr(json, "loads", counting_loads)
    entries = [e.data for e in read_entries(path)]
    assert entries == [item, item]
    assert parsed < 3 * path.stat().st_size


def test_a_huge_json_line_is_refused_without_being_held_whole(tmp_path, monkeypatch):
    monkeypatch.setattr(scanner, "MAX_VALUE_CHARS", 1000)
    path = tmp_path / "huge.jsonl"
    with path.open("w") as out:
        out.write('{"request": "')
        out.write("x" * 30_000_000)  # no newline anywhere
    tracemalloc.start()
    try:
        with pytest.raises(TrafficFileError, match="longer than 1000"):
            list(read_entries(path))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 10_000_000


def test_a_scanner_reads_values_across_tiny_windows(tmp_path, monkeypatch):
    monkeypatch.setattr(scanner, "CHUNK_CHARS", 3)
    values = [{"a": 'x\\"]}[{', "b": [1, 2.5e3, None, True]}, "s\\\\", 12345, [], {}]
    path = tmp_path / "v.har"
    path.write_text(json.dumps({"log": {"entries": [{"v": v} for v in values]}}))
    assert [e.data["v"] for e in read_entries(path)] == values


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("option", ["--json", "--junit"])
def test_a_report_that_cannot_be_written_is_one_line_exit_2(tmp_path, capsys, option):
    path = tmp_path / "t.jsonl"
    path.write_text(json.dumps(entry(f"{PUB}/asynccall", MISCALL, SUCCESS)) + "\n")
    err = _one_line_exit_2(capsys, [str(path), option, "/dev/full"])
    assert f"{option} /dev/full" in err
