"""What each operation does once a request has passed auth, validation and the scenarios.

Each handler gets a valid body and answers with the body to send: the success fields
of the operation (in the gateway's form) or an `{rc, info}` failure.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from citcall_contract.sandbox.billing import sms_count
from citcall_contract.sandbox.faults import callback_plan
from citcall_contract.sandbox.reports import call_price, missed_call_report, sms_delivery_report
from citcall_contract.sandbox.responses import error_body, success_fields
from citcall_contract.sandbox.state import SandboxState
from citcall_contract.sandbox.verification import verify
from citcall_contract.spec import operation_callback
from citcall_contract.spec.codes import rc_named
from citcall_contract.spec.rules import international_msisdn
from citcall_contract.spec.scenarios import call_outcome, pricing

Body = Mapping[str, Any]
Handler = Callable[[SandboxState, str, Body, bool], dict[str, Any]]

_CODE_IN_TEXT = re.compile(r"(?<![0-9])[0-9]{4,10}(?![0-9])")


def _insufficient() -> dict[str, Any]:
    return error_body(rc_named("INSUFFICIENT_AMOUNT"))


def _send_callback(state: SandboxState, op_id: str, body: Body, trxid: str, payload: Body) -> None:
    kind = operation_callback(op_id)
    url = state.callback_url(body)
    if kind is not None and url is not None:
        if state.answer_forms is not None:
            payload = state.answer_forms.callback(kind, payload)
        plan = callback_plan(state.fault_for(body["msisdn"]), state.config)
        for _ in range(plan.copies):
            state.dispatcher.schedule(kind, url, trxid, payload, extra_delay=plan.extra_delay)


def _dial(state: SandboxState, body: Body) -> dict[str, Any] | None:
    """Bill and place a missed call, keep its OTP; the call's report, or None when broke."""
    msisdn = international_msisdn(body["msisdn"])
    outcome = call_outcome(msisdn)
    if not state.balance.try_charge(call_price(outcome)):
        return None
    otp = state.ids.otp()
    token = state.ids.calling_number(otp)
    trxid = state.ids.trxid()
    state.keep_otp(trxid, msisdn, otp, body)
    return missed_call_report(trxid, msisdn, token, outcome)


def place_missed_call(state: SandboxState, op_id: str, body: Body, forced: bool) -> dict[str, Any]:
    """/asynccall and /motp: answer at once, report the call's outcome by callback."""
    report = _dial(state, body)
    if report is None:
        return _insufficient()
    _send_callback(state, op_id, body, report["trxid"], report)
    gateway = body["gateway"] if "gateway" in body else body["retry"]
    answer = {key: report[key] for key in ("trxid", "msisdn", "token")}
    return {**success_fields(op_id), **answer, "gateway": int(gateway)}


def sync_call(state: SandboxState, op_id: str, body: Body, forced: bool) -> dict[str, Any]:
    """/call (deprecated): the call's outcome is the answer itself."""
    report = _dial(state, body)
    if report is None:
        return _insufficient()
    return {**report, **success_fields(op_id)}


def send_sms(state: SandboxState, op_id: str, body: Body, forced: bool) -> dict[str, Any]:
    """/sms and /smsotp: bill the parts, keep an SMS OTP for /verify, report delivery."""
    text: str = body["text"]
    parts = sms_count(text)
    price = parts * pricing().sms_part
    if not state.balance.try_charge(price):
        return _insufficient()
    trxid = state.ids.trxid()
    if op_id == "sendSmsOtp":
        codes = _CODE_IN_TEXT.findall(text)
        otp = body.get("token") or (codes[-1] if codes else None)
        state.keep_otp(trxid, international_msisdn(body["msisdn"]), otp, body)
    _send_callback(state, op_id, body, trxid, sms_delivery_report(trxid, price))
    return {
        **success_fields(op_id),
        "sms_count": parts,
        "senderid": body["senderid"],
        "msisdn": body["msisdn"],
        "text": text,
        "trxid": trxid,
        "currency": pricing().currency,
        "price": str(price),
    }


def verify_otp(state: SandboxState, op_id: str, body: Body, forced: bool) -> dict[str, Any]:
    """/verify: check the typed code against the kept OTP (a forced "00" skips the check)."""
    msisdn = international_msisdn(body["msisdn"])
    if not forced:
        now = state.config.clock()
        refused = verify(state.otps, body["trxid"], msisdn, body["token"], now, state.rules)
        if refused is not None:
            return error_body(refused.rc, refused.detail)
    return {
        **success_fields(op_id),
        "trxid": body["trxid"],
        "trxid_verify": state.ids.trxid(),
        "msisdn": f"+{msisdn}",
        "token": None,
        "token_verify": body["token"],
    }


#: operationId -> handler. create_app refuses to start if the spec has an operation
#: that is not here, so a new operation cannot be served by accident.
HANDLERS: dict[str, Handler] = {
    "asyncMiscall": place_missed_call,
    "motp": place_missed_call,
    "syncMiscall": sync_call,
    "sendSms": send_sms,
    "sendSmsOtp": send_sms,
    "verifyOtp": verify_otp,
}
