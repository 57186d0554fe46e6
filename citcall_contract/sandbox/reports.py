"""The callback payloads the sandbox posts, shaped like the gateway's (see the webhooks)."""

from __future__ import annotations

import functools
import time
from typing import Any

from citcall_contract.spec import component_schema
from citcall_contract.spec.codes import rc_named
from citcall_contract.spec.scenarios import CallOutcome, pricing, sms_report

REPORTED_DATE_FORMAT = "%Y-%m-%d %H:%M:%S"


@functools.cache
def route_name() -> str:
    """`via` of a missed-call report: the example value of `MissedCallCallback.via`."""
    via = component_schema("MissedCallCallback")["properties"]["via"]
    return str(via["example"])


def call_price(outcome: CallOutcome) -> int:
    """A missed call is billed only when it was delivered."""
    return pricing().missed_call if outcome.delivered else 0


def missed_call_report(trxid: str, msisdn: str, token: str, outcome: CallOutcome) -> dict[str, Any]:
    """The missed-call status (also the body of a successful synchronous /call)."""
    return {
        "rc": rc_named("SUCCESS"),
        "trxid": trxid,
        "msisdn": f"+{msisdn}",
        "via": route_name(),
        "token": token,
        "dial_code": str(outcome.dial_code),
        "dial_status": outcome.dial_status,
        "call_status": outcome.call_status,
        "price": str(call_price(outcome)),
        "result": outcome.result,
    }


def sms_delivery_report(trxid: str, price: int, now: float | None = None) -> dict[str, Any]:
    """The SMS (and SMS OTP) delivery report: delivered, with the price billed."""
    reported = time.strftime(REPORTED_DATE_FORMAT, time.localtime(now))
    return {
        "trxid": trxid,
        **sms_report(),
        "reportedDate": reported,
        "currency": pricing().currency,
        "price": str(price),
    }
