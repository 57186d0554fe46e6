"""`citcall-contract diff OLD NEW`: every change between two versions of the spec, classified.

OLD and NEW are spec files or git revisions (`v3.0.0`, `HEAD~1`, or `REV:PATH`). Each
change is breaking or not for integrators (requests), clients (responses), callback
receivers and generated SDK source; see `citcall_contract.contract.compat`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from citcall_contract.commands import arguments

HELP = "Classify the changes between two versions of the spec (files or git revisions)."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from citcall_contract.contract.compat.render import FORMATS

    parser.add_argument(
        "old", metavar="OLD", help="spec file or git revision (e.g. v3.0.0, HEAD~1)"
    )
    parser.add_argument("new", metavar="NEW", help="spec file or git revision")
    parser.add_argument("--format", choices=FORMATS, default=FORMATS[0], help="output format")
    parser.add_argument(
        "--fail-on",
        choices=("breaking", "never"),
        default="never",
        help="exit 1 when a change is breaking for any audience (default: never)",
    )
    parser.add_argument(
        "--recorded",
        type=Path,
        metavar="DIR",
        help="recorded gateway bodies (DIR/<operationId or webhook>/*.json) NEW must accept",
    )
    arguments.add_instances(
        parser, "generated instances per changed schema for the by-example checks (0: none)"
    )


def run(args: argparse.Namespace) -> int:
    from citcall_contract.core.extras import require

    require("contract", "citcall-contract diff")
    from citcall_contract.contract.compat.diff import diff
    from citcall_contract.contract.compat.document import SpecSourceError, load
    from citcall_contract.contract.compat.render import render

    try:
        old, new = load(args.old), load(args.new)
        if args.recorded is not None and not args.recorded.is_dir():
            raise SpecSourceError(f"--recorded {args.recorded}: not a directory")
        report = diff(old, new, instances=args.instances, recorded=args.recorded)
    except SpecSourceError as exc:
        print(f"diff: {exc}", file=sys.stderr)
        return 2
    sys.stdout.write(render(report, args.format))
    return 1 if args.fail_on == "breaking" and report.breaking else 0
