"""The `Authorization` header, checked the way the spec describes both schemes.

`Apikey <key>` is the recommended form; `Basic base64(userid:apikey)` is accepted too,
with or without the `Basic ` prefix (older clients omit it). The key is compared in
constant time and never echoed.
"""

from __future__ import annotations

import hmac

from citcall_contract.core.authorization import decode_basic as _decode_basic
from citcall_contract.sandbox.config import SandboxConfig
from citcall_contract.spec.codes import rc_named


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def check_authorization(header: str | None, config: SandboxConfig) -> int | None:
    """None when the request may proceed, else the rc that refuses it.

    Missing or malformed header: AUTHORIZATION_FAILED. Unknown API key: APIKEY_NOT_FOUND.
    Basic with an unknown user ID: USERID_NOT_FOUND; a known user ID with the wrong key:
    WRONG_PASSWORD.
    """
    if not header or not header.strip():
        return rc_named("AUTHORIZATION_FAILED")
    scheme, _, credentials = header.strip().partition(" ")
    scheme_lower = scheme.lower()
    if scheme_lower == "apikey":
        key = credentials.strip()
        if not key or " " in key:
            return rc_named("AUTHORIZATION_FAILED")
        return None if _same(key, config.api_key) else rc_named("APIKEY_NOT_FOUND")
    if scheme_lower == "basic":
        pair = _decode_basic(credentials)
    elif not credentials:
        pair = _decode_basic(scheme)  # base64 without the `Basic ` prefix
    else:
        pair = None
    if pair is None:
        return rc_named("AUTHORIZATION_FAILED")
    userid, key = pair
    if config.userid is not None and not _same(userid, config.userid):
        return rc_named("USERID_NOT_FOUND")
    return None if _same(key, config.api_key) else rc_named("WRONG_PASSWORD")
