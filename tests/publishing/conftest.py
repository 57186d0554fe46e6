"""The four conformance-tested SDKs, generated once per session through the CLI.

The SDK tests (build, conformance) and the reference's code-sample tests share them, so
`tox -e sdk` runs the generator once per language.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from citcall_contract.cli import main
from citcall_contract.publishing.conformance.targets import TARGETS
from tests.publishing.sdk.sdk_support import require


@pytest.fixture(scope="session")
def sdks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """generator -> its SDK, written by `citcall-contract sdk all -o DIR` (two JVMs at a time)."""
    require("java", "Java is not installed (OpenAPI Generator runs on it)")
    root = tmp_path_factory.mktemp("sdk")
    assert main(["sdk", "all", "-o", str(root)]) == 0
    return {generator: root / generator for generator in TARGETS}
