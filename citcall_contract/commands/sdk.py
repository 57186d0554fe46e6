"""`citcall-contract sdk GENERATOR -o DIR [--check]`: an SDK for another language, from the spec.

Runs the pinned OpenAPI Generator on the SDK view of the spec
(`citcall_contract.publishing.sdk_view`: callbacks, webhooks and links left out, 3.1-only
keywords rewritten, scalar unions in the form each generator types well), offline.
`--check` then builds the SDK with its conformance program
(`citcall_contract.publishing.conformance`), runs it against the embedded sandbox and
prints a matrix of check x language; `all` does the four targets at once.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from citcall_contract.commands import arguments

if TYPE_CHECKING:
    from citcall_contract.publishing.conformance.matrix import LanguageResult

HELP = "Generate an SDK for another language (OpenAPI Generator, e.g. go, typescript-fetch)."

#: `GENERATOR` value for every target that has a conformance program.
ALL = "all"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "generator",
        metavar="GENERATOR",
        help="OpenAPI Generator name: go, typescript-fetch, php, python, ...; "
        f"'{ALL}' for the four conformance-tested targets, each in DIR/<generator>",
    )
    arguments.add_output_dir(parser, "directory to write")
    arguments.repeatable(
        parser,
        "--additional-properties",
        metavar="KEY=VALUE[,KEY=VALUE]",
        help="generator options (repeatable), e.g. packageName=citcall",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="build the SDK and run its conformance program against the embedded sandbox",
    )


def run(args: argparse.Namespace) -> int:
    from citcall_contract.core.extras import require

    require("sdk", "citcall-contract sdk")
    from concurrent.futures import ThreadPoolExecutor

    from citcall_contract.publishing.conformance.matrix import (
        NoConformanceProgram,
        check_target,
        failed_generators,
        format_matrix,
    )
    from citcall_contract.publishing.conformance.targets import TARGETS
    from citcall_contract.publishing.sdk_generator import GeneratorError, generate, parse_properties

    if args.generator == ALL:
        sdks = {generator: args.output / generator for generator in TARGETS}
    else:
        sdks = {args.generator: args.output}
    try:
        properties = parse_properties(args.additional_properties)
        if args.check:
            for generator in sdks:
                check_target(generator)
        with ThreadPoolExecutor(max_workers=2) as pool:
            written = list(
                pool.map(lambda item: generate(item[0], item[1], properties), sdks.items())
            )
    except (GeneratorError, ValueError, NoConformanceProgram) as exc:
        print(f"sdk: {exc}", file=sys.stderr)
        return 1
    for generator, output in zip(sdks, written, strict=True):
        print(f"wrote the {generator} SDK to {output}")
    if not args.check:
        return 0
    results = check_against_sandbox(sdks)
    print(format_matrix(results))
    for generator, result in results.items():
        if result.missing_tool:
            print(f"sdk: {generator}: {result.error}", file=sys.stderr)
    failed = failed_generators(results)
    if failed:
        print(f"sdk: conformance failed for {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


def check_against_sandbox(sdks: Mapping[str, Path]) -> dict[str, LanguageResult]:
    """Run the SDKs' conformance programs against the embedded sandbox on a loopback port."""
    import secrets

    from citcall_contract.publishing.conformance import matrix
    from citcall_contract.sandbox import SandboxConfig, SandboxServer

    api_key = secrets.token_hex(16)
    config = SandboxConfig(api_key=api_key, userid=matrix.SANDBOX_USERID)
    with SandboxServer(config, host="127.0.0.1", port=0) as server:
        return matrix.check_sdks(sdks, matrix.Gateway(server.base_url, api_key))
