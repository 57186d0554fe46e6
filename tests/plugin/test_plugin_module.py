"""The plugin module is loaded by every pytest run where the package is installed: it stays tiny."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("httpx", "respx", "starlette", "anyio", "uvicorn", "yaml", "jsonschema", "fastapi")


def test_importing_the_plugin_loads_no_heavy_module():
    probe = (
        "import sys, citcall_contract.testing\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == ""


def test_the_fixtures_are_registered_under_their_names(pytestconfig):
    names = pytestconfig.pluginmanager.get_plugin("citcall_contract")
    assert names is not None
    for fixture in (
        "citcall_mock",
        "citcall_sandbox",
        "citcall_sandbox_factory",
        "citcall_sandbox_session",
        "citcall_base_urls",
    ):
        assert hasattr(names, fixture)
