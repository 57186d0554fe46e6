"""Which optional extra brings which imports, and the one-line refusal when one is missing.

The base install is the client; the kit's weight lives in extras (`sandbox`, `contract`,
`pytest`, `sdk`). Commands and fixtures call `require` before importing their layer, so a
missing extra reads `... needs the 'contract' extra: pip install 'citcall-contract[contract]'`
instead of a `ModuleNotFoundError` traceback.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping

#: The top-level modules each extra installs (what `require` probes for; nothing is imported).
EXTRA_MODULES: Mapping[str, tuple[str, ...]] = {
    "sandbox": ("starlette", "uvicorn"),
    "contract": ("schemathesis", "starlette", "uvicorn"),
    "pytest": ("pytest", "respx", "starlette"),
    "sdk": ("openapi_generator_cli",),
    # The documentation site (`citcall-contract docs`, in a checkout).
    "docs": ("mkdocs", "material", "mkdocstrings"),
    # The project's own build tools (lint, generate): a checkout with `pip install -e '.[dev]'`.
    "dev": ("openapi_spec_validator",),
}


class MissingExtra(RuntimeError):
    """An optional extra is not installed; the message says how to install it."""

    def __init__(self, what: str, extra: str, missing: str) -> None:
        super().__init__(
            f"{what} needs the '{extra}' extra (no module {missing!r}): "
            f"pip install 'citcall-contract[{extra}]'"
        )
        self.extra = extra
        self.missing = missing


def missing_module(extra: str) -> str | None:
    """The first module of `extra` that cannot be found, or None when all are there."""
    for name in EXTRA_MODULES[extra]:
        if importlib.util.find_spec(name) is None:
            return name
    return None


def require(extra: str, what: str) -> None:
    """Raise MissingExtra naming `extra` when one of its modules is not installed."""
    missing = missing_module(extra)
    if missing is not None:
        raise MissingExtra(what, extra, missing)
