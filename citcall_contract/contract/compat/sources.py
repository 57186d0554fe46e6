"""Where a version of the spec comes from: a file, or a git revision (`REV` or `REV:PATH`).

A revision is data, never an option. One that starts with `-` is refused; any other is
resolved to a commit by `git rev-parse --verify --end-of-options REV^{commit}` first, and
the file is then read by `git cat-file blob <commit>:<path>`, so nothing the user typed
reaches git where it could be read as a flag (`--output=FILE` would write a file).
Both kinds of source are bounded in size.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from citcall_contract.core.checkout import SPEC_RELATIVE
from citcall_contract.core.printable import printable

#: A spec is about 100 KB; anything past this is not one (and is not read whole).
MAX_SPEC_BYTES = 8 * 1024 * 1024
#: Seconds a git command may take (it reads the local repository only).
GIT_TIMEOUT = 60.0
_OBJECT_ID = re.compile(r"[0-9a-f]{40}([0-9a-f]{24})?")


class SpecSourceError(ValueError):
    """OLD or NEW names neither a readable spec file nor a git revision holding one."""


def read_source(source: str, root: Path | None = None) -> bytes:
    """The bytes of a spec file, or of the spec at a git revision (`REV` or `REV:PATH`)."""
    path = Path(source)
    if path.is_file():
        return read_file(path, MAX_SPEC_BYTES, source)
    return _read_revision(source, root)


def read_file(path: Path, limit: int, shown_as: str | None = None) -> bytes:
    """A file's bytes, at most `limit` of them (SpecSourceError past it), read once."""
    name = printable(str(path) if shown_as is None else shown_as)
    try:
        with path.open("rb") as handle:
            raw = handle.read(limit + 1)
    except OSError as exc:
        raise SpecSourceError(f"{name}: cannot read ({exc.strerror})") from None
    if len(raw) > limit:
        raise SpecSourceError(f"{name}: larger than {limit} bytes")
    return raw


def _read_revision(source: str, root: Path | None) -> bytes:
    revision, colon, inside = source.partition(":")
    if source.startswith("-"):
        raise SpecSourceError(
            f"{printable(source)}: not a file, and a revision may not start with '-' "
            "(arguments are never passed to git as options)"
        )
    if not revision:
        raise SpecSourceError(f"{printable(source)}: not a file, and REV:PATH needs a revision")
    inside = inside if colon else SPEC_RELATIVE.as_posix()
    verify = ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}"]
    commit = _git(verify, source, root).decode("ascii", "replace").strip()
    if not _OBJECT_ID.fullmatch(commit):
        raise SpecSourceError(f"{printable(source)}: not a file nor a git revision")
    blob = f"{commit}:{inside}"
    size = _git(["cat-file", "-s", blob], source, root).strip()
    if not size.isdigit():
        missing = printable(inside)
        raise SpecSourceError(f"{printable(source)}: revision {commit[:12]} has no {missing}")
    if int(size) > MAX_SPEC_BYTES:
        raise SpecSourceError(f"{printable(source)}: larger than {MAX_SPEC_BYTES} bytes")
    return _git(["cat-file", "blob", blob], source, root)


def _git(arguments: list[str], source: str, root: Path | None) -> bytes:
    """What git printed, or b"" when it failed (its stderr is not shown: it would
    echo the argument back, control characters and all)."""
    try:
        result = subprocess.run(
            ["git", *arguments],  # noqa: S607 - git from PATH is the user's git
            cwd=root,
            capture_output=True,
            check=False,
            timeout=GIT_TIMEOUT,
        )
    except FileNotFoundError:
        no_git = "not a file, and git is not installed"
        raise SpecSourceError(f"{printable(source)}: {no_git}") from None
    except subprocess.TimeoutExpired:
        raise SpecSourceError(
            f"{printable(source)}: git {arguments[0]} took more than {GIT_TIMEOUT:g} s"
        ) from None
    return result.stdout if result.returncode == 0 else b""
