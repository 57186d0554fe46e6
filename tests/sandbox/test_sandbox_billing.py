"""sms_count (GSM-7 and UCS-2 boundaries), prices and the balance (rc 14)."""

from __future__ import annotations

import pytest

from citcall_contract.sandbox.billing import Balance, sms_count, sms_encoding
from citcall_contract.spec import load_spec
from citcall_contract.spec.codes import rc_named
from citcall_contract.spec.scenarios import pricing

from .sandbox_support import VALID_BODIES

PARTS = load_spec()["components"]["schemas"]["SmsText"]["x-sms-parts"]
GSM_SINGLE, GSM_MULTI = PARTS["gsm7"]["single"], PARTS["gsm7"]["multi"]
UCS_SINGLE, UCS_MULTI = PARTS["ucs2"]["single"], PARTS["ucs2"]["multi"]


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("a", 1),
        ("a" * GSM_SINGLE, 1),
        ("a" * (GSM_SINGLE + 1), 2),
        ("a" * (GSM_MULTI * 2), 2),
        ("a" * (GSM_MULTI * 2 + 1), 3),
        ("€" * (GSM_SINGLE // 2), 1),  # extension characters take two septets
        ("€" * (GSM_SINGLE // 2) + "a", 2),
        ("é" * GSM_SINGLE, 1),  # in the GSM alphabet
        ("ê" * UCS_SINGLE, 1),  # not in it: UCS-2
        ("ê" * (UCS_SINGLE + 1), 2),
        ("ê" * (UCS_MULTI * 3), 3),
        ("ê" * (UCS_MULTI * 3 + 1), 4),
        ("😀" * (UCS_SINGLE // 2), 1),  # two UTF-16 units each
        ("😀" * (UCS_SINGLE // 2) + "a", 2),
        ("Halo " * 20 + "ñ", 1),
    ],
)
def test_sms_count(text, parts):
    assert sms_count(text) == parts


def test_encoding_choice():
    assert sms_encoding("Hello World! @£$") == "gsm7"
    assert sms_encoding("Selamat 😀") == "ucs2"


async def test_price_is_parts_times_the_spec_price(make_sandbox):
    async with make_sandbox() as sandbox:
        text = "a" * (GSM_SINGLE + 1)
        data = await sandbox.call("sendSms", {**VALID_BODIES["sendSms"], "text": text})
    assert data["sms_count"] == 2
    assert data["price"] == str(2 * pricing().sms_part)
    assert data["currency"] == pricing().currency


async def test_balance_runs_out_with_rc_14_and_reset_restores_it(make_sandbox):
    balance = 2 * pricing().sms_part + pricing().missed_call
    async with make_sandbox(balance=balance) as sandbox:
        rcs = [(await sandbox.call("sendSms"))["rc"] for _ in range(3)]
        call = await sandbox.call("asyncMiscall")
        after = await sandbox.call("asyncMiscall")
        assert sandbox.state.balance.remaining == 0
        await sandbox.client.post("/_sandbox/reset")
        again = await sandbox.call("sendSms")
    assert rcs == [0, 0, rc_named("INSUFFICIENT_AMOUNT")]
    assert call["rc"] == 0
    assert after["rc"] == rc_named("INSUFFICIENT_AMOUNT")
    assert again["rc"] == 0


def test_balance_never_goes_negative():
    balance = Balance(100)
    assert not balance.try_charge(101)
    assert balance.try_charge(100)
    assert balance.remaining == 0
    assert Balance(None).try_charge(10**12)
