"""`ensure_node_modules` trusts an install that matches the lock, and never reinstalls a link."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from citcall_contract.publishing import npm_tools
from citcall_contract.publishing.npm_tools import NpmToolMissing, ensure_node_modules

LOCK = {
    "packages": {
        "": {"name": "kit"},
        "node_modules/a": {"version": "1.0.0"},
        "node_modules/fsevents": {"version": "2.3.3", "optional": True},
    }
}


def checkout(root: Path, installed: dict[str, object] | None) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "package-lock.json").write_text(json.dumps(LOCK), encoding="utf-8")
    if installed is not None:
        (root / "node_modules").mkdir()
        (root / "node_modules" / ".package-lock.json").write_text(
            json.dumps({"packages": installed}), encoding="utf-8"
        )
    return root


@pytest.fixture
def npm_ci_runs(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Record `npm ci` instead of running it."""
    runs: list[list[str]] = []
    monkeypatch.setattr(npm_tools.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(npm_tools.subprocess, "run", lambda command, **_: runs.append(command))
    return runs


def test_an_install_matching_the_lock_is_used_whatever_the_file_times(
    tmp_path: Path, npm_ci_runs: list[list[str]]
) -> None:
    root = checkout(tmp_path, {"node_modules/a": {"version": "1.0.0"}})
    (root / "package-lock.json").touch()  # newer than node_modules, as in a fresh checkout
    assert ensure_node_modules(root) == root / "node_modules"
    assert npm_ci_runs == []


@pytest.mark.parametrize(
    "installed", [None, {}, {"node_modules/a": {"version": "0.9.0"}}], ids=["none", "empty", "old"]
)
def test_a_missing_or_different_install_is_redone_with_npm_ci(
    tmp_path: Path, npm_ci_runs: list[list[str]], installed: dict[str, object] | None
) -> None:
    ensure_node_modules(checkout(tmp_path, installed))
    assert [command[1] for command in npm_ci_runs] == ["ci"]


def test_a_linked_node_modules_is_never_reinstalled(
    tmp_path: Path, npm_ci_runs: list[list[str]]
) -> None:
    shared = checkout(tmp_path / "shared", {"node_modules/a": {"version": "0.9.0"}})
    root = checkout(tmp_path / "wt", None)
    (root / "node_modules").symlink_to(shared / "node_modules")
    with pytest.raises(NpmToolMissing, match=r"do not match package-lock\.json"):
        ensure_node_modules(root)
    assert npm_ci_runs == []
    assert (shared / "node_modules" / ".package-lock.json").is_file()
