"""Argument types shared by the commands: bounds checked by argparse, in one place.

Standard library only, like every command module's top: `--help` imports these.
"""

from __future__ import annotations

import argparse
import math


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


def add_receiver_options(parser: argparse.ArgumentParser, timeout_help: str) -> None:
    """`--timeout` and `--allow-host`: how `trigger` and `verify-receiver` reach a receiver."""
    parser.add_argument(
        "--timeout",
        type=delivery_seconds,
        default=5.0,
        metavar="S",
        help=f"{timeout_help} (default: %(default)s)",
    )
    parser.add_argument(
        "--allow-host",
        dest="allow_hosts",
        action="append",
        default=[],
        metavar="HOST",
        help="allow a non-loopback host (repeatable)",
    )
