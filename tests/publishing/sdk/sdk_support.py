"""Helpers shared by the SDK tests: a missing tool skips locally and fails under CI."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import NoReturn

import pytest

from citcall_contract.publishing.npm_tools import NpmToolMissing, tool


def missing(reason: str) -> NoReturn:
    """A tool the test needs is absent: a failure under CI, a skip elsewhere."""
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def require(binary: str, reason: str) -> str:
    found = shutil.which(binary)
    if found is None:
        missing(reason)
    assert found is not None
    return found


def typescript_tools(node_reason: str) -> tuple[Path, str]:
    """`tsc` from node_modules and the `node` that runs it (and what it compiles)."""
    try:
        tsc = tool("tsc")
    except NpmToolMissing as exc:
        missing(str(exc))
    return tsc, require("node", node_reason)
