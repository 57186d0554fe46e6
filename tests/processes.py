"""Running a program from a test: text output captured, a time limit, never `check`.

The tests that build SDKs, run the docs' examples or call a CLI in a fresh interpreter
all want the same: the whole output kept for the failure message, and a hung program
failing the test instead of the run.
"""

from __future__ import annotations

import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path


def run_program(
    command: Sequence[str], *, cwd: Path, env: Mapping[str, str], timeout: float
) -> subprocess.CompletedProcess[str]:
    """The finished program (any exit status): its stdout and stderr as text."""
    return subprocess.run(
        list(command),
        cwd=cwd,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def output_of(command: Sequence[str], *, cwd: Path, env: Mapping[str, str], timeout: float) -> str:
    """The program's stdout; the test fails with both outputs when it exits non-zero."""
    result = run_program(command, cwd=cwd, env=env, timeout=timeout)
    assert result.returncode == 0, f"{command}:\n{result.stdout}\n{result.stderr}"
    return result.stdout
