"""Bad arguments are refused before any I/O, with an error that names the field."""

from __future__ import annotations

import pytest

from citcall_contract import Citcall, CitcallError, CitcallInputError, spec
from citcall_contract.client.msisdn import normalize_msisdn

from .client_support import API_KEY, SEED_MSISDN, TRXID

SCHEMAS = spec.load_spec()["components"]["schemas"]
VALID_TIME_MAX = SCHEMAS["ValidTime"]["maximum"]
LIMIT_TRY_MAX = SCHEMAS["LimitTry"]["maximum"]
SENDERID_MAX = SCHEMAS["Senderid"]["maxLength"]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("081234567890", "6281234567890"),
        ("+6281234567890", "6281234567890"),
        ("0812-3456-7890", "6281234567890"),
        (" 0812 3456 7890 ", "6281234567890"),
        ("(0812) 3456.7890", "6281234567890"),
        ("006281234567890", "6281234567890"),
        ("+6591234567", "6591234567"),  # Singapore: another country, 10 digits
        ("6281000000014", "6281000000014"),  # a sandbox test number
    ],
)
def test_msisdn_normalisation(typed, expected):
    assert normalize_msisdn(typed) == expected


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "   ",
        "0812",  # too short
        "62812",  # too short for Indonesia
        "62812345678901234",  # 17 digits: too long for Indonesia
        "+1234567890123456789",  # longer than any number
        "+0812345678901",  # a country code never starts with 0
        "620812345678",  # trunk 0 kept after the country code
        "0812-3456-789O",  # letter O
        "\uff10\uff18\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19\uff10",  # fullwidth
        "+62 812 3456 7890 ext 1",
        "++6281234567890",
        "*6281234567890#",
        6281234567890,
        None,
        b"6281234567890",
    ],
)
def test_impossible_numbers_are_refused(bad):
    with pytest.raises(CitcallInputError) as caught:
        normalize_msisdn(bad)
    assert caught.value.field == "msisdn"
    assert str(caught.value).startswith("msisdn: ")


def _refused(call, field):
    with pytest.raises(CitcallInputError) as caught:
        call()
    assert caught.value.field == field
    assert field in str(caught.value)
    assert isinstance(caught.value, ValueError)
    assert isinstance(caught.value, CitcallError)


BAD_ARGUMENTS = [
    ("msisdn", lambda c: c.sms("12", "hi", senderid="citcall")),
    ("text", lambda c: c.sms(SEED_MSISDN, "", senderid="citcall")),
    ("text", lambda c: c.sms(SEED_MSISDN, " \n\t", senderid="citcall")),
    ("text", lambda c: c.sms(SEED_MSISDN, None, senderid="citcall")),
    ("text", lambda c: c.sms(SEED_MSISDN, "bad \ud800 surrogate", senderid="citcall")),
    ("senderid", lambda c: c.sms(SEED_MSISDN, "hi", senderid="")),
    ("senderid", lambda c: c.sms(SEED_MSISDN, "hi", senderid="x" * (SENDERID_MAX + 1))),
    ("callback_url", lambda c: c.sms(SEED_MSISDN, "hi", senderid="c", callback_url="/relative")),
    ("callback_url", lambda c: c.sms(SEED_MSISDN, "hi", senderid="c", callback_url="ftp://a.b/c")),
    ("callback_url", lambda c: c.sms(SEED_MSISDN, "hi", senderid="c", callback_url="http://")),
    ("callback_url", lambda c: c.sms(SEED_MSISDN, "hi", senderid="c", callback_url="https://a b")),
    ("callback_url", lambda c: c.miscall(SEED_MSISDN, callback_url=b"https://a.b")),
    ("callback_url", lambda c: c.miscall(SEED_MSISDN, callback_url="https://a.b/c\n")),
    ("callback_url", lambda c: c.miscall(SEED_MSISDN, callback_url="https://a.b/c\t")),
    ("gateway", lambda c: c.miscall(SEED_MSISDN, gateway=5)),
    ("gateway", lambda c: c.miscall(SEED_MSISDN, gateway=-1)),
    ("gateway", lambda c: c.miscall(SEED_MSISDN, gateway=True)),
    ("gateway", lambda c: c.miscall(SEED_MSISDN, gateway="0")),
    ("valid_time", lambda c: c.miscall(SEED_MSISDN, valid_time=0)),
    ("valid_time", lambda c: c.miscall(SEED_MSISDN, valid_time=VALID_TIME_MAX + 1)),
    ("valid_time", lambda c: c.miscall(SEED_MSISDN, valid_time=30.0)),
    ("limit_try", lambda c: c.miscall(SEED_MSISDN, valid_time=60, limit_try=0)),
    ("limit_try", lambda c: c.miscall(SEED_MSISDN, valid_time=60, limit_try=LIMIT_TRY_MAX + 1)),
    ("limit_try", lambda c: c.miscall(SEED_MSISDN, limit_try=3)),  # useless without valid_time
    ("token", lambda c: c.sms_otp(SEED_MSISDN, "code", senderid="c", token="12")),
    ("token", lambda c: c.sms_otp(SEED_MSISDN, "code", senderid="c", token=4821)),
    ("token", lambda c: c.verify(TRXID, SEED_MSISDN, "12ab")),
    ("token", lambda c: c.verify(TRXID, SEED_MSISDN, "4821\n")),
    ("trxid", lambda c: c.verify("", SEED_MSISDN, "4821")),
    ("trxid", lambda c: c.verify("abc", SEED_MSISDN, "4821")),
    ("msisdn", lambda c: c.verify(TRXID, "+62", "4821")),
]


@pytest.mark.parametrize(("field", "call"), BAD_ARGUMENTS)
def test_bad_arguments_are_refused_without_a_request(gateway, client, field, call):
    route = gateway.route()  # catches any request at all

    _refused(lambda: call(client), field)

    assert not route.called


def test_bounds_at_the_spec_limits_are_accepted(gateway, client):
    route = gateway.post("/asynccall").respond(
        json=spec.operation("asyncMiscall").response_examples()["success"]
    )

    client.miscall(SEED_MSISDN, gateway=4, valid_time=VALID_TIME_MAX, limit_try=LIMIT_TRY_MAX)

    assert route.call_count == 1


@pytest.mark.parametrize(
    ("field", "make"),
    [
        ("api_key", lambda: Citcall("")),
        ("api_key", lambda: Citcall("key with space")),
        ("api_key", lambda: Citcall(None)),
        ("userid", lambda: Citcall(API_KEY, userid="a:b")),
        ("userid", lambda: Citcall(API_KEY, userid="")),
    ],
)
def test_bad_credentials_are_refused_without_echoing_them(field, make):
    with pytest.raises(CitcallInputError) as caught:
        make()
    assert caught.value.field == field
    assert "key with space" not in str(caught.value)
