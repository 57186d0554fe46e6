"""`citcall-contract docs -o DIR`: the spec as a self-contained HTML reference.

One file, `DIR/index.html`, with Redoc's script and styles inlined and a policy that
forbids any network load, so it can be published anywhere or opened from disk offline.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HELP = "Write the offline HTML reference (DIR/index.html) for the spec."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-o", "--output", type=Path, required=True, metavar="DIR", help="directory to write"
    )


def run(args: argparse.Namespace) -> int:
    from citcall_contract.publishing.npm_tools import NpmToolMissing
    from citcall_contract.publishing.reference_docs import DocsBuildError, build

    try:
        page = build(args.output)
    except (DocsBuildError, NpmToolMissing) as exc:
        print(f"docs: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {page} ({page.stat().st_size // 1024} KiB, no network resources)")
    return 0
