from __future__ import annotations

from typing import Any

import pytest

from citcall_contract.core.checkout import source_spec
from citcall_contract.spec import parse_yaml


@pytest.fixture(scope="session")
def base_spec() -> dict[str, Any]:
    spec: dict[str, Any] = parse_yaml(source_spec().read_text(encoding="utf-8"))
    return spec
