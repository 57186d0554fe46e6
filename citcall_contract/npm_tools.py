"""The npm tools the project pins in package.json (Redocly, Spectral, Prism, TypeScript).

They are installed into the checkout's node_modules by `npm ci` from the committed lock,
once, and run from there: nothing is fetched at run time. Outside a checkout (an installed
package), a tool on PATH is used instead, or the error says how to get one.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from citcall_contract.paths import SourceTreeNotFound, repo_root

#: The npm package that provides each tool, for the message when it cannot be found.
PACKAGES = {
    "redocly": "@redocly/cli",
    "spectral": "@stoplight/spectral-cli",
    "prism": "@stoplight/prism-cli",
    "tsc": "typescript",
}


class NpmToolMissing(RuntimeError):
    """node/npm is not installed, or the tool is not in package.json."""


def ensure_node_modules(root: Path | None = None) -> Path:
    """Run `npm ci` when node_modules is missing or older than package-lock.json."""
    root = root or repo_root()
    lock = root / "package-lock.json"
    marker = root / "node_modules" / ".package-lock.json"
    if marker.is_file() and marker.stat().st_mtime >= lock.stat().st_mtime:
        return root / "node_modules"
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
