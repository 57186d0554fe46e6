"""The documentation site, built once per session by `citcall-contract docs -o DIR`, served
on a loopback port as a static host would serve it, and one driven Chromium to read it."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from citcall_contract.cli import main
from tests.serving import serve_in_background

from .driver import Browser, running_browser


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    assert main(["docs", "-o", str(out)]) == 0
    return out


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def served(site: Path) -> Iterator[str]:
    """The site's address on 127.0.0.1 (ends with `/`)."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    with serve_in_background(ThreadingHTTPServer(("127.0.0.1", 0), handler)) as url:
        yield f"{url}/"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One Chromium for every browser test of the session (starting one costs seconds)."""
    with running_browser() as session:
        yield session
