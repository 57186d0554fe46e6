"""A large JSON-lines file checked in parts on several cores says what one pass says."""

from __future__ import annotations

import json

import pytest

from citcall_contract.contract.traffic import parallel, tally
from citcall_contract.contract.traffic.check import TrafficChecker
from citcall_contract.contract.traffic.files import TrafficFileError, json_lines
from citcall_contract.contract.traffic.report import as_json

from .traffic_support import SUCCESS, entry

PUB = "https://pub.citcall.com/v3"
MISCALL = {"msisdn": "6281234567890", "gateway": 0}


def _mixed(n: int) -> dict:
    """Conforming, drifting in many distinct ways, new rcs, foreign answers, skipped."""
    kind = n % 7
    if kind == 0:
        return entry(f"{PUB}/asynccall", MISCALL, SUCCESS)
    if kind == 1:
        return entry(f"{PUB}/asynccall", MISCALL, {**SUCCESS, f"extra{n % 11}": [n]})
    if kind == 2:
        return entry(f"{PUB}/asynccall", {"gateway": n % 9}, SUCCESS)  # no msisdn
    if kind == 3:
        return entry(
            f"{PUB}/verify",
            {"msisdn": "6281234567890", "trxid": "1", "token": "1"},
            {"rc": 100 + n % 5},
        )
    if kind == 4:
        return entry(
            f"{PUB}/sms",
            {},
            None,
            502,
            response_text=f"<html>{n % 3}</html>",
            content_type="text/html",
        )
    if kind == 5:
        return entry(f"http://127.0.0.1:8090/gateway/v3/motp?n={n % 4}", MISCALL, SUCCESS)
    return entry(f"{PUB}/asynccall", MISCALL, {"rc": 0, "trxid": n})


@pytest.fixture
def traffic(tmp_path):
    path = tmp_path / "big.jsonl"
    path.write_text("".join(json.dumps(_mixed(n)) + "\n" for n in range(700)))
    return path


def _serial(path) -> TrafficChecker:
    checker = TrafficChecker()
    for item in json_lines(path):
        checker.check(item.data, item.where)
    return checker


@pytest.mark.parametrize("kept", [2, 200])
def test_parts_merge_into_what_one_pass_finds(traffic, monkeypatch, kept):
    monkeypatch.setattr(tally, "MAX_DRIFTS", kept)
    monkeypatch.setattr(tally, "MAX_NEW_RCS", 2)
    monkeypatch.setattr(parallel, "MIN_PART_BYTES", 1000)
    monkeypatch.setattr(parallel, "workers", lambda: 4)
    one_pass = _serial(traffic)
    in_parts = TrafficChecker()
    assert parallel.check_in_parallel(in_parts, traffic)
    assert as_json(in_parts.report) == as_json(one_pass.report)
    assert in_parts.matcher.suggestions == one_pass.matcher.suggestions
    assert one_pass.report.exchanges > 0
    assert any(op.drifts_dropped for op in one_pass.report.operations.values()) == (kept == 2)


def test_the_parts_cover_every_line_once(traffic):
    parts = parallel.split(traffic, 5)
    assert parts[0][0] == 0
    assert parts[-1][1] == traffic.stat().st_size
    lines = [e.where for start, end, first in parts for e in json_lines(traffic, start, end, first)]
    assert lines == [e.where for e in json_lines(traffic)]


def test_a_broken_line_in_a_later_part_is_named(traffic, monkeypatch):
    with traffic.open("a") as out:
        out.write("{broken\n")
    monkeypatch.setattr(parallel, "MIN_PART_BYTES", 1000)
    monkeypatch.setattr(parallel, "workers", lambda: 3)
    with pytest.raises(TrafficFileError, match=r"big.jsonl:701: not JSON"):
        parallel.check_in_parallel(TrafficChecker(), traffic)


def test_a_small_file_is_left_to_one_pass(traffic):
    assert not parallel.check_in_parallel(TrafficChecker(), traffic)
