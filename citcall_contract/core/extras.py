"""Which optional extra brings which imports, and the one-line refusal when one is missing.

The base install is the client; the kit's weight lives in extras (`sandbox`, `contract`,
`pytest`, `sdk`). Commands and fixtures call `require` before importing their layer, so a
missing extra reads `... needs the 'contract' extra: pip install 'citcall-contract[contract]'`
instead of a `ModuleNotFoundError` traceback. Each extra carries what its documented
uses import (pyproject.toml lists the distributions; `tests/base` runs each use with
only its extra's packages importable):

- base: the client, `parse_callback`, `trigger`, `check-traffic`,
  `verify-receiver --max-examples 0`;
- `sandbox`: `citcall-contract sandbox`;
- `contract`: `verify`, `verify-receiver`, `diff`, `compat`, `release`, `record`;
- `pytest`: the fixtures, `citcall_callbacks.run_suite(...)` included.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping, Sequence

#: The top-level modules each extra installs (what `require` probes for; nothing is imported).
EXTRA_MODULES: Mapping[str, tuple[str, ...]] = {
    "sandbox": ("starlette", "uvicorn"),
    "contract": ("schemathesis", "hypothesis", "starlette", "uvicorn"),
    # hypothesis: the receiver suite's generated payloads (`citcall_callbacks.run_suite`).
    "pytest": ("pytest", "respx", "hypothesis", "starlette"),
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


def missing_module(extra: str, modules: Sequence[str] | None = None) -> str | None:
    """The first of `modules` (default: all of `extra`'s) that cannot be found, or None."""
    for name in EXTRA_MODULES[extra] if modules is None else modules:
        if importlib.util.find_spec(name) is None:
            return name
    return None


def require(extra: str, what: str, modules: Sequence[str] | None = None) -> None:
    """Raise MissingExtra naming `extra` when one of its modules is not installed.

    `modules`: the part of the extra `what` needs, when it is less than all of it (the
    receiver suite needs only hypothesis, which the `pytest` extra brings too).
    """
    missing = missing_module(extra, modules)
    if missing is not None:
        raise MissingExtra(what, extra, missing)
