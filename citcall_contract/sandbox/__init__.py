"""The sandbox: a local Citcall gateway built from the spec (auth, validation, scenarios, OTPs,
billing, faults, callbacks). Imports `spec/`, `core/` and `client/`; never contract or fixtures.

    from citcall_contract.sandbox import SandboxConfig, SandboxServer

    with SandboxServer(SandboxConfig(api_key="test-key")) as server:
        ...  # point a client at server.base_url; server.deliveries() shows callbacks

Names are imported on first use, so `citcall-contract --help` does not load Starlette.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from citcall_contract.sandbox.defaults import DEFAULT_API_KEY

if TYPE_CHECKING:
    from citcall_contract.sandbox.app import create_app
    from citcall_contract.sandbox.config import SandboxConfig
    from citcall_contract.sandbox.server import SandboxServer

__all__ = ["DEFAULT_API_KEY", "SandboxConfig", "SandboxServer", "create_app"]

_LAZY = {
    "create_app": "citcall_contract.sandbox.app",
    "SandboxConfig": "citcall_contract.sandbox.config",
    "SandboxServer": "citcall_contract.sandbox.server",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
