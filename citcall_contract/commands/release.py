"""`citcall-contract release`: snapshot the spec as released and write its changelog section.

Runs the same gate as `compat` against the previous snapshot, then copies
`openapi/citcall-v3.yaml` to `openapi/releases/citcall-v3-<info.version>.yaml` and adds
the Markdown diff as a section of `CHANGELOG.md`. Commit both (and tag `v<version>` if
you like; `diff v3.0.0 HEAD` then works too).
"""

from __future__ import annotations

import argparse
import sys

HELP = "Release the spec: snapshot openapi/releases/ and a CHANGELOG.md section."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--date",
        type=_iso_date,
        help="release date for the changelog (default: today, UTC, YYYY-MM-DD)",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="print the changelog section, write nothing"
    )


def _iso_date(text: str) -> str:
    """A calendar date as YYYY-MM-DD (it is written into CHANGELOG.md as given)."""
    import datetime

    try:
        return datetime.date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def run(args: argparse.Namespace) -> int:
    from citcall_contract.core.extras import require

    require("contract", "citcall-contract release")
    import datetime
    import shutil

    from citcall_contract.contract.compat.diff import diff
    from citcall_contract.contract.compat.document import SpecSourceError, load
    from citcall_contract.contract.compat.releases import (
        CHANGELOG,
        ReleaseError,
        Version,
        add_to_changelog,
        changelog_section,
        gate,
        latest,
        snapshot_path,
    )
    from citcall_contract.core.checkout import repo_root, source_spec

    root = repo_root()
    spec = source_spec(root)
    try:
        working = load(str(spec))
        version = Version.parse(working.version)
        target = snapshot_path(root, working.version)
        if target.exists():
            raise ReleaseError(
                f"{working.version} is already released ({target.relative_to(root)}); "
                "bump info.version first"
            )
        last = latest(root)
        report = None
        if last is not None:
            if version <= last[0]:
                raise ReleaseError(f"info.version {version} is not above the released {last[0]}")
            report = diff(load(str(last[1])), working)
            problems = gate(report, str(last[0]), working.version)
            if problems:
                raise ReleaseError("; ".join(problems))
    except SpecSourceError as exc:  # could not check
        print(f"release: {exc}", file=sys.stderr)
        return 2
    except ReleaseError as exc:  # the gate refuses this version
        print(f"release: {exc}", file=sys.stderr)
        return 1
    date = args.date or datetime.datetime.now(datetime.UTC).date().isoformat()
    section = changelog_section(report, working.version, date)
    if args.dry_run:
        sys.stdout.write(section)
        return 0
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(spec, target)
    add_to_changelog(root / CHANGELOG, section)
    print(f"released {working.version}: {target.relative_to(root)} and {CHANGELOG}")
    return 0
