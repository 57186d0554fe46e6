"""The npm tools the project pins in package.json (Redocly, Spectral, Prism, TypeScript).

They are installed into the checkout's node_modules by `npm ci` from the committed lock,
once, and run from there: nothing is fetched at run time. Outside a checkout (an installed
package), a tool on PATH is used instead, or the error says how to get one.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from citcall_contract.core.checkout import SourceTreeNotFound, repo_root

#: The npm package that provides each tool, for the message when it cannot be found.
PACKAGES = {
    "redocly": "@redocly/cli",
    "spectral": "@stoplight/spectral-cli",
    "prism": "@stoplight/prism-cli",
    "tsc": "typescript",
}


class NpmToolMissing(RuntimeError):
    """node/npm is not installed, or the tool is not in package.json."""


def _installed_matches_lock(lock: Path, installed: Path) -> bool:
    """Whether npm's record of what it installed has the lock's packages at its versions.

    Contents, not modification times: a fresh checkout's lock is newer than a shared
    node_modules that was installed from the same lock. Optional packages for other
    platforms (fsevents) may be absent.
    """
    if not installed.is_file():
        return False
    try:
        wanted = json.loads(lock.read_text(encoding="utf-8"))["packages"]
        have = json.loads(installed.read_text(encoding="utf-8"))["packages"]
    except (OSError, ValueError, KeyError, TypeError):
        return False
    for name, entry in wanted.items():
        if not name:
            continue
        found = have.get(name)
        if found is None:
            if not entry.get("optional"):
                return False
        elif found.get("version") != entry.get("version"):
            return False
    return True


def ensure_node_modules(root: Path | None = None) -> Path:
    """Run `npm ci` when node_modules is missing or does not match package-lock.json.

    A node_modules that is a symbolic link (a checkout sharing another one's tools) is
    never reinstalled: `npm ci` would empty the directory it points to.
    """
    root = root or repo_root()
    lock = root / "package-lock.json"
    modules = root / "node_modules"
    if _installed_matches_lock(lock, modules / ".package-lock.json"):
        return modules
    if modules.is_symlink():
        raise NpmToolMissing(
            f"{modules} links to tools that do not match package-lock.json; "
            "run `npm ci` where it points"
        )
    npm = shutil.which("npm")
    if npm is None:
        raise NpmToolMissing("npm is not installed; install Node.js 18+ to run the npm tools")
    subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=root, check=True)
    return root / "node_modules"


def tool(name: str, root: Path | None = None) -> Path:
    """Path of an npm tool's executable in node_modules/.bin, installing first if needed.

    Without a checkout, the tool on PATH; if there is none, NpmToolMissing says how to
    install it (one line).
    """
    if root is None:
        try:
            root = repo_root()
        except SourceTreeNotFound:
            found = shutil.which(name)
            if found is None:
                package = PACKAGES.get(name, name)
                raise NpmToolMissing(
                    f"needs the npm tool {name!r}: run it from a citcall-contract checkout "
                    f"(npm ci installs it) or put it on PATH (npm install -g {package})"
                ) from None
            return Path(found)
    binary = ensure_node_modules(root) / ".bin" / name
    if not binary.exists():
        raise NpmToolMissing(f"{name} is not in node_modules/.bin; is it in package.json?")
    return binary
