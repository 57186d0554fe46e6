"""parse_callback: detection by fields, validation against the spec, one normalised view."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from citcall_contract import (
    CallbackError,
    CallbackReport,
    CitcallError,
    MissedCallReport,
    SmsReport,
    parse_callback,
    spec,
)
from citcall_contract.client.callback_reports import callback_kinds, kind_alias, resolve_kind

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
    assert isinstance(parsed, CallbackReport)
    assert parsed.kind == kind
    assert parsed.trxid == example["trxid"]
    assert parsed.to_dict() == example
    assert dict(parsed.raw) == example


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


@pytest.mark.parametrize(
    "forms",
    [
        {"rc": 0, "dial_code": "200", "price": "179", "msisdn": "+6281234567890"},
        {"rc": "00", "dial_code": 200, "price": 179, "msisdn": "6281234567890"},
        {"rc": "0", "dial_code": "200", "price": 179.0, "msisdn": "+6281234567890"},
    ],
    ids=["strings", "numbers", "mixed"],
)
def test_every_wire_form_gives_the_same_plain_values(forms):
    parsed = parse_callback({**ANSWERED, **forms})
    assert isinstance(parsed, MissedCallReport)
    assert parsed.rc == 0
    assert type(parsed.rc) is int
    assert parsed.succeeded
    assert parsed.dial_code == 200
    assert type(parsed.dial_code) is int
    assert parsed.dial_class == "2xx"
    assert parsed.price == Decimal(179)
    assert isinstance(parsed.price, Decimal)
    assert parsed.msisdn == "6281234567890"
    assert parsed.raw["rc"] == forms["rc"]  # the payload as received is kept


def test_a_decimal_price_is_exact():
    assert parse_callback({**SMS, "price": 450.5}).price == Decimal("450.5")
    assert parse_callback({**SMS, "price": "0.10"}).price == Decimal("0.10")


def test_absent_fields_are_none():
    parsed = parse_callback({"rc": 6, "trxid": "1", "result": "Failed"})
    assert isinstance(parsed, MissedCallReport)
    assert (parsed.msisdn, parsed.dial_code, parsed.price, parsed.token) == (None,) * 4
    assert parsed.dial is None
    assert parsed.dial_class is None
    assert parsed.delivered is False
    assert parsed.succeeded is False
    sms = parse_callback({"trxid": "1", "result": "DELIVERED"})
    assert isinstance(sms, SmsReport)
    assert (sms.description, sms.reported_date, sms.currency, sms.price) == (None,) * 4
    assert sms.reported_at is None


def test_sms_reports_are_detected_by_their_fields():
    parsed = parse_callback(SMS)
    assert isinstance(parsed, SmsReport)
    assert parsed.kind == "smsStatus"
    assert parsed.reported_date == SMS["reportedDate"]
    assert parsed.reported_at is not None
    assert parsed.reported_at.minute == 29


def test_sms_otp_reports_need_the_kind_since_the_fields_are_the_same():
    parsed = parse_callback(SMS, kind="smsOtpStatus")
    assert isinstance(parsed, SmsReport)
    assert parsed.kind == "smsOtpStatus"


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("missedCallStatus", "missedCallStatus"),
        ("missed-call", "missedCallStatus"),
        ("MissedCallCallback", "missedCallStatus"),
        ("sms", "smsStatus"),
        ("sms-otp", "smsOtpStatus"),
    ],
)
def test_kinds_have_short_aliases(name, kind):
    assert resolve_kind(name) == kind
    assert parse_callback(SMS if kind != "missedCallStatus" else ANSWERED, kind=name).kind == kind


def test_aliases_are_derived_from_the_spec_names():
    assert [kind_alias(k) for k in callback_kinds()] == ["missed-call", "sms", "sms-otp"]


def test_reports_are_frozen_and_hide_the_raw_payload_from_repr():
    parsed = parse_callback(ANSWERED)
    with pytest.raises(AttributeError):
        parsed.rc = 1  # type: ignore[misc]
    assert "raw" not in repr(parsed)
    with pytest.raises(TypeError):
        parsed.raw["rc"] = 1  # type: ignore[index]


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
    assert parsed.dial_code == int(dial_code)
    assert parsed.to_dict()["dial_code"] == dial_code


@pytest.mark.parametrize("rc", [555, "555", "00"])
def test_unknown_rc_values_are_kept(rc):
    parsed = parse_callback({**ANSWERED, "rc": rc})
    assert parsed.rc == int(rc)
    assert parsed.to_dict()["rc"] == rc


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


SMS_JSON = json.dumps(SMS)

# Unsigned endpoints: anyone can post these. Each must be a CallbackError, nothing else.
HOSTILE = [
    pytest.param(b"[" * 1000 + b"]" * 1000, "nested", id="deep-array-bytes"),
    pytest.param("[" * 100_000 + "]" * 100_000, "larger", id="deep-array-huge"),
    pytest.param('{"a":' * 1000 + "1" + "}" * 1000, "nested", id="deep-object"),
    pytest.param(SMS_JSON[:-1] + ', "x": ' + "[" * 40 + "]" * 40 + "}", "nested", id="deep-field"),
    pytest.param(SMS_JSON[:-1] + ', "price": NaN}', "NaN", id="nan"),
    pytest.param(SMS_JSON[:-1] + ', "price": Infinity}', "Infinity", id="infinity"),
    pytest.param(SMS_JSON[:-1] + ', "price": 1e400}', "finite", id="huge-float"),
    pytest.param(SMS_JSON[:-1] + ', "price": ' + "9" * 5000 + "}", "not JSON", id="huge-int"),
    pytest.param(SMS_JSON[:-1] + ', "trxid": "1"}', "repeats", id="duplicate-key"),
    pytest.param(SMS_JSON[:-1] + ', "description": "\\ud800"}', "surrogate", id="lone-surrogate"),
    pytest.param(SMS_JSON[:-1] + ', "\\udfff": 1}', "surrogate", id="lone-surrogate-key"),
    pytest.param(b'{"trxid": "1", "result": "\xc3"}', "UTF-8", id="not-utf8"),
    pytest.param(b" " * 70_000 + SMS_JSON.encode(), "larger", id="oversized"),
    pytest.param(b"", "not JSON", id="empty"),
    pytest.param({**SMS, "price": float("inf")}, "price", id="mapping-inf"),
    pytest.param({**SMS, "price": float("nan")}, "price", id="mapping-nan"),
    pytest.param({**ANSWERED, "rc": 10**5000}, "rc", id="mapping-huge-rc"),
    pytest.param({**SMS, "result": "\ud800"}, "surrogate", id="mapping-surrogate"),
]


@pytest.mark.parametrize(("payload", "says"), HOSTILE)
def test_hostile_bodies_are_callback_errors(payload, says):
    with pytest.raises(CallbackError) as caught:
        parse_callback(payload)
    assert says in str(caught.value)


def test_deep_nesting_from_a_decoded_mapping_is_a_callback_error():
    nested: list = []
    for _ in range(5000):
        nested = [nested]
    with pytest.raises(CallbackError):
        parse_callback({**ANSWERED, "rc": nested})


def test_an_unknown_kind_is_refused():
    with pytest.raises(CallbackError, match="smsStatus"):
        parse_callback(SMS, kind="nope")


def test_a_payload_of_the_wrong_kind_is_refused():
    with pytest.raises(CallbackError, match="missedCallStatus"):
        parse_callback(SMS, kind="missedCallStatus")
