"""Fixtures for the Python client's tests: a respx gateway at the spec's address."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import respx
from hypothesis import settings

from citcall_contract import Citcall
from citcall_contract.client.facade import DEFAULT_BASE_URL

from .client_support import API_KEY, NO_WAIT

CI_MAX_EXAMPLES = 50

# tox sets HYPOTHESIS_PROFILE=ci: Hypothesis's built-in "ci" profile (derandomised, no
# deadline), capped to a modest number of examples so the client suite stays fast.
_CI = settings.get_profile("ci")
if _CI.max_examples > CI_MAX_EXAMPLES:
    settings.register_profile("ci", _CI, max_examples=CI_MAX_EXAMPLES)
if os.environ.get("HYPOTHESIS_PROFILE") == "ci":
    settings.load_profile("ci")


@pytest.fixture
def gateway() -> Iterator[respx.MockRouter]:
    """A respx router for the default base URL; any unrouted request fails the test."""
    with respx.mock(base_url=DEFAULT_BASE_URL, assert_all_called=False) as router:
        yield router


@pytest.fixture
def client(gateway: respx.MockRouter) -> Iterator[Citcall]:
    with Citcall(API_KEY, retry=NO_WAIT) as citcall:
        yield citcall
