"""Released versions of the spec: committed snapshots, the semver gate, and the changelog.

A release is `openapi/releases/citcall-v3-<info.version>.yaml`, a byte copy of the spec as
released, plus its section in `CHANGELOG.md`. The gate compares the newest snapshot
with the working spec: a change that breaks any audience needs a new major version
(a new minor one while the major is 0, as semver leaves 0.x open).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from citcall_contract.contract.compat.model import Report

RELEASES_DIR = Path("openapi") / "releases"
SNAPSHOT_PREFIX = "citcall-v3-"
CHANGELOG = Path("CHANGELOG.md")
CHANGELOG_MARKER = "<!-- releases, newest first; `citcall-contract release` adds a section here -->"
_SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$"
)


class ReleaseError(ValueError):
    """The working spec cannot be released or does not pass the gate; the message says why."""


@dataclass(frozen=True, order=True)
class Version:
    major: int
    minor: int
    patch: int
    pre: tuple[tuple[int, int | str], ...] = ((1, 0),)  # no pre-release sorts after any

    @classmethod
    def parse(cls, text: str) -> Version:
        match = _SEMVER.match(text.strip())
        if match is None:
            raise ReleaseError(
                f"info.version {text!r} is not a semantic version (MAJOR.MINOR.PATCH)"
            )
        pre: tuple[tuple[int, int | str], ...] = ((1, 0),)
        if match.group(4):
            pre = tuple(
                (0, int(part)) if part.isdigit() else (0, part)
                for part in match.group(4).split(".")
            )
        return cls(int(match.group(1)), int(match.group(2)), int(match.group(3)), pre)

    def allows_breaking_since(self, released: Version) -> bool:
        if self.major != released.major:
            return self.major > released.major
        return self.major == 0 and self.minor > released.minor

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"


def snapshot_path(root: Path, version: str) -> Path:
    return root / RELEASES_DIR / f"{SNAPSHOT_PREFIX}{version}.yaml"


def released(root: Path) -> list[tuple[Version, Path]]:
    """Every snapshot, oldest first."""
    found = []
    for path in (root / RELEASES_DIR).glob(f"{SNAPSHOT_PREFIX}*.yaml"):
        try:
            found.append((Version.parse(path.stem.removeprefix(SNAPSHOT_PREFIX)), path))
        except ReleaseError:
            continue
    return sorted(found)


def latest(root: Path) -> tuple[Version, Path] | None:
    snapshots = released(root)
    return snapshots[-1] if snapshots else None


def gate(report: Report, released_version: str, working_version: str) -> list[str]:
    """Why the working spec may not follow the released one (empty: it may)."""
    new = Version.parse(working_version)
    old = Version.parse(released_version)
    if new < old:
        return [f"info.version {new} is lower than the released {old}"]
    if report.breaking and not new.allows_breaking_since(old):
        broken = ", ".join(a for a, v in report.verdicts().items() if v == "breaking")
        wanted = f"{old.major + 1}.0.0" if old.major else f"0.{old.minor + 1}.0"
        return [
            f"breaking changes for {broken} since {old} need a major version: "
            f"set info.version to {wanted} (or more), or make the changes compatible"
        ]
    return []


def changelog_section(report: Report | None, version: str, date: str) -> str:
    from citcall_contract.contract.compat.render import markdown

    heading = f"{version} ({date})"
    if report is None:
        return (
            f"## {heading}\n\nFirst release of the contract: every operation, callback and "
            "webhook of `openapi/citcall-v3.yaml` as of this version. Later sections list "
            "changes and whom they break.\n"
        )
    return markdown(report, heading=heading)


def add_to_changelog(path: Path, section: str) -> None:
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    if CHANGELOG_MARKER not in text:
        text = (
            "# Changelog\n\nReleases of the Citcall v3 contract (`openapi/citcall-v3.yaml`, "
            "its `info.version`), each with the changes since the previous one, classified "
            "per audience by `citcall-contract diff`.\n\n" + CHANGELOG_MARKER + "\n" + text
        )
    head, tail = text.split(CHANGELOG_MARKER, 1)
    path.write_text(
        f"{head}{CHANGELOG_MARKER}\n\n{section.rstrip()}\n{tail.rstrip()}\n".replace(
            "\n\n\n", "\n\n"
        ),
        encoding="utf-8",
    )
