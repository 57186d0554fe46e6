"""The sandbox's settings: one frozen object, so an app's behaviour is fixed at creation."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field, fields

from citcall_contract.core.hosts import LOOPBACK_HOSTS, is_allowed
from citcall_contract.sandbox.defaults import ANSWER_FORM_MODES, CANONICAL_FORMS, DEFAULT_API_KEY
from citcall_contract.spec import component_schema
from citcall_contract.spec.rules import check_relaxed


def _spec_limit_try() -> int:
    """`LimitTry`'s default in the spec: the number of /verify attempts when none is given."""
    return int(component_schema("LimitTry")["default"])


@dataclass(frozen=True)
class SandboxConfig:
    """How a sandbox behaves. Every field has a default that suits tests on loopback.

    - `api_key`, `userid`: the credentials the sandbox accepts (`Apikey <key>`, or Basic
      `userid:key`). With `userid=None` any Basic user ID is accepted and only the key
      is checked.
    - `balance`: account balance in the pricing currency; a send that costs more than
      what is left is answered with rc 14. `None` means unlimited.
    - `default_callback_url`: the account's default callback URL, used when a request
      has no `callback_url`. `None`: no callback without a `callback_url`.
    - `callback_allow_hosts`: the only hosts a callback is ever posted to, compared
      literally (nothing is resolved); loopback IP literals match any loopback entry.
    - `callback_delay`: seconds between the answer and the first callback attempt.
    - `callback_retries`, `callback_backoff`, `callback_timeout`: extra attempts after a
      failed delivery, the first pause between attempts (doubled each time) and the
      per-attempt timeout.
    - `max_pending_callbacks`, `max_deliveries`, `max_transactions`, `max_body_bytes`:
      bounds that keep memory flat under load.
    - `default_valid_time`: how long an OTP is kept for /verify when the request has no
      `valid_time` (seconds), once the rule `verify-needs-valid-time` is relaxed (by
      default such a code is not kept); `expired_grace`: how long an expired OTP still
      answers rc 80 before it is forgotten (then rc 78).
    - `default_limit_try`: /verify attempts when the request has no `limit_try` (the
      spec's default).
    - `latency`: seconds every operation's answer waits, for realistic answer times.
    - `slow_delay`, `late_callback_delay`: override the `delay` of the `slow` and
      `late_callback` fault rows (`x-sandbox-scenarios.faults`); `None` keeps the spec's.
    - `max_logged_requests`: how many requests `/_sandbox/requests` and `/_sandbox/sends`
      remember (oldest dropped).
    - `callback_max_response_bytes`: how much of a receiver's answer a delivery reads;
      `callback_timeout` is also the deadline of a whole attempt, body included.
    - `max_header_bytes`, `header_timeout`, `keep_alive_timeout`, `max_connections`: server
      limits (SandboxServer and the command): request head size (431 and close beyond
      it), seconds to receive a request's head, idle seconds between requests on a
      connection, and open connections (beyond it the oldest idle one is closed).
    - `inspection_allow_hosts`: `Host` names besides loopback ones (`localhost`,
      127.0.0.0/8, `::1`) that the `/_sandbox/*` endpoints answer, e.g. a container name.
    - `answer_forms`: `canonical` (one form per field, the spec's examples) or `varied`
      (each field of the answers and callbacks cycles through the forms of its schema's
      `x-wire-forms`); `answer_forms_seed` shifts where each cycle starts.
    - `relax`: names of `x-sandbox-rules` rules to turn off (`otp-words`...); a single
      name may be given as a string. An unknown name is refused, listing the valid ones.
    - `clock`: monotonic seconds; tests inject a fake one to expire OTPs.
    """

    api_key: str = field(default=DEFAULT_API_KEY, repr=False)
    userid: str | None = None
    balance: int | None = None
    default_callback_url: str | None = None
    callback_allow_hosts: tuple[str, ...] = LOOPBACK_HOSTS
    callback_delay: float = 0.0
    callback_retries: int = 3
    callback_backoff: float = 0.1
    callback_timeout: float = 5.0
    max_pending_callbacks: int = 1_000
    max_deliveries: int = 1_000
    max_transactions: int = 10_000
    max_body_bytes: int = 64 * 1024
    default_valid_time: float = 300.0
    expired_grace: float = 600.0
    default_limit_try: int = field(default_factory=_spec_limit_try)
    latency: float = 0.0
    slow_delay: float | None = None
    late_callback_delay: float | None = None
    max_logged_requests: int = 10_000
    callback_max_response_bytes: int = 64 * 1024
    max_header_bytes: int = 16 * 1024
    header_timeout: float = 10.0
    keep_alive_timeout: float = 5.0
    max_connections: int = 1_000
    inspection_allow_hosts: tuple[str, ...] = ()
    answer_forms: str = CANONICAL_FORMS
    answer_forms_seed: int = 0
    relax: Collection[str] = frozenset()
    clock: Callable[[], float] = field(default=time.monotonic, repr=False, compare=False)

    def __post_init__(self) -> None:
        for item in fields(self):
            _check_scalar(item.name, getattr(self, item.name), str(item.type))
        if self.answer_forms not in ANSWER_FORM_MODES:
            modes = ", ".join(ANSWER_FORM_MODES)
            raise ValueError(f"answer_forms must be one of {modes}, not {self.answer_forms!r}")
        relax = [self.relax] if isinstance(self.relax, str) else self.relax
        object.__setattr__(self, "relax", check_relaxed(relax))
        if not self.api_key:
            raise ValueError("api_key must not be empty")
        if self.userid is not None and (not self.userid or ":" in self.userid):
            raise ValueError("userid must be non-empty and must not contain ':'")
        if self.balance is not None and self.balance < 0:
            raise ValueError("balance must be >= 0 or None (unlimited)")
        for name in ("callback_delay", "callback_backoff", "expired_grace", "latency"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value >= 0):
                raise ValueError(f"{name} must be a finite number >= 0, not {value!r}")
        for name in ("slow_delay", "late_callback_delay"):
            value = getattr(self, name)
            if value is not None and not (math.isfinite(value) and value >= 0):
                raise ValueError(f"{name} must be a finite number >= 0 or None, not {value!r}")
        for name in (
            "callback_timeout",
            "default_valid_time",
            "header_timeout",
            "keep_alive_timeout",
        ):
            value = getattr(self, name)
            if not (math.isfinite(value) and value > 0):
                raise ValueError(f"{name} must be a finite number > 0, not {value!r}")
        if self.callback_retries < 0:
            raise ValueError("callback_retries must be >= 0")
        for name in (
            "max_pending_callbacks",
            "max_deliveries",
            "max_transactions",
            "max_body_bytes",
            "default_limit_try",
            "max_logged_requests",
            "callback_max_response_bytes",
            "max_header_bytes",
            "max_connections",
        ):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be >= 1")
        if isinstance(self.inspection_allow_hosts, str):
            raise ValueError("inspection_allow_hosts must be a tuple of host names, not a string")
        if isinstance(self.callback_allow_hosts, str):
            raise ValueError("callback_allow_hosts must be a tuple of host names, not a string")
        if self.default_callback_url is not None and not is_allowed(
            self.default_callback_url, self.callback_allow_hosts
        ):
            raise ValueError(
                "default_callback_url: its host is not in callback_allow_hosts "
                f"{self.callback_allow_hosts!r}"
            )


#: Python types of the scalar annotations above (a float field takes an int, no field a bool).
_SCALARS: dict[str, tuple[type, ...]] = {
    "int": (int,),
    "float": (int, float),
    "str": (str,),
    "None": (type(None),),
}


def _check_scalar(name: str, value: object, annotation: str) -> None:
    """Refuse a value of the wrong type for a scalar field, naming it and the type."""
    kinds = [part.strip() for part in annotation.split("|")]
    if not all(kind in _SCALARS for kind in kinds):
        return  # not a plain scalar: checked below where it matters
    allowed = tuple(t for kind in kinds for t in _SCALARS[kind])
    if isinstance(value, bool) or not isinstance(value, allowed):
        raise ValueError(f"{name}={value!r}: expected {' or '.join(kinds)}")
