"""Everything one sandbox app remembers: OTPs, balance, IDs and callback deliveries."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from citcall_contract.sandbox.billing import Balance
from citcall_contract.sandbox.callbacks import CallbackDispatcher, DeliveryLog
from citcall_contract.sandbox.config import SandboxConfig
from citcall_contract.sandbox.ids import IdFactory
from citcall_contract.sandbox.store import OtpRecord, OtpStore


@dataclass
class SandboxState:
    config: SandboxConfig
    otps: OtpStore
    balance: Balance
    ids: IdFactory
    deliveries: DeliveryLog
    dispatcher: CallbackDispatcher

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
        )

    def keep_otp(self, trxid: str, msisdn: str, otp: str | None, body: Mapping[str, Any]) -> None:
        """Remember an OTP for /verify, with the request's `valid_time` and `limit_try`."""
        valid_time = body.get("valid_time") or self.config.default_valid_time
        limit_try = body.get("limit_try") or self.config.default_limit_try
        valid_until = self.config.clock() + float(valid_time)
        self.otps.put(
            OtpRecord(
                trxid=trxid,
                msisdn=msisdn,
                otp=otp,
                valid_until=valid_until,
                forget_at=valid_until + self.config.expired_grace,
                limit_try=int(limit_try),
            )
        )

    def callback_url(self, body: Mapping[str, Any]) -> str | None:
        url = body.get("callback_url")
        return url if isinstance(url, str) else self.config.default_callback_url

    def reset(self) -> None:
        """Forget OTPs and deliveries and restore the balance (`POST /_sandbox/reset`)."""
        self.otps.clear()
        self.deliveries.clear()
        self.balance.reset()
