"""`citcall-contract sdk GENERATOR -o DIR`: an SDK for another language, from the spec.

Runs the pinned OpenAPI Generator on the SDK view of the spec (`citcall_contract.sdk_view`:
callbacks, webhooks and links left out, 3.1-only keywords rewritten), offline.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HELP = "Generate an SDK for another language (OpenAPI Generator, e.g. go, typescript-fetch)."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "generator", metavar="GENERATOR", help="OpenAPI Generator name: go, typescript-fetch, ..."
    )
    parser.add_argument(
        "-o", "--output", type=Path, required=True, metavar="DIR", help="directory to write"
    )
    parser.add_argument(
        "--additional-properties",
        action="append",
        default=[],
        metavar="KEY=VALUE[,KEY=VALUE]",
        help="generator options (repeatable), e.g. packageName=citcall",
    )


def run(args: argparse.Namespace) -> int:
    from citcall_contract.extras import require

    require("sdk", "citcall-contract sdk")
    from citcall_contract.sdk_generator import GeneratorError, generate, parse_properties

    try:
        properties = parse_properties(args.additional_properties)
        output = generate(args.generator, args.output, properties)
    except (GeneratorError, ValueError) as exc:
        print(f"sdk: {exc}", file=sys.stderr)
        return 1
    print(f"wrote the {args.generator} SDK to {output}")
    return 0
