"""`bench/fixture_cost.py` runs and prints what it promises (its numbers are not judged here)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "fixture_cost.py"


def test_the_bench_prints_ratios_and_set_up_costs():
    run = subprocess.run(
        [sys.executable, str(SCRIPT), "--calls", "2", "--rounds", "2", "--setups", "1"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    out = run.stdout
    assert out.count("ratio") == 2
    for name in ("bare respx.mock", "citcall_mock", "citcall_sandbox"):
        assert f"  {name}:" in out
