"""Fixtures for the spec's own tests: the seed's tables and examples, copied verbatim."""

from __future__ import annotations

import json
from typing import Any

import pytest

from .spec_support import DATA


@pytest.fixture(scope="session")
def seed_tables() -> dict[str, Any]:
    return json.loads((DATA / "seed-tables.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def seed_examples() -> dict[str, Any]:
    return json.loads((DATA / "seed-examples.json").read_text(encoding="utf-8"))["examples"]
