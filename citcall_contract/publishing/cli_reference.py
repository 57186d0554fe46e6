"""The command-line reference page, written from the argument parsers themselves.

The page is generated at every docs build from the `argparse` parser the CLI runs, so a
flag another change adds is documented by that change, and nothing is copied by hand.
The parser is passed in (the commands layer builds it); this module only reads it.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator

#: Width of the usage blocks: the site's code column, whatever the terminal building it.
USAGE_WIDTH = 88


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _usage(parser: argparse.ArgumentParser) -> str:
    formatter = argparse.HelpFormatter(parser.prog, width=USAGE_WIDTH)
    formatter.add_usage(parser.usage, parser._actions, parser._mutually_exclusive_groups)
    return formatter.format_help().strip()


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _flags(action: argparse.Action) -> str:
    if not action.option_strings:
        return f"`{action.metavar or action.dest}`"
    metavar = ""
    if action.nargs != 0:
        shown = action.metavar or action.dest.upper()
        metavar = " " + (" ".join(shown) if isinstance(shown, tuple) else shown)
    return ", ".join(f"`{flag}{metavar}`" for flag in action.option_strings)


def _default(action: argparse.Action) -> str:
    default = action.default
    if action.nargs == 0 or default in (None, argparse.SUPPRESS, [], ()):
        return ""
    return f"`{default}`"


def _help(action: argparse.Action) -> str:
    text = action.help or ""
    if "%(" in text:  # argparse's own substitutions (%(default)s, %(prog)s)
        text = text % {"default": action.default, "prog": "", "dest": action.dest}
    choices = f" (one of: {', '.join(map(str, action.choices))})" if action.choices else ""
    repeatable = ""
    if isinstance(action, argparse._AppendAction) and "repeatable" not in text.lower():
        repeatable = " Repeatable."
    return _cell(text + choices + repeatable)


def _rows(parser: argparse.ArgumentParser) -> Iterator[str]:
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction) or action.help == argparse.SUPPRESS:
            continue
        yield f"| {_flags(action)} | {_default(action)} | {_help(action)} |"


def cli_markdown(parser: argparse.ArgumentParser) -> str:
    """The reference page: a summary table, then each command's usage and arguments."""
    commands = _subcommands(parser)
    lines = [
        "# Command line",
        "",
        f"`{parser.prog} COMMAND` (or `python -m citcall_contract COMMAND`). "
        "This page is generated from the argument parsers when the site is built; "
        f"`{parser.prog} COMMAND --help` prints the same. Exit codes of every command: "
        "0 = something was checked and conforms, 1 = a finding, 2 = could not check "
        "(bad arguments, unreadable input, a missing extra or tool), with one line on stderr.",
        "",
        "| command | what it does |",
        "|---|---|",
    ]
    lines += [
        f"| [`{name}`](#{name}) | {_cell(sub.description or '')} |"
        for name, sub in commands.items()
    ]
    for name, sub in commands.items():
        lines += ["", f"## {name} {{#{name}}}", "", sub.description or "", ""]
        lines += ["```text", _usage(sub), "```", ""]
        rows = list(_rows(sub))
        if rows:
            lines += ["| argument | default | meaning |", "|---|---|---|", *rows]
    return "\n".join(lines) + "\n"
