"""Argument types shared by the commands: bounds checked by argparse, in one place.

Standard library only, like every command module's top: `--help` imports these.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be >= 1")
    return value


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError("must be a finite number > 0")
    return value


def delivery_seconds(text: str) -> float:
    """A receiver's time-out: more than 0 and at most five minutes."""
    value = float(text)
    if not 0 < value <= 300:
        raise argparse.ArgumentTypeError("must be more than 0 and at most 300 seconds")
    return value


def example_count(text: str) -> int:
    """Generated examples per kind: 0 (none) to 10,000."""
    value = int(text)
    if not 0 <= value <= 10_000:
        raise argparse.ArgumentTypeError("must be between 0 and 10000")
    return value


def repeatable(
    parser: argparse.ArgumentParser,
    *flags: str,
    metavar: str,
    help: str,
    dest: str | None = None,
) -> None:
    """An option that may be given any number of times: its values, in order, as a list
    (empty, never None, when it is not given)."""
    parser.add_argument(*flags, dest=dest, action="append", default=[], metavar=metavar, help=help)


def add_receiver_options(parser: argparse.ArgumentParser, timeout_help: str) -> None:
    """`--timeout` and `--allow-host`: how `trigger` and `verify-receiver` reach a receiver."""
    parser.add_argument(
        "--timeout",
        type=delivery_seconds,
        default=5.0,
        metavar="S",
        help=f"{timeout_help} (default: %(default)s)",
    )
    repeatable(
        parser,
        "--allow-host",
        dest="allow_hosts",
        metavar="HOST",
        help="allow a non-loopback host (repeatable)",
    )


def add_instances(parser: argparse.ArgumentParser, help: str) -> None:
    """`--instances N`: generated instances per changed schema (`diff`, `compat`)."""
    parser.add_argument("--instances", type=example_count, default=25, metavar="N", help=help)


def add_junit(parser: argparse.ArgumentParser) -> None:
    """`--junit FILE`: where a suite's JUnit XML report goes."""
    parser.add_argument("--junit", type=Path, default=None, metavar="FILE", help="write JUnit XML")


def add_output_dir(parser: argparse.ArgumentParser, help: str) -> None:
    """`-o/--output DIR` (required): the folder a command writes (`docs`, `sdk`)."""
    parser.add_argument("-o", "--output", type=Path, required=True, metavar="DIR", help=help)


def add_bind_address(
    parser: argparse.ArgumentParser, *, host: str, port: int, port_help: str
) -> None:
    """`--host` and `--port`: where a served command (`sandbox`, `record`) listens."""
    parser.add_argument("--host", default=host, help="bind address (default: %(default)s)")
    parser.add_argument("--port", type=int, default=port, help=port_help)


def add_credentials(
    parser: argparse.ArgumentParser, *, api_key_help: str, userid_help: str
) -> None:
    """`--api-key` and `--userid`: the gateway credentials a command serves or sends."""
    parser.add_argument("--api-key", default=None, help=api_key_help)
    parser.add_argument("--userid", default=None, help=userid_help)
