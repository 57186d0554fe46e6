"""The documentation site, built once per session by `citcall-contract docs -o DIR`."""

from __future__ import annotations

from pathlib import Path

import pytest

from citcall_contract.cli import main


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    assert main(["docs", "-o", str(out)]) == 0
    return out
