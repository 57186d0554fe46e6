"""Everything one sandbox app remembers: OTPs, balance, IDs and callback deliveries."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from citcall_contract.sandbox.answer_forms import AnswerForms, answer_forms
from citcall_contract.sandbox.billing import Balance
from citcall_contract.sandbox.callback_delivery import CallbackDispatcher, DeliveryLog
from citcall_contract.sandbox.config import SandboxConfig
from citcall_contract.sandbox.ids import IdFactory
from citcall_contract.sandbox.relaxation import Relaxation
from citcall_contract.sandbox.requests_log import RequestLog
from citcall_contract.sandbox.store import OtpRecord, OtpStore
from citcall_contract.spec.rules import keeps_otp
from citcall_contract.spec.scenarios import Fault, fault_for, fault_named


@dataclass
class SandboxState:
    config: SandboxConfig
    otps: OtpStore
    balance: Balance
    ids: IdFactory
    deliveries: DeliveryLog
    dispatcher: CallbackDispatcher
    requests: RequestLog
    #: (fault name, msisdn) -> attempts so far, for faults that change with repetition.
    fault_attempts: dict[tuple[str, str], int]
    #: Faults injected for the next requests (`inject_fault`), in order.
    injected: list[tuple[Fault, str | None]] = field(default_factory=list)
    #: The rules of `x-sandbox-rules` this sandbox was told to relax.
    rules: Relaxation = field(default_factory=Relaxation)
    #: The next wire form of each field (`answer_forms="varied"`); None: canonical.
    answer_forms: AnswerForms | None = None

    @classmethod
    def create(cls, config: SandboxConfig) -> SandboxState:
        log = DeliveryLog(config.max_deliveries)
        return cls(
            config=config,
            otps=OtpStore(config.max_transactions, config.clock),
            balance=Balance(config.balance),
            ids=IdFactory(),
            deliveries=log,
            dispatcher=CallbackDispatcher(config, log),
            requests=RequestLog(config.max_logged_requests),
            fault_attempts={},
            rules=Relaxation(frozenset(config.relax)),
            answer_forms=answer_forms(config.answer_forms, config.answer_forms_seed),
        )

    @staticmethod
    def fault_for(msisdn: object) -> Fault | None:
        """The fault a request to `msisdn` gets (`x-sandbox-scenarios.faults`), or None."""
        return fault_for(msisdn)

    def inject_fault(self, name: str, operation: str | None = None, times: int = 1) -> None:
        """Apply fault `name` (a row of `x-sandbox-scenarios.faults`) to the next `times`
        requests that pass the checks, for any number; only to `operation` (an
        operationId) if given. For in-process mocks: `citcall_mock.fail(op, kind)`."""
        fault = fault_named(name)
        if times < 1:
            raise ValueError("times must be >= 1")
        self.injected.extend([(fault, operation)] * times)

    def fault_of(self, operation: str, msisdn: object) -> Fault | None:
        """The fault a checked request gets: an injected one for its operation (used up),
        else its number's (`fault_for`), else None."""
        for index, (fault, only) in enumerate(self.injected):
            if only is None or only == operation:
                del self.injected[index]
                return fault
        return fault_for(msisdn)

    def next_attempt(self, fault: Fault, msisdn: str) -> int:
        """Count one more request to a fault number; the count (1 for the first)."""
        key = (fault.name, msisdn)
        self.fault_attempts[key] = self.fault_attempts.get(key, 0) + 1
        return self.fault_attempts[key]

    def sends(
        self, msisdn: str | None = None, operation: str | None = None
    ) -> list[dict[str, Any]]:
        """Processed requests (they took effect), oldest first, optionally for one number
        (any prefix form) and one operation (operationId or path)."""
        return self.requests.snapshot(msisdn, operation, processed_only=True)

    def keep_otp(self, trxid: str, msisdn: str, otp: str | None, body: Mapping[str, Any]) -> None:
        """Remember an OTP for /verify, with the request's `valid_time` and `limit_try`.

        Without `valid_time` the gateway keeps no code (rule `verify-needs-valid-time`):
        the record only lets /verify say so, for as long as a code would have lasted.
        """
        config = self.config
        kept = keeps_otp(body) or not self.rules.enforces("verify-needs-valid-time")
        valid_time = body.get("valid_time")
        if valid_time is None:
            valid_time = config.default_valid_time
        limit_try = body.get("limit_try")
        if limit_try is None:
            limit_try = config.default_limit_try
        valid_until = config.clock() + float(valid_time)
        forget_at = valid_until + config.expired_grace
        if kept and not (
            self.rules.enforces("verify-expiry") and self.rules.enforces("expired-grace")
        ):
            forget_at = math.inf  # kept until the store's capacity pushes it out
        self.otps.put(
            OtpRecord(
                trxid=trxid,
                msisdn=msisdn,
                otp=otp,
                valid_until=valid_until,
                forget_at=forget_at,
                limit_try=int(limit_try),
                kept=kept,
            )
        )

    def callback_url(self, body: Mapping[str, Any]) -> str | None:
        url = body.get("callback_url")
        return url if isinstance(url, str) else self.config.default_callback_url

    def reset(self) -> None:
        """Forget OTPs, deliveries, requests and fault counts; restore the balance.

        (`POST /_sandbox/reset`)"""
        self.otps.clear()
        self.deliveries.clear()
        self.balance.reset()
        self.requests.clear()
        self.fault_attempts.clear()
        self.injected.clear()
        if self.answer_forms is not None:
            self.answer_forms.reset()
