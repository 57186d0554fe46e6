"""`citcall-contract compat`: the working spec against the last release, semver-aware.

Diffs the newest snapshot in `openapi/releases/` with `openapi/citcall-v3.yaml` (and checks
the recorded gateway bodies in `tests/data/recorded/`) and fails when a change breaks any
audience without a major version bump, or when `info.version` is not semver or went down.
This is `tox -e compat`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from citcall_contract.commands import arguments

if TYPE_CHECKING:
    from citcall_contract.contract.compat.document import Document

#: Recorded gateway bodies the working spec must keep accepting, when the checkout has them.
RECORDED_BODIES = Path("tests") / "data" / "recorded"

HELP = "Fail when the spec breaks its last release without a major version bump."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from citcall_contract.contract.compat.render import FORMATS

    parser.add_argument(
        "--against", metavar="OLD", help="a spec file or git revision instead of the last snapshot"
    )
    parser.add_argument("--format", choices=FORMATS, default=FORMATS[0], help="report format")
    arguments.add_instances(parser, argparse.SUPPRESS)


def run(args: argparse.Namespace) -> int:
    from citcall_contract.core.extras import require

    require("contract", "citcall-contract compat")
    from citcall_contract.contract.compat.diff import diff
    from citcall_contract.contract.compat.document import SpecSourceError, load
    from citcall_contract.contract.compat.releases import ReleaseError, Version, gate, latest
    from citcall_contract.contract.compat.render import render
    from citcall_contract.core.checkout import repo_root, source_spec

    root = repo_root()
    try:
        working = _named(load(str(source_spec(root))), root)
        Version.parse(working.version)
        if args.against:
            old = load(args.against, root)
        else:
            last = latest(root)
            if last is None:
                print(f"compat: no release yet; info.version {working.version} is semver")
                return 0
            old = _named(load(str(last[1])), root)
        Version.parse(old.version)
        recorded = root / RECORDED_BODIES
        report = diff(
            old,
            working,
            instances=args.instances,
            recorded=recorded if recorded.is_dir() else None,
        )
    except SpecSourceError as exc:  # could not check
        print(f"compat: {exc}", file=sys.stderr)
        return 2
    except ReleaseError as exc:  # a version that is not semver: a finding
        print(f"compat: {exc}", file=sys.stderr)
        return 1
    sys.stdout.write(render(report, args.format))
    problems = gate(report, old.version, working.version)
    for problem in problems:
        print(f"compat: {problem}", file=sys.stderr)
    if not problems:
        print(
            f"compat: {old.label} ({old.version}) -> {working.version} ok",
            file=sys.stderr,
        )
    return 1 if problems else 0


def _named(document: Document, root: Path) -> Document:
    """The document labelled with its path in the checkout, as a reader would type it."""
    import dataclasses

    path = Path(document.label)
    if path.is_absolute() and path.is_relative_to(root):
        return dataclasses.replace(document, label=str(path.relative_to(root)))
    return document
