"""Test numbers from the spec's `x-sandbox-scenarios` force rcs and call outcomes."""

from __future__ import annotations

import pytest

from citcall_contract.spec import operations
from citcall_contract.spec.codes import describe_dial_code, is_success, response_codes
from citcall_contract.spec.scenarios import call_outcomes, scenarios

from .sandbox_support import VALID_BODIES

FORCE_PREFIX = str(scenarios()["force_rc_prefix"])
FAILURE_RCS = [rc for rc in response_codes() if not is_success(rc)]


def with_msisdn(operation_id: str, msisdn: str) -> dict[str, object]:
    return {**VALID_BODIES[operation_id], "msisdn": msisdn}


@pytest.mark.parametrize("operation_id", sorted(operations()))
async def test_every_documented_rc_can_be_forced_on_every_operation(make_sandbox, operation_id):
    async with make_sandbox(balance=0) as sandbox:
        for rc in FAILURE_RCS:
            data = await sandbox.call(
                operation_id, with_msisdn(operation_id, f"{FORCE_PREFIX}{rc:02d}")
            )  # also checks the response schema
            assert data["rc"] == rc
            assert data["info"]
        assert sandbox.state.deliveries.snapshot() == []  # a refused request sends nothing


async def test_forced_codes_accept_the_other_msisdn_forms(make_sandbox):
    async with make_sandbox() as sandbox:
        plus = await sandbox.call(
            "sendSms", {**VALID_BODIES["sendSms"], "msisdn": f"+{FORCE_PREFIX}44"}
        )
        unknown = await sandbox.call(
            "sendSms", {**VALID_BODIES["sendSms"], "msisdn": f"{FORCE_PREFIX}12"}
        )
    assert plus["rc"] == 44
    assert unknown["rc"] == 12  # a code the spec does not list is still answered


async def test_forced_success_on_verify_skips_the_check(make_sandbox):
    async with make_sandbox() as sandbox:
        data = await sandbox.call(
            "verifyOtp", {**VALID_BODIES["verifyOtp"], "msisdn": f"{FORCE_PREFIX}00"}
        )
    assert is_success(data["rc"])
    assert data["token_verify"] == VALID_BODIES["verifyOtp"]["token"]


@pytest.mark.parametrize("outcome", list(call_outcomes().values()), ids=lambda o: o.name)
async def test_each_call_outcome_is_reported_by_callback(make_sandbox, receiver, outcome):
    msisdn = f"{scenarios()['call_outcome_prefix']}{outcome.dial_code}"
    async with make_sandbox() as sandbox:
        body = {"msisdn": msisdn, "gateway": 2, "callback_url": receiver.url}
        answer = await sandbox.call("asyncMiscall", body)
        await sandbox.state.dispatcher.wait_idle(5)
    assert answer["rc"] == 0
    [report] = receiver.wait(1)
    assert report["trxid"] == answer["trxid"]
    assert report["token"] == answer["token"]
    assert report["dial_code"] == str(outcome.dial_code)
    assert (report["dial_status"], report["call_status"], report["result"]) == (
        outcome.dial_status,
        outcome.call_status,
        outcome.result,
    )
    assert (int(report["price"]) > 0) == describe_dial_code(outcome.dial_code).delivered


async def test_ordinary_number_is_answered_and_unlisted_sip_code_keeps_its_class(make_sandbox):
    async with make_sandbox() as sandbox:
        ordinary = await sandbox.call("syncMiscall", VALID_BODIES["syncMiscall"])
        unlisted = await sandbox.call(
            "syncMiscall", {"msisdn": f"{scenarios()['call_outcome_prefix']}503", "gateway": 0}
        )
    assert ordinary["dial_code"] == "200"
    assert ordinary["result"] == call_outcomes()[200].result
    assert unlisted["dial_code"] == "503"
    assert unlisted["price"] == "0"
