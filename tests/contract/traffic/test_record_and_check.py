"""`record` in front of a loopback gateway, then `check-traffic` on what it wrote."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import httpx

from citcall_contract import Citcall, spec
from citcall_contract.cli import main
from citcall_contract.sandbox import SandboxConfig, SandboxServer

from .traffic_support import API_KEY, drifting_gateway, recording

HEADERS = {"Authorization": f"Apikey {API_KEY}"}


def _callback_entry(url: str, payload: dict) -> dict:
    """A callback as a receiver would record it: a POST to the receiver, marked."""
    return {
        "_callback": True,
        "request": {
            "method": "POST",
            "url": url,
            "headers": [{"name": "Content-Type", "value": "application/json"}],
            "postData": {"mimeType": "application/json", "text": json.dumps(payload)},
        },
        "response": {"status": 200, "content": {"size": 0, "text": ""}},
    }


def test_sandbox_traffic_is_recorded_redacted_and_conforms(tmp_path, capsys):
    with (
        SandboxServer(SandboxConfig(api_key=API_KEY), host="127.0.0.1", port=0) as sandbox,
        recording(sandbox.base_url, tmp_path / "rec") as rec,
    ):
        with Citcall(API_KEY, base_url=rec.proxy) as client:
            call = client.miscall("6281234567890", valid_time=300)
            otp = call.token[-4:]
            client.verify(call.trxid, "6281234567890", otp)
            client.sms("6281234567890", "Hello from the test", senderid="citcall")
            client.sms_otp(
                "6281234567890", "Your code is 482913", senderid="citcall", token="482913"
            )
        entries = rec.entries()
    assert [e["request"]["url"].rsplit("/", 1)[1] for e in entries] == [
        "asynccall",
        "verify",
        "sms",
        "smsotp",
    ]
    recorded = json.dumps(entries)
    assert API_KEY not in recorded
    assert otp not in {e["request"]["postData"]["text"] for e in entries}
    assert "482913" not in recorded
    assert call.token not in recorded
    [auth] = [h for h in entries[0]["request"]["headers"] if h["name"] == "authorization"]
    assert auth["value"] == "<redacted>"
    assert all(e["time"] >= 0 and e["response"]["status"] == 200 for e in entries)

    out_json, out_junit = tmp_path / "report.json", tmp_path / "report.xml"
    code = main(  # no --base-url: the recording names its upstream
        [
            "check-traffic",
            str(tmp_path / "rec"),
            "--json",
            str(out_json),
            "--junit",
            str(out_junit),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    report = json.loads(out_json.read_text())
    assert report["ok"]
    assert report["exchanges"] == 4
    for label in ("POST /asynccall", "POST /verify", "POST /sms", "POST /smsotp"):
        assert report["operations"][label]["conforming"] == 1, label
    assert not any(
        case.find("failure") is not None for case in ET.parse(out_junit).iter("testcase")
    )


def _drift(path: str, body: dict) -> dict:
    if path.endswith("/sms"):
        return {**body, "price": {"amount": 450, "currency": "IDR"}}
    if path.endswith("/asynccall"):
        return {k: v for k, v in body.items() if k != "trxid"}
    if path.endswith("/verify"):
        return {"rc": 55, "info": "token blocked"}
    return body


def test_a_drifting_gateway_is_caught_naming_the_field(tmp_path, capsys):
    with (
        recording(drifting_gateway(_drift), tmp_path / "rec") as rec,
        httpx.Client(base_url=rec.proxy, headers=HEADERS) as client,
    ):
        client.post("/asynccall", json={"msisdn": "6281234567890", "gateway": 0})
        client.post("/sms", json={"msisdn": "6281234567890", "senderid": "citcall", "text": "Hi"})
        client.post("/verify", json={"msisdn": "6281234567890", "trxid": "1" * 26, "token": "1234"})
        client.post(
            "/smsotp", json={"msisdn": "6281234567890", "senderid": "citcall", "text": "x 1234"}
        )
    # A missed-call callback with its price turned into an object, caught by a receiver.
    example = spec.example_values(
        spec.resolve(
            spec.resolve(spec.load_spec()["webhooks"]["missedCallStatus"])["post"]["requestBody"]
        )["content"]["application/json"]
    )
    payload = {**next(iter(example.values())), "price": {"amount": 179}}
    callbacks = tmp_path / "rec" / "callbacks.jsonl"
    callbacks.write_text(
        json.dumps(_callback_entry("http://127.0.0.1:8000/hooks/x", payload)) + "\n"
    )

    out_json = tmp_path / "report.json"
    out_junit = tmp_path / "report.xml"
    code = main(
        [
            "check-traffic",
            str(tmp_path / "rec"),
            "--base-url",
            rec.upstream,
            "--json",
            str(out_json),
            "--junit",
            str(out_junit),
        ]
    )
    out = capsys.readouterr().out
    assert code == 1
    ops = json.loads(out_json.read_text())["operations"]
    drifts = {
        label: {(d["direction"], d["field"], d["rule"]) for d in op["drifts"]}
        for label, op in ops.items()
    }
    assert drifts["POST /sms"] == {("response", "price", "anyOf")}
    assert drifts["POST /asynccall"] == {("response", "trxid", "required")}
    assert drifts["POST /verify"] == {("response", "rc", "ResponseCode")}
    assert ops["POST /verify"]["new_rcs"] == {"55": 1}
    assert ops["POST /smsotp"] == {**ops["POST /smsotp"], "conforming": 1, "drifting": 0}
    assert drifts["callback missedCallStatus"] == {("callback", "price", "anyOf")}
    [price] = ops["POST /sms"]["drifts"]
    assert json.loads(price["example"]) == {"amount": 450, "currency": "IDR"}
    assert "DRIFT POST /sms · response price" in out
    failing = {
        case.get("name"): case.find("failure").text
        for case in ET.parse(out_junit).iter("testcase")
        if case.find("failure") is not None
    }
    assert set(failing) == {
        "POST /sms",
        "POST /asynccall",
        "POST /verify",
        "callback missedCallStatus",
    }
    assert "response price (anyOf)" in failing["POST /sms"]
    assert API_KEY not in out
    assert API_KEY not in out_json.read_text()
