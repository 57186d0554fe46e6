"""parse_callback: detection by fields, validation against the spec, the delivery rule."""

from __future__ import annotations

import json

import pytest
from citcall_v3_client.models import SmsCallback, SmsOtpCallback

from citcall_contract import CallbackError, CitcallError, MissedCallReport, parse_callback, spec
from citcall_contract.callbacks import callback_kinds

ANSWERED = {
    "rc": 0,
    "trxid": "20210525091044955016638584",
    "msisdn": "+6281234567890",
    "via": "voice",
    "token": "02150123456",
    "dial_code": "200",
    "dial_status": "OK",
    "call_status": "ANSWERED",
    "price": "179",
    "result": "Success",
}
SMS = {"trxid": "20170530152922", "result": "DELIVERED", "reportedDate": "2017-05-30 15:29:30"}


def _webhook_examples():
    for name, item in spec.load_spec()["webhooks"].items():
        body = spec.resolve(spec.resolve(item)["post"]["requestBody"])
        for label, example in spec.example_values(body["content"]["application/json"]).items():
            yield pytest.param(name, example, id=f"{name}-{label}")


def test_kinds_come_from_the_spec_webhooks():
    assert set(callback_kinds()) == set(spec.load_spec()["webhooks"])


@pytest.mark.parametrize(("kind", "example"), list(_webhook_examples()))
def test_spec_examples_parse_as_their_kind(kind, example):
    parsed = parse_callback(example, kind=kind)
    assert isinstance(parsed, callback_kinds()[kind].model)
    assert parsed.trxid == example["trxid"]
    assert parsed.to_dict() == example


@pytest.mark.parametrize(
    "payload",
    [
        ANSWERED,
        json.dumps(ANSWERED),
        json.dumps(ANSWERED).encode(),
        bytearray(json.dumps(ANSWERED).encode()),
    ],
    ids=["mapping", "str", "bytes", "bytearray"],
)
def test_payload_forms_are_equivalent(payload):
    parsed = parse_callback(payload)
    assert isinstance(parsed, MissedCallReport)
    assert parsed.to_dict() == ANSWERED
    assert parsed.delivered is True


def test_sms_reports_are_detected_by_their_fields():
    parsed = parse_callback(SMS)
    assert isinstance(parsed, SmsCallback)
    assert parsed.reported_date == SMS["reportedDate"]


def test_sms_otp_reports_need_the_kind_since_the_fields_are_the_same():
    assert isinstance(parse_callback(SMS, kind="smsOtpStatus"), SmsOtpCallback)


def test_a_missed_call_with_only_the_required_fields_is_detected():
    parsed = parse_callback({"rc": 6, "trxid": "1", "result": "Failed"})
    assert isinstance(parsed, MissedCallReport)
    assert parsed.delivered is False


@pytest.mark.parametrize(
    ("dial_code", "delivered"),
    [
        ("180", True),  # the seed: 180, 183 and 2xx are delivered
        ("183", True),
        ("200", True),
        (204, True),
        ("299", True),  # not in the table: keeps its class's meaning
        ("100", False),
        ("181", False),
        ("486", False),
        (603, False),
        ("432", False),  # unknown 4xx, kept
    ],
)
def test_delivered_follows_the_seed_rule_and_keeps_unknown_codes(dial_code, delivered):
    parsed = parse_callback({**ANSWERED, "dial_code": dial_code})
    assert parsed.delivered is delivered
    assert parsed.to_dict()["dial_code"] == dial_code


@pytest.mark.parametrize("rc", [555, "555", "00"])
def test_unknown_rc_values_are_kept(rc):
    assert parse_callback({**ANSWERED, "rc": rc}).to_dict()["rc"] == rc


def test_unknown_extra_fields_are_kept():
    parsed = parse_callback({**SMS, "new_field": 1})
    assert parsed["new_field"] == 1


@pytest.mark.parametrize(
    ("payload", "says"),
    [
        (b"\xff\xfe", "not UTF-8"),
        ("{not json", "not JSON"),
        ("[1, 2]", "JSON object"),
        (42, "JSON object"),
        ({}, "missing"),
        ({"result": "DELIVERED"}, "trxid"),
        ({**SMS, "trxid": "abc"}, "trxid"),
        ({**SMS, "reportedDate": "yesterday"}, "reportedDate"),
        ({**SMS, "price": "free"}, "price"),
        ({**ANSWERED, "dial_code": "abc"}, "dial_code"),
        ({**ANSWERED, "rc": -1}, "rc"),
        ({**ANSWERED, "result": None}, "result"),
    ],
)
def test_malformed_callbacks_say_what_is_wrong(payload, says):
    with pytest.raises(CallbackError) as caught:
        parse_callback(payload)
    assert says in str(caught.value)
    assert isinstance(caught.value, ValueError)
    assert isinstance(caught.value, CitcallError)


def test_an_unknown_kind_is_refused():
    with pytest.raises(CallbackError, match="smsStatus"):
        parse_callback(SMS, kind="nope")


def test_a_payload_of_the_wrong_kind_is_refused():
    with pytest.raises(CallbackError, match="missedCallStatus"):
        parse_callback(SMS, kind="missedCallStatus")
