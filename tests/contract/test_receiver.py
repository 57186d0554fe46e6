"""The loopback callback receiver validates what it catches against the spec's webhooks."""

from __future__ import annotations

import httpx

from citcall_contract import spec
from citcall_contract.contract.receiver import CallbackReceiver, callback_kinds


def _example(kind: str) -> dict:
    path_item = spec.resolve(spec.load_spec()["webhooks"][kind])
    media = spec.resolve(path_item["post"]["requestBody"])["content"]["application/json"]
    return next(iter(spec.example_values(media).values()))


def test_operations_map_to_the_webhooks_their_callbacks_post():
    assert callback_kinds() == {
        "asyncMiscall": "missedCallStatus",
        "motp": "missedCallStatus",
        "sendSms": "smsStatus",
        "sendSmsOtp": "smsOtpStatus",
    }


def test_valid_callbacks_pass_and_broken_ones_are_explained():
    with CallbackReceiver() as receiver:
        good = _example("missedCallStatus")
        httpx.post(receiver.url_for("missedCallStatus"), json=good)
        httpx.post(receiver.url_for("smsStatus"), json={"trxid": "123"})
        httpx.post(receiver.url_for("smsOtpStatus"), content=b"<html>")
        httpx.post(receiver.base_url + "/elsewhere", json=good)
        caught = receiver.wait_for({good["trxid"], "123"}, timeout=5)
    problems = {c.kind: c.problem for c in caught}
    assert problems["missedCallStatus"] is None
    assert "result" in problems["smsStatus"]
    assert problems["smsOtpStatus"] == "body is not JSON"
    assert "unknown path" in problems["elsewhere"]
    assert caught[0].trxid == good["trxid"]
