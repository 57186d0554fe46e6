"""The /verify decision, in the spec's order: 78 not found, 80 expired, 81 too many tries,
79 wrong, else valid.

A code is good once: after a successful check the transaction is spent (78 afterwards),
so a replayed code never passes twice. Each check is a rule of `x-sandbox-rules`
(`verify-needs-valid-time`, `verify-msisdn-match`, `verify-once`, `verify-expiry`,
`verify-limit-try`) and is skipped when that rule is relaxed.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from citcall_contract.sandbox.relaxation import STRICT, Relaxation
from citcall_contract.sandbox.store import OtpRecord, OtpStore
from citcall_contract.spec.codes import rc_named


@dataclass(frozen=True)
class Refusal:
    """Why /verify refuses: the rc, and a detail for the `info` when it helps."""

    rc: int
    detail: str | None = None


def verify(
    store: OtpStore,
    trxid: str,
    msisdn: str,
    token: str,
    now: float,
    rules: Relaxation = STRICT,
) -> Refusal | None:
    """None when `token` is the OTP of `trxid` for `msisdn`, else the refusal."""
    record: OtpRecord | None = store.get(trxid)
    not_found = rc_named("DATA_NOT_FOUND")
    if record is None:
        return Refusal(not_found)
    if not record.kept:
        return Refusal(not_found, "the OTP request had no valid_time, so no code was kept")
    if record.used and rules.enforces("verify-once"):
        return Refusal(not_found)
    if record.msisdn != msisdn and rules.enforces("verify-msisdn-match"):
        return Refusal(not_found)
    if now >= record.valid_until and rules.enforces("verify-expiry"):
        return Refusal(rc_named("EXPIRED_TOKEN"))
    if record.tries >= record.limit_try and rules.enforces("verify-limit-try"):
        return Refusal(rc_named("MAXIMUM_TRY_REACHED"))
    record.tries += 1
    if record.otp is None or not hmac.compare_digest(record.otp, token):
        return Refusal(rc_named("INVALID_TOKEN"))
    record.used = True
    return None
