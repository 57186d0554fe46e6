"""Shared paths and names for the spec's own tests."""

from __future__ import annotations

from tests import REPO
from tests.data import SEED

DATA = SEED
#: The provider's page, where a checkout has shared/ beside it (CI does).
SEED_PAGE = REPO.parent / "shared" / "seed" / "citcall-api-v3.txt"

#: Seed operation name -> operationIds that share its contract.
SEED_OPERATIONS = {
    "asynccall": ("asyncMiscall", "motp"),
    "sms": ("sendSms",),
    "smsotp": ("sendSmsOtp",),
}
