"""Where the project's files are when a command needs the source tree, not just the package."""

from __future__ import annotations

from pathlib import Path

SPEC_RELATIVE = Path("openapi") / "citcall-v3.yaml"


class SourceTreeNotFound(RuntimeError):
    """Raised by commands that work on a checkout (lint, generate) when run outside one."""


def repo_root(start: Path | None = None) -> Path:
    """The checkout holding `openapi/citcall-v3.yaml`: the current directory or a parent of it.

    Falls back to the directory above the package, which is the checkout in an editable install.
    """
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents, Path(__file__).resolve().parents[2]):
        if (candidate / SPEC_RELATIVE).is_file() and (candidate / "pyproject.toml").is_file():
            return candidate
    raise SourceTreeNotFound(
        "this command needs the citcall-contract source tree (openapi/citcall-v3.yaml); "
        "run it from the repository"
    )


def source_spec(root: Path | None = None) -> Path:
    return (root or repo_root()) / SPEC_RELATIVE
