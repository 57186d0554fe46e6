"""pytest plugin (entry point `pytest11`): fixtures to test an app's Citcall integration.

- `citcall_mock`: a respx router answering every operation with the spec's own named
  examples; `citcall_mock.respond("sms", "insufficient_amount")` picks a scenario, and every
  request body the app sends is validated against the spec.
- `citcall_sandbox`: the embedded sandbox on a loopback port, for tests that want a live
  gateway (callbacks included).
- `citcall_callbacks`: sends the gateway's callbacks to the app's receiver (a URL or the
  ASGI/WSGI app in-process, from the `citcall_receiver` fixture) and runs the receiver
  suite: `citcall_callbacks.send("missed-call", rc="00")`, `.run_suite().ok`.

Override the `citcall_base_urls` fixture to mock a gateway address that is not in the spec.

This module is loaded by every pytest run where the package is installed, so it imports
only pytest and the standard library; each fixture imports its implementation
(`citcall_contract.fixtures.*`) when a test asks for it, and says which extra to install
when it is missing.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from citcall_contract.fixtures.callbacks import CitcallCallbacks
    from citcall_contract.fixtures.mock import CitcallMock, RequestViolation
    from citcall_contract.fixtures.sandbox import SANDBOX_USERID, SandboxHandle

__all__ = [
    "SANDBOX_USERID",
    "CitcallCallbacks",
    "CitcallMock",
    "RequestViolation",
    "SandboxHandle",
    "citcall_base_urls",
    "citcall_callbacks",
    "citcall_mock",
    "citcall_receiver",
    "citcall_sandbox",
]

#: Names re-exported from the fixture modules, imported on first access.
_LAZY = {
    "CitcallCallbacks": "citcall_contract.fixtures.callbacks",
    "CitcallMock": "citcall_contract.fixtures.mock",
    "RequestViolation": "citcall_contract.fixtures.mock",
    "SandboxHandle": "citcall_contract.fixtures.sandbox",
    "SANDBOX_USERID": "citcall_contract.fixtures.sandbox",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def _require(extra: str, fixture: str) -> None:
    """Fail the test in one line (no traceback) when the fixture's extra is missing."""
    from citcall_contract.extras import MissingExtra, require

    try:
        require(extra, f"the {fixture} fixture")
    except MissingExtra as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture
def citcall_base_urls() -> Sequence[str]:
    """Gateway addresses `citcall_mock` answers on: every server of the spec."""
    from citcall_contract.spec_servers import SERVERS

    return list(SERVERS)


@pytest.fixture
def citcall_mock(citcall_base_urls: Sequence[str]) -> Iterator[CitcallMock]:
    """A respx router answering every Citcall operation; fails the test on a bad request."""
    _require("pytest", "citcall_mock")
    import respx

    from citcall_contract.fixtures.mock import CitcallMock

    with respx.mock(assert_all_called=False) as router:
        mock = CitcallMock(router=router, base_urls=list(citcall_base_urls))
        mock.install()
        yield mock
    if mock.violations:
        pytest.fail("requests that break the Citcall spec:\n" + "\n".join(mock.violations))


@pytest.fixture
def citcall_sandbox() -> Iterator[SandboxHandle]:
    """The embedded sandbox on a free loopback port, stopped after the test."""
    _require("sandbox", "citcall_sandbox")
    from citcall_contract.fixtures.sandbox import running_sandbox

    with running_sandbox() as handle:
        yield handle


@pytest.fixture
def citcall_receiver() -> Any:
    """The app's callback receiver for `citcall_callbacks`: override it to return a URL
    (loopback) or the ASGI/WSGI app object. None: pass `to=` to each call."""
    return None


@pytest.fixture
def citcall_callbacks(citcall_receiver: Any) -> CitcallCallbacks:
    """Send the gateway's callbacks to `citcall_receiver` and run the receiver suite."""
    _require("pytest", "citcall_callbacks")
    from citcall_contract.fixtures.callbacks import CitcallCallbacks

    return CitcallCallbacks(target=citcall_receiver)
