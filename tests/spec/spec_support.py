"""Shared paths and names for the spec's own tests."""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).resolve().parents[2]
#: The provider's page, where a checkout has shared/ beside it (CI does).
SEED_PAGE = REPO.parent / "shared" / "seed" / "citcall-api-v3.txt"

#: Seed operation name -> operationIds that share its contract.
SEED_OPERATIONS = {
    "asynccall": ("asyncMiscall", "motp"),
    "sms": ("sendSms",),
    "smsotp": ("sendSmsOtp",),
}
