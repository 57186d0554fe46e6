"""`citcall-contract`: one entry point, one module per sub-command.

Each command module (`citcall_contract.commands.*`) exposes `HELP`, `add_arguments(parser)`
and `run(args) -> int`, and imports only the standard library at its top; its layer
(schemathesis, uvicorn, the generator...) is imported inside `run`, so `--help` starts in
a blink. A command that cannot run here (extra not installed, no source tree, no npm or
Java tool) says why in one line on stderr and exits 2, never with a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import NoReturn

COMMANDS: dict[str, str] = {
    "lint": "citcall_contract.commands.lint",
    "generate": "citcall_contract.commands.generate",
    "sandbox": "citcall_contract.commands.sandbox",
    "verify": "citcall_contract.commands.verify",
    "verify-receiver": "citcall_contract.commands.verify_receiver",
    "trigger": "citcall_contract.commands.trigger",
    "record": "citcall_contract.commands.record",
    "check-traffic": "citcall_contract.commands.check_traffic",
    "docs": "citcall_contract.commands.docs",
    "sdk": "citcall_contract.commands.sdk",
    "diff": "citcall_contract.commands.diff",
    "compat": "citcall_contract.commands.compat",
    "release": "citcall_contract.commands.release",
}
#: Exit status of a command that cannot run in this installation.
CANNOT_RUN = 2


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a bad argument is one line (what is wrong, where help is), exit 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(CANNOT_RUN, f"{self.prog}: {message} (see `{self.prog} --help`)\n")


def _load(name: str) -> ModuleType:
    return importlib.import_module(COMMANDS[name])


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="citcall-contract",
        description="Contract kit for the Citcall v3 gateway API.",
    )
    sub = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=OneLineParser
    )
    for name in COMMANDS:
        module = _load(name)
        command = sub.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(command)
    return parser


def _cannot_run() -> tuple[type[BaseException], ...]:
    """The errors that mean "not here" rather than "broken": reported in one line."""
    from citcall_contract.core.checkout import SourceTreeNotFound
    from citcall_contract.core.extras import MissingExtra
    from citcall_contract.publishing.npm_tools import NpmToolMissing

    return (MissingExtra, NpmToolMissing, SourceTreeNotFound)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        result: int = _load(args.command).run(args)
    except _cannot_run() as exc:
        print(f"citcall-contract {args.command}: {exc}", file=sys.stderr)
        return CANNOT_RUN
    except BrokenPipeError:  # `citcall-contract ... | head`: the reader left, nothing to say
        sys.stderr.close()
        return 1
    return result


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
