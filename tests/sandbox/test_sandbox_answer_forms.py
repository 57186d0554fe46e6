"""`answer_forms="varied"`: every wire form of the spec's `x-wire-forms`, answers and callbacks."""

from __future__ import annotations

from typing import Any

import pytest

from citcall_contract.client.callback_reports import parse_callback
from citcall_contract.spec import operation, operation_callback
from citcall_contract.spec.codes import parse_rc, rc_named

from .sandbox_support import AUTH, VALID_BODIES, all_forms, forms_seen

#: Answers per operation: more than the longest cycle of forms of any field.
CALLS = 12
#: Each operation's request that succeeds (and asks for the code to be kept).
SENDS = {
    "asyncMiscall": {**VALID_BODIES["asyncMiscall"], "valid_time": 60},
    "motp": {**VALID_BODIES["motp"], "valid_time": 60},
    "syncMiscall": VALID_BODIES["syncMiscall"],
    "sendSms": VALID_BODIES["sendSms"],
    "sendSmsOtp": {**VALID_BODIES["sendSmsOtp"], "valid_time": 60},
}


def _schema(operation_id: str) -> str:
    return operation(operation_id).response_schema_ref().rsplit("/", 1)[-1]


async def _answers(sandbox: Any, operation_id: str, count: int = CALLS) -> list[dict[str, Any]]:
    """`count` answers of the operation (each one checked against its response schema)."""
    if operation_id != "verifyOtp":
        return [await sandbox.call(operation_id, SENDS[operation_id]) for _ in range(count)]
    answers = []
    for _ in range(count):
        sent = await sandbox.call("sendSmsOtp", {**SENDS["sendSmsOtp"], "token": "4821"})
        body = {"msisdn": "6281234567890", "trxid": sent["trxid"], "token": "4821"}
        answers.append(await sandbox.call("verifyOtp", body))
    return answers


@pytest.mark.parametrize("operation_id", [*SENDS, "verifyOtp"])
async def test_varied_answers_show_every_form_of_every_field(make_sandbox, operation_id):
    async with make_sandbox(answer_forms="varied") as sandbox:
        answers = await _answers(sandbox, operation_id)
    assert all(parse_rc(answer["rc"]) == 0 for answer in answers)
    assert forms_seen(_schema(operation_id), answers) == all_forms(_schema(operation_id))


@pytest.mark.parametrize("operation_id", ["sendSms", "asyncMiscall", "verifyOtp"])
async def test_canonical_answers_keep_one_form(make_sandbox, operation_id):
    async with make_sandbox() as sandbox:
        answers = await _answers(sandbox, operation_id, 4)
    seen = forms_seen(_schema(operation_id), answers)
    assert seen
    assert all(len(forms) == 1 for forms in seen.values()), seen


def test_the_spec_gives_rc_price_and_msisdn_two_forms():
    sms = all_forms("SmsResponse")
    assert sms["rc"] == {"integer", "digit-string"}
    assert sms["price"] == {"integer", "digit-string"}
    assert sms["msisdn"] == {"plus", "bare"}


async def test_failures_vary_rc_too(make_sandbox):
    async with make_sandbox(answer_forms="varied") as sandbox:
        refused = [await sandbox.call("sendSms", {"msisdn": "6281234567890"}) for _ in range(4)]
    assert {type(answer["rc"]) for answer in refused} == {int, str}
    assert {parse_rc(answer["rc"]) for answer in refused} == {rc_named("MISSING_PARAMETER")}
    assert "88" in {answer["rc"] for answer in refused}


async def _form_sequence(make_sandbox: Any, **config: Any) -> list[dict[str, set[str]]]:
    async with make_sandbox(answer_forms="varied", **config) as sandbox:
        answers = await _answers(sandbox, "sendSms", 6)
    return [forms_seen("SmsResponse", [answer]) for answer in answers]


async def test_the_same_seed_gives_the_same_forms_and_another_may_not(make_sandbox):
    first = await _form_sequence(make_sandbox)
    assert await _form_sequence(make_sandbox) == first
    others = [await _form_sequence(make_sandbox, answer_forms_seed=seed) for seed in range(1, 6)]
    assert any(other != first for other in others)


async def test_reset_starts_every_cycle_again(make_sandbox):
    async with make_sandbox(answer_forms="varied") as sandbox:
        before = await _answers(sandbox, "sendSms", 3)
        await sandbox.client.post("/_sandbox/reset")
        after = await _answers(sandbox, "sendSms", 3)
    assert [forms_seen("SmsResponse", [a]) for a in before] == [
        forms_seen("SmsResponse", [a]) for a in after
    ]


async def test_a_fault_page_is_not_varied(make_sandbox):
    async with make_sandbox(answer_forms="varied") as sandbox:
        body = {**VALID_BODIES["sendSms"], "msisdn": "6281000002004"}  # html_502
        response = await sandbox.client.post("/sms", json=body, headers=AUTH)
    assert response.status_code == 502
    assert response.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize("operation_id", ["motp", "sendSms", "sendSmsOtp"])
async def test_varied_callbacks_show_every_form_and_parse(make_sandbox, receiver, operation_id):
    kind = operation_callback(operation_id)
    assert kind is not None
    async with make_sandbox(answer_forms="varied") as sandbox:
        for _ in range(CALLS):
            await sandbox.call(operation_id, {**SENDS[operation_id], "callback_url": receiver.url})
        await sandbox.state.dispatcher.wait_idle(5)
        deliveries = sandbox.state.deliveries.snapshot()
    payloads = receiver.wait(CALLS)
    assert len(payloads) == CALLS
    assert all(delivery["delivered"] for delivery in deliveries), deliveries
    assert not [p for p in payloads if list(kind.validator.iter_errors(p))]
    assert forms_seen(kind.schema_name, payloads) == all_forms(kind.schema_name)
    reports = [parse_callback(payload, kind=kind.name) for payload in payloads]
    assert {report.trxid for report in reports} == {p["trxid"] for p in payloads}
