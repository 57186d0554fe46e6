"""Helpers shared by the SDK tests: a missing tool skips locally and fails under CI."""

from __future__ import annotations

import os
import shutil

import pytest


def missing(reason: str) -> None:
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
