"""A Prism mock server (`prism mock openapi/citcall-v3.yaml`) on a loopback port."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator

import httpx
import pytest

from citcall_contract.core.checkout import source_spec
from citcall_contract.publishing.npm_tools import NpmToolMissing, tool

STARTUP_TIMEOUT = 60.0


def _missing(reason: str) -> None:
    """Fail in CI (the tool must be there), skip with the reason elsewhere."""
    if os.environ.get("CI"):
        pytest.fail(f"CI is set but {reason}")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def prism_url() -> Iterator[str]:
    if shutil.which("node") is None:
        _missing("node is not installed (Prism runs on Node.js)")
    try:
        prism = tool("prism")
    except (NpmToolMissing, subprocess.CalledProcessError) as exc:
        _missing(f"Prism is not available: {exc}")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [str(prism), "mock", str(source_spec()), "-h", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_until_ready(process, url)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_ready(process: subprocess.Popen[bytes], url: str) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"prism mock exited with {process.returncode} before it was ready")
        try:
            httpx.post(url + "/verify", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    pytest.fail(f"prism mock did not listen on {url} within {STARTUP_TIMEOUT} s")
