"""The /verify decision: 78 not found, 80 expired, 81 too many tries, 79 wrong, else valid.

A code is good once: after a successful check the transaction is spent (78 afterwards),
so a replayed code never passes twice.
"""

from __future__ import annotations

import hmac

from citcall_contract.sandbox.store import OtpRecord, OtpStore
from citcall_contract.spec.codes import rc_named


def verify(store: OtpStore, trxid: str, msisdn: str, token: str, now: float) -> int | None:
    """None when `token` is the OTP of `trxid` for `msisdn`, else the rc that refuses it."""
    record: OtpRecord | None = store.get(trxid)
    if record is None or record.used or record.msisdn != msisdn:
        return rc_named("DATA_NOT_FOUND")
    if now >= record.valid_until:
        return rc_named("EXPIRED_TOKEN")
    if record.tries >= record.limit_try:
        return rc_named("MAXIMUM_TRY_REACHED")
    record.tries += 1
    if record.otp is None or not hmac.compare_digest(record.otp, token):
        return rc_named("INVALID_TOKEN")
    record.used = True
    return None
