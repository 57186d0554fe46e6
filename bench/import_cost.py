"""What an app pays for citcall-contract: install size, import time, pytest and CLI start-up.

Builds the wheel once, installs it into a fresh venv per extra (base, sandbox, contract,
pytest, sdk, all), and prints in one run:

- third-party packages and MB per install;
- `import citcall_contract; citcall_contract.Citcall('k')` against `import httpx`, whole
  process, in the base venv (goal: at most 2x);
- pytest on a one-line test with and without `-p no:citcall_contract` (goal: +0.15 s);
- `citcall-contract --help` (goal: 0.4 s).

Times are medians of alternating runs measured in the same run, so the ratios hold on a
busy machine. Usage: python bench/import_cost.py [--runs 15] [--extras base,pytest]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXTRAS = ("base", "sandbox", "contract", "pytest", "sdk", "all")
#: What a venv has before anything is installed; not counted as the project's weight.
TOOLING = {"pip", "setuptools", "wheel"}


def build_wheel(out: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(REPO)],
        check=True,
    )
    return next(out.glob("citcall_contract-*.whl"))


def make_venv(where: Path, wheel: Path, extra: str) -> Path:
    subprocess.run([sys.executable, "-m", "venv", str(where)], check=True)
    python = where / "bin" / "python"
    target = str(wheel) if extra == "base" else f"{wheel}[{extra}]"
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", target], check=True, capture_output=True
    )
    return python


def installed(python: Path) -> tuple[int, float]:
    """(third-party distributions, MB of site-packages) of a venv, the project excluded."""
    listing = subprocess.run(
        [str(python), "-m", "pip", "list", "--format=freeze"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    names = {line.split("==")[0].lower() for line in listing if "==" in line}
    third_party = names - TOOLING - {"citcall-contract"}
    site = next((python.parent.parent / "lib").glob("python3*/site-packages"))
    skip = {"pip", "setuptools", "_distutils_hack"}
    size = sum(
        f.stat().st_size
        for f in site.rglob("*")
        if f.is_file() and f.relative_to(site).parts[0].split("-")[0] not in skip
    )
    return len(third_party), size / 1e6


def wall(command: list[str], cwd: Path | None = None) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, capture_output=True, check=True)
    return time.perf_counter() - started


def alternate(
    commands: dict[str, list[str]], runs: int, cwd: Path | None = None
) -> dict[str, float]:
    """Median wall time of each command, run in alternation so load hits all alike."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    for command in commands.values():  # warm the file cache once
        wall(command, cwd)
    for _ in range(runs):
        for name, command in commands.items():
            times[name].append(wall(command, cwd))
    return {name: statistics.median(values) for name, values in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--extras", default=",".join(EXTRAS))
    args = parser.parse_args()
    extras = [e for e in args.extras.split(",") if e]
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    os.environ.update(env)
    with tempfile.TemporaryDirectory(prefix="citcall-import-cost-") as tmp:
        root = Path(tmp)
        wheel = build_wheel(root / "wheel")
        venvs = {extra: make_venv(root / extra, wheel, extra) for extra in extras}

        print(
            "install                 packages      MB   (goal for base: <= 15 packages, <= 25 MB)"
        )
        for extra, python in venvs.items():
            count, megabytes = installed(python)
            print(f"  {extra:16} {count:10d} {megabytes:7.1f}")

        base = venvs.get("base")
        if base is not None:
            medians = alternate(
                {
                    "httpx": [str(base), "-c", "import httpx"],
                    "client": [
                        str(base),
                        "-c",
                        "import citcall_contract; citcall_contract.Citcall('k')",
                    ],
                },
                args.runs,
            )
            ratio = medians["client"] / medians["httpx"]
            print(
                f"import+construct        {medians['client']:.3f} s vs import httpx "
                f"{medians['httpx']:.3f} s = {ratio:.2f}x (goal <= 2x)"
            )
            cli = base.parent / "citcall-contract"
            help_time = alternate({"help": [str(cli), "--help"]}, args.runs)["help"]
            print(f"citcall-contract --help {help_time:.3f} s (goal <= 0.4 s)")

        with_pytest = venvs.get("pytest") or venvs.get("all")
        if with_pytest is not None:
            project = root / "one-test"
            project.mkdir()
            (project / "test_one.py").write_text("def test_one():\n    assert True\n")
            pytest = [str(with_pytest), "-m", "pytest", "-q", "-p", "no:cacheprovider"]
            medians = alternate(
                {"with": pytest, "without": [*pytest, "-p", "no:citcall_contract"]},
                args.runs,
                cwd=project,
            )
            extra_cost = medians["with"] - medians["without"]
            print(
                f"pytest one-line test    {medians['with']:.3f} s with the plugin, "
                f"{medians['without']:.3f} s without: +{extra_cost:.3f} s (goal <= +0.15 s)"
            )


if __name__ == "__main__":
    main()
