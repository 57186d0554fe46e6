"""Fixtures for the spec's own tests: the seed's tables and examples, copied verbatim."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

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


@pytest.fixture(scope="session")
def seed_tables() -> dict[str, Any]:
    return json.loads((DATA / "seed-tables.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def seed_examples() -> dict[str, Any]:
    return json.loads((DATA / "seed-examples.json").read_text(encoding="utf-8"))["examples"]
