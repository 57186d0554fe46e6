"""The recorder contacts only the hosts it is told, and bounds what it forwards and keeps."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from citcall_contract.cli import main
from citcall_contract.contract.verify.relay import PROBLEM_HEADER, Limits

from .traffic_support import recording


@pytest.mark.parametrize(
    "upstream",
    ["https://pub.citcall.com/v3", "http://10.1.2.3:8090/v3", "http://127.0.0.1.nip.io/v3"],
)
def test_a_non_loopback_upstream_needs_allow_host(tmp_path, capsys, upstream):
    assert main(["record", "--upstream", upstream, "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "--allow-host" in err
    assert len(err.strip().splitlines()) == 1
    assert not any(tmp_path.iterdir())  # nothing written, nothing served


@pytest.mark.parametrize("upstream", ["ftp://127.0.0.1/v3", "not a url", "http:///v3"])
def test_an_upstream_must_be_an_http_url(tmp_path, capsys, upstream):
    assert main(["record", "--upstream", upstream, "--out", str(tmp_path)]) == 2
    assert "--upstream" in capsys.readouterr().err


async def hostile(scope, receive, send):
    """Answers /huge with 200 kB and /slow after a long pause."""
    if scope["type"] != "http":
        return
    if scope["path"].endswith("/slow"):
        await asyncio.sleep(2)
    body = b"x" * 200_000 if scope["path"].endswith("/huge") else b'{"rc": 0}'
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": body})


def test_oversized_and_slow_answers_are_cut_off_and_recorded_as_problems(tmp_path):
    limits = Limits(max_response_bytes=64 * 1024, max_request_bytes=1024, timeout=0.5)
    with recording(hostile, tmp_path, limits) as rec, httpx.Client(base_url=rec.proxy) as client:
        huge = client.post("/huge", json={})
        slow = client.post("/slow", json={})
        big_request = client.post("/sms", content=b"y" * 5000)
        entries = rec.entries()
    assert (huge.status_code, slow.status_code, big_request.status_code) == (502, 504, 413)
    assert "larger than 65536 bytes" in huge.headers[PROBLEM_HEADER]
    assert "within 0.5 s" in slow.headers[PROBLEM_HEADER]
    problems = [e["_citcall"]["problem"] for e in entries]
    assert len(problems) == 3
    # What the client received is what is written: the recorder's own answer, marked.
    assert [e["response"]["status"] for e in entries] == [502, 504, 413]
    assert all(
        {"name": PROBLEM_HEADER, "value": e["_citcall"]["problem"]} in e["response"]["headers"]
        for e in entries
    )
    assert all(len(e["response"]["content"]["text"]) < 1000 for e in entries)
