"""A missed call is billed only when it was delivered: the balance after each outcome.

The callback reports the price; these tests read what the account has left afterwards
(`GET /_sandbox/health`), which is what an integrator's low-balance alerts see.
"""

from __future__ import annotations

import pytest

from citcall_contract.spec.codes import rc_named
from citcall_contract.spec.scenarios import call_outcomes, pricing, scenarios

from .sandbox_support import VALID_BODIES

#: The spec's test numbers for calls that end undelivered (busy, declined, no answer...).
UNDELIVERED = [
    row["msisdn"]
    for row in scenarios()["call_outcomes"]
    if not call_outcomes()[int(row["dial_code"])].delivered
]
BUSY = "6281000001486"  # the seed's appendix: SIP 486, callee busy
ANSWERED = "6281000001200"
CALL_OPERATIONS = ["asyncMiscall", "motp", "syncMiscall"]
BALANCE = 1000


def test_the_spec_has_undelivered_outcomes_busy_among_them():
    assert BUSY in UNDELIVERED
    assert ANSWERED not in UNDELIVERED


async def _balance_after(sandbox, operation_id: str, msisdn: str) -> int:
    body = {**VALID_BODIES[operation_id], "msisdn": msisdn}
    answer = await sandbox.call(operation_id, body)
    assert answer["rc"] in (0, "00"), answer
    health = (await sandbox.client.get("/_sandbox/health")).json()
    balance: int = health["balance"]
    return balance


@pytest.mark.parametrize("operation_id", CALL_OPERATIONS)
@pytest.mark.parametrize("msisdn", UNDELIVERED)
async def test_an_undelivered_missed_call_leaves_the_balance_alone(
    make_sandbox, operation_id, msisdn
):
    async with make_sandbox(balance=BALANCE) as sandbox:
        assert await _balance_after(sandbox, operation_id, msisdn) == BALANCE


@pytest.mark.parametrize("operation_id", CALL_OPERATIONS)
async def test_a_delivered_missed_call_costs_its_price(make_sandbox, operation_id):
    async with make_sandbox(balance=BALANCE) as sandbox:
        left = await _balance_after(sandbox, operation_id, ANSWERED)
    assert left == BALANCE - pricing().missed_call


async def test_undelivered_calls_do_not_use_up_a_balance_of_one_call(make_sandbox):
    async with make_sandbox(balance=pricing().missed_call) as sandbox:
        for msisdn in UNDELIVERED:
            assert await _balance_after(sandbox, "asyncMiscall", msisdn) == pricing().missed_call
        assert await _balance_after(sandbox, "asyncMiscall", ANSWERED) == 0
        broke = await sandbox.call("asyncMiscall", {**VALID_BODIES["asyncMiscall"]})
    assert broke["rc"] == rc_named("INSUFFICIENT_AMOUNT")
