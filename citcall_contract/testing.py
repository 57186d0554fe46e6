"""pytest plugin (entry point `pytest11`): fixtures to test an app's Citcall integration.

- `citcall_mock`: a respx router that answers the app's httpx requests with the
  sandbox's application in-process (same rules, state and callbacks as the sandbox),
  with canned answers (`respond`), faults (`fail`) and in-process callbacks.
- `citcall_sandbox`, `citcall_sandbox_factory`, `citcall_sandbox_session`: the embedded
  sandbox on a loopback port, for one test, on demand, or for the whole session.
- `@pytest.mark.citcall_sandbox(balance=..., api_key=..., userid=..., callback_delay=...,
  allow_hosts=[...])` configures the sandbox of `citcall_mock` and `citcall_sandbox`.
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

import contextlib
import importlib
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from citcall_contract.fixtures.callback_fixture import CitcallCallbacks
    from citcall_contract.fixtures.mock import CitcallMock, RequestViolation
    from citcall_contract.fixtures.sandbox import SANDBOX_USERID, SandboxFactory, SandboxHandle

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
    "citcall_sandbox_factory",
    "citcall_sandbox_session",
    "citcall_sandbox_session_options",
]

#: Names re-exported from the fixture modules, imported on first access.
_LAZY = {
    "CitcallCallbacks": "citcall_contract.fixtures.callback_fixture",
    "CitcallMock": "citcall_contract.fixtures.mock",
    "RequestViolation": "citcall_contract.fixtures.mock",
    "SandboxHandle": "citcall_contract.fixtures.sandbox",
    "SANDBOX_USERID": "citcall_contract.fixtures.sandbox",
}
MARKER = (
    "citcall_sandbox(**options): configure the sandbox of citcall_mock and citcall_sandbox "
    "(balance, api_key, userid, callback_delay, allow_hosts, or any SandboxConfig field)"
)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", MARKER)


def _require(extra: str, fixture: str) -> None:
    """Fail the test in one line (no traceback) when the fixture's extra is missing."""
    from citcall_contract.core.extras import MissingExtra, require

    try:
        require(extra, f"the {fixture} fixture")
    except MissingExtra as exc:
        pytest.fail(str(exc), pytrace=False)


def _options(request: pytest.FixtureRequest) -> dict[str, Any]:
    from citcall_contract.fixtures.options import marker_options

    return marker_options(request.node)


@contextlib.contextmanager
def _options_in_one_line() -> Iterator[None]:
    """A misspelt or refused sandbox option fails the test in one line naming it."""
    from citcall_contract.fixtures.options import SandboxOptionError

    try:
        yield
    except SandboxOptionError as exc:
        raise pytest.fail.Exception(str(exc), pytrace=False) from None


@pytest.fixture
def citcall_base_urls() -> Sequence[str]:
    """Gateway addresses `citcall_mock` answers on: every server of the spec."""
    from citcall_contract.spec.derived_servers import SERVERS

    return list(SERVERS)


@pytest.fixture
def citcall_mock(
    request: pytest.FixtureRequest, citcall_base_urls: Sequence[str]
) -> Iterator[CitcallMock]:
    """The sandbox's app answering the app's httpx requests in-process; retries never sleep."""
    _require("pytest", "citcall_mock")
    from citcall_contract.fixtures.mock import mocking

    with contextlib.ExitStack() as stack:
        with _options_in_one_line():
            mock = stack.enter_context(mocking(citcall_base_urls, _options(request)))
        yield mock
    if mock.violations and mock.strict:
        pytest.fail("requests that break the Citcall spec:\n" + "\n".join(mock.violations))


@pytest.fixture
def citcall_sandbox(request: pytest.FixtureRequest) -> Iterator[SandboxHandle]:
    """The embedded sandbox on a free loopback port for one test, stopped after it."""
    _require("sandbox", "citcall_sandbox")
    from citcall_contract.client.retry import sleeping_with
    from citcall_contract.fixtures.sandbox import running_sandbox

    with contextlib.ExitStack() as stack:
        with _options_in_one_line():
            handle = stack.enter_context(running_sandbox(_options(request)))
        stack.enter_context(sleeping_with(_no_wait))
        yield handle


@pytest.fixture
def citcall_sandbox_factory() -> Iterator[SandboxFactory]:
    """`make(**options)` starts a sandbox with those options; all stop after the test."""
    _require("sandbox", "citcall_sandbox_factory")
    from citcall_contract.client.retry import sleeping_with
    from citcall_contract.fixtures.sandbox import sandbox_factory

    with sandbox_factory() as make, sleeping_with(_no_wait):
        yield make


@pytest.fixture(scope="session")
def citcall_sandbox_session_options() -> Mapping[str, Any]:
    """Options of `citcall_sandbox_session` (override in a conftest.py); none by default."""
    return {}


@pytest.fixture(scope="session")
def citcall_sandbox_session(
    citcall_sandbox_session_options: Mapping[str, Any],
) -> Iterator[SandboxHandle]:
    """One sandbox for the whole session; its state is shared (`reset()` forgets it)."""
    _require("sandbox", "citcall_sandbox_session")
    from citcall_contract.fixtures.sandbox import running_sandbox

    with contextlib.ExitStack() as stack:
        with _options_in_one_line():
            handle = stack.enter_context(running_sandbox(citcall_sandbox_session_options))
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
    from citcall_contract.fixtures.callback_fixture import CitcallCallbacks

    return CitcallCallbacks(target=citcall_receiver)


def _no_wait(seconds: float) -> None:
    """The retry wait of clients under the fixtures: none (tests never sleep for a retry)."""
