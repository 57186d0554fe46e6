"""The code blocks of the documentation (`docs/**/*.md` and `README.md`), as the tests run them.

A ```python or ```sh block is run unless its first line says why not
(`# not tested: REASON`). A `<!-- docs-test: ... -->` comment on the line before a
block (invisible on the site) says how:

- `pytest NAME`: the block is part of pytest module NAME (the page's blocks of one name,
  joined in order);
- `sandbox`: a shell block runs against a sandbox on a free port, which replaces
  `127.0.0.1:8090`;
- `cwd=checkout`: a shell block runs in the checkout (read-only commands).

Other Python blocks run as scripts with the in-process gateway (`citcall_mock`'s) answering
every Citcall address; other shell blocks run in an empty folder.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests import REPO

PYTHON = {"python", "py"}
SHELL = {"sh", "bash", "shell"}
#: The first line of a block that is not run, and why.
NOT_TESTED = re.compile(r"^\s*(?:#|//)\s*not tested\b[^:]*:\s*(?P<reason>\S.*)$")
DIRECTIVE = re.compile(r"^<!--\s*docs-test:\s*(?P<words>.*?)\s*-->$")
FENCE = re.compile(r"^(?P<fence>```+|~~~+)\s*(?P<info>[^`\s]*)[^`]*$")


@dataclass(frozen=True)
class Block:
    """One fenced block: where it is, its language, its code and its directive words."""

    page: str
    line: int
    lang: str
    code: str
    directive: tuple[str, ...]

    @property
    def id(self) -> str:
        return f"{self.page}:{self.line}"

    @property
    def runnable_language(self) -> bool:
        return self.lang in PYTHON | SHELL

    @property
    def not_tested_reason(self) -> str | None:
        first = self.code.lstrip("\n").split("\n", 1)[0]
        found = NOT_TESTED.match(first)
        return found.group("reason") if found else None

    @property
    def pytest_module(self) -> str | None:
        if len(self.directive) >= 2 and self.directive[0] == "pytest":
            return self.directive[1]
        return None


def pages() -> list[Path]:
    """Every Markdown page the docs tests read: the site's sources and the README."""
    return [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]


def blocks(path: Path) -> Iterator[Block]:
    lines = path.read_text(encoding="utf-8").split("\n")
    page = str(path.relative_to(REPO))
    index = 0
    while index < len(lines):
        opening = FENCE.match(lines[index].strip())
        if opening is None:
            index += 1
            continue
        fence, start = opening.group("fence"), index
        before = lines[start - 1].strip() if start else ""
        directive = DIRECTIVE.match(before)
        end = start + 1
        while end < len(lines) and not lines[end].strip().startswith(fence):
            end += 1
        yield Block(
            page=page,
            line=start + 1,
            lang=opening.group("info").lower(),
            code="\n".join(lines[start + 1 : end]) + "\n",
            directive=tuple(directive.group("words").split()) if directive else (),
        )
        index = end + 1


def all_blocks() -> list[Block]:
    return [block for path in pages() for block in blocks(path)]


def to_run() -> list[Block]:
    """The runnable blocks that are run (not marked `not tested`)."""
    return [b for b in all_blocks() if b.runnable_language and b.not_tested_reason is None]
