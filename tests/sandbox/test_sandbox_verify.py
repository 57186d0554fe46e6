"""/verify honours valid_time and limit_try: 0, 78, 79, 80, 81 (fake clock)."""

from __future__ import annotations

import pytest

from citcall_contract.spec.codes import is_success, rc_named


async def _miscall(sandbox, **extra):
    body = {"msisdn": "6281234567890", "gateway": 0, **extra}
    sent = await sandbox.call("asyncMiscall", body)
    return sent["trxid"], sent["token"][-4:]


def _verify_body(trxid, token, msisdn="6281234567890"):
    return {"msisdn": msisdn, "trxid": trxid, "token": token}


def _wrong(otp):
    return f"{(int(otp) + 1) % 10000:04d}"


async def test_the_last_four_digits_of_the_calling_number_verify_once(make_sandbox):
    async with make_sandbox() as sandbox:
        trxid, otp = await _miscall(sandbox, valid_time=60)
        ok = await sandbox.call("verifyOtp", _verify_body(trxid, otp, "+6281234567890"))
        again = await sandbox.call("verifyOtp", _verify_body(trxid, otp))
    assert is_success(ok["rc"])
    assert ok["trxid"] == trxid
    assert ok["trxid_verify"] != trxid
    assert len(ok["trxid_verify"]) == 26
    assert again["rc"] == rc_named("DATA_NOT_FOUND")  # a code is good once


async def test_wrong_code_then_right_code(make_sandbox):
    async with make_sandbox() as sandbox:
        trxid, otp = await _miscall(sandbox, valid_time=60, limit_try=3)
        wrong = await sandbox.call("verifyOtp", _verify_body(trxid, _wrong(otp)))
        right = await sandbox.call("verifyOtp", _verify_body(trxid, otp))
    assert wrong["rc"] == rc_named("INVALID_TOKEN")
    assert is_success(right["rc"])


async def test_limit_try_then_maximum_try_reached_even_for_the_right_code(make_sandbox):
    async with make_sandbox() as sandbox:
        trxid, otp = await _miscall(sandbox, valid_time=60, limit_try=2)
        answers = [
            (await sandbox.call("verifyOtp", _verify_body(trxid, code)))["rc"]
            for code in (_wrong(otp), _wrong(otp), otp)
        ]
    assert answers == [rc_named("INVALID_TOKEN")] * 2 + [rc_named("MAXIMUM_TRY_REACHED")]


async def test_default_limit_try_comes_from_the_spec(make_sandbox):
    async with make_sandbox() as sandbox:
        trxid, otp = await _miscall(sandbox, valid_time=60)  # no limit_try
        limit = sandbox.state.config.default_limit_try
        for _ in range(limit):
            assert (await sandbox.call("verifyOtp", _verify_body(trxid, _wrong(otp))))["rc"] == 79
        last = await sandbox.call("verifyOtp", _verify_body(trxid, otp))
    assert last["rc"] == rc_named("MAXIMUM_TRY_REACHED")


async def test_valid_time_expires_then_the_otp_is_forgotten(make_sandbox, clock):
    async with make_sandbox(expired_grace=100) as sandbox:
        trxid, otp = await _miscall(sandbox, valid_time=30)
        clock.advance(29.9)
        still_valid = sandbox.state.otps.get(trxid) is not None
        clock.advance(0.1)
        expired = await sandbox.call("verifyOtp", _verify_body(trxid, otp))
        clock.advance(100)
        forgotten = await sandbox.call("verifyOtp", _verify_body(trxid, otp))
    assert still_valid
    assert expired["rc"] == rc_named("EXPIRED_TOKEN")
    assert forgotten["rc"] == rc_named("DATA_NOT_FOUND")


@pytest.mark.parametrize(
    "body",
    [
        {"trxid": "12345678901234567890123456"},  # never issued
        {"msisdn": "6289876543210"},  # another number's transaction
    ],
)
async def test_unknown_transaction_is_data_not_found(make_sandbox, body):
    async with make_sandbox() as sandbox:
        trxid, otp = await _miscall(sandbox, valid_time=60)
        data = await sandbox.call("verifyOtp", {**_verify_body(trxid, otp), **body})
    assert data["rc"] == rc_named("DATA_NOT_FOUND")


async def test_sms_otp_token_or_code_in_text_is_verifiable(make_sandbox):
    async with make_sandbox() as sandbox:
        with_token = await sandbox.call(
            "sendSmsOtp",
            {"msisdn": "6281234567890", "senderid": "x", "text": "Code", "token": "98765"}
            | {"valid_time": 60},
        )
        in_text = await sandbox.call(
            "sendSmsOtp",
            {
                "msisdn": "6281234567890",
                "senderid": "x",
                "text": "Kode 246810 ok",
                "valid_time": 60,
            },
        )
        first = await sandbox.call("verifyOtp", _verify_body(with_token["trxid"], "98765"))
        second = await sandbox.call("verifyOtp", _verify_body(in_text["trxid"], "246810"))
    assert is_success(first["rc"])
    assert is_success(second["rc"])
