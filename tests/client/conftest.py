"""Fixtures for the Python client's tests: a respx gateway at the spec's address."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import respx

from citcall_contract import Citcall
from citcall_contract.client.facade import DEFAULT_BASE_URL

from .client_support import API_KEY, NO_WAIT


@pytest.fixture
def gateway() -> Iterator[respx.MockRouter]:
    """A respx router for the default base URL; any unrouted request fails the test."""
    with respx.mock(base_url=DEFAULT_BASE_URL, assert_all_called=False) as router:
        yield router


@pytest.fixture
def client(gateway: respx.MockRouter) -> Iterator[Citcall]:
    with Citcall(API_KEY, retry=NO_WAIT) as citcall:
        yield citcall
