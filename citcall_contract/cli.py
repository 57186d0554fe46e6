"""`citcall-contract`: one entry point, one module per sub-command.

Each command module exposes `HELP`, `add_arguments(parser)` and `run(args) -> int`; the
heavy imports (schemathesis, uvicorn, the generator) stay inside `run`, so `--help` and
the light commands start fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from types import ModuleType

COMMANDS: dict[str, str] = {
    "lint": "citcall_contract.commands.lint",
    "generate": "citcall_contract.commands.generate",
    "sandbox": "citcall_contract.sandbox.command",
    "verify": "citcall_contract.contract.command",
    "docs": "citcall_contract.commands.docs",
    "sdk": "citcall_contract.commands.sdk",
}


def _load(name: str) -> ModuleType:
    return importlib.import_module(COMMANDS[name])


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="citcall-contract",
        description="Contract kit for the Citcall v3 gateway API.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        module = _load(name)
        command = sub.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    result: int = _load(args.command).run(args)
    return result


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
