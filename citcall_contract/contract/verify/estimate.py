"""How many requests a `verify` run sends, and what they could cost on a billed gateway.

Printed before every run: against the real gateway each accepted OTP or SMS is billed.
Prices are the spec's `x-sandbox-scenarios.pricing` (per SMS part, per missed call);
which operations bill is read from the spec too: an answer with `sms_count` is an SMS,
one with `dial_code` or a missed-call callback is a missed call. The counts are an
estimate (coverage and stateful phases depend on the schema and the run's seed),
calibrated on default runs against the sandbox.
"""

from __future__ import annotations

from dataclasses import dataclass

from citcall_contract import spec
from citcall_contract.contract.verify.results import Settings

#: Cases the coverage phase generates per operation (measured: 40-90 for this spec).
COVERAGE_CASES = 90
#: Stateful chains through the spec's links, per operation linked to `/verify` (measured: ~200).
STATEFUL_CASES = 200
#: Requests of the auth probe (`rc_auth_enforced`) and the OTP round trip.
AUTH_PROBES = 6
ROUND_TRIP = 3
MISSED_CALL_WEBHOOK = "missedCallStatus"


@dataclass(frozen=True)
class Estimate:
    requests: int
    billable: int
    cost: int
    currency: str

    def describe(self) -> str:
        return (
            f"estimate: about {self.requests} requests, {self.billable} of them to billed "
            f"operations; a gateway that accepts them all bills up to {self.cost} "
            f"{self.currency} at the spec's sandbox prices"
        )


def unit_price(operation: spec.Operation) -> int:
    """What one accepted request of `operation` costs (0 when it bills nothing)."""
    pricing = spec.load_spec()["x-sandbox-scenarios"]["pricing"]
    response = spec.resolve(spec.pointer(operation.response_schema_ref()))
    fields = set(response.get("properties", {}))
    hook = spec.operation_callback(operation.operation_id)
    if "sms_count" in fields:
        return int(pricing["sms_part"])
    if "dial_code" in fields or (hook is not None and hook.name == MISSED_CALL_WEBHOOK):
        return int(pricing["missed_call"])
    return 0


def estimate(settings: Settings) -> Estimate:
    """Requests per operation: named examples, coverage, fuzzing, probes; links add more."""
    from citcall_contract.contract.verify.otp_flow import otp_operations

    linked = {op.operation_id for op in otp_operations()}
    requests = billable = cost = 0
    for op in spec.operations().values():
        count = len(op.request_examples()) + COVERAGE_CASES + settings.max_examples + AUTH_PROBES
        if op.operation_id in linked:
            count += STATEFUL_CASES + ROUND_TRIP
        requests += count
        price = unit_price(op)
        if price:
            billable += count
            cost += count * price
    currency = str(spec.load_spec()["x-sandbox-scenarios"]["pricing"]["currency"])
    return Estimate(requests, billable, cost, currency)
