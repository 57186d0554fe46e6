"""The documentation site: MkDocs with Material, built strictly and offline from `docs/`.

`build_site(config_file, output, cli_parser)` runs MkDocs' own build with the checkout's
`mkdocs.yml` and `strict` on, so a broken link, a missing page or a failing mkdocstrings
reference is a `SiteProblem` naming the first one. Three pages are not in `docs/` but
generated at every build (`generated_pages`, added by the MkDocs hook in
`citcall_contract/commands/docs.py`, so `mkdocs build` and `mkdocs serve` see them too):
the command line from the argument parsers, the rc and dial-code tables from the spec,
and the Redoc API reference (`REFERENCE_PAGE`, whose HTML replaces the page MkDocs renders).

Offline: Material's web fonts are off, search is its bundled lunr on the site's own index,
and `external_urls` finds any page that would load anything from the network.
"""

from __future__ import annotations

import argparse
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from citcall_contract.publishing.cli_reference import cli_markdown
from citcall_contract.publishing.reference_docs import code_tables_markdown, external_resources

#: The page the Redoc reference replaces (its Markdown is a stand-in for the search index).
REFERENCE_PAGE = "reference/api.md"
#: Generated pages, by their path in the site's docs folder.
CLI_PAGE = "reference/cli.md"
CODES_PAGE = "reference/codes.md"
#: What a previous build leaves in its folder: a folder with it may be emptied and rebuilt.
SITE_MARKER = "sitemap.xml"


class SiteProblem(RuntimeError):
    """MkDocs refused the site in strict mode (a broken link, a missing page...)."""


class UnsafeOutput(ValueError):
    """The output folder holds other files (MkDocs empties the folder it builds into)."""


def codes_markdown() -> str:
    """The rc and dial-code page: the tables Redoc's introduction shows, from the spec."""
    return (
        "# Response and dial codes\n\n"
        "Generated from the spec's `ResponseCode` and `DialCode` schemas "
        "(`x-enum-varnames`, `x-enum-descriptions`, `x-enum-categories`) when the site is "
        "built. The error class each category raises in the Python client is in "
        "[Getting started](../guides/getting-started.md#errors).\n\n"
        + code_tables_markdown()
        + "\n"
    )


def generated_pages(cli_parser: argparse.ArgumentParser) -> dict[str, str]:
    """Path in the docs folder -> Markdown of every generated page."""
    return {CLI_PAGE: cli_markdown(cli_parser), CODES_PAGE: codes_markdown()}


def check_output(output: Path, docs_dir: Path) -> None:
    """Refuse a folder MkDocs would empty that is not a previous site, or holds the sources."""
    output = output.resolve()
    docs_dir = docs_dir.resolve()
    if output == docs_dir or docs_dir.is_relative_to(output) or output.is_relative_to(docs_dir):
        raise UnsafeOutput(f"{output}: the site cannot be built over or inside {docs_dir}")
    if output.is_file():
        raise UnsafeOutput(f"{output} is a file, not a folder")
    if output.is_dir() and any(output.iterdir()) and not (output / SITE_MARKER).is_file():
        raise UnsafeOutput(
            f"{output} is not empty and holds no previous site ({SITE_MARKER}); "
            "building would delete its files: name an empty or new folder"
        )


class _Problems(logging.Handler):
    """Collects what MkDocs and its plugins warn about (what strict mode counts)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(" ".join(record.getMessage().split()))


@contextmanager
def _quiet_mkdocs() -> Iterator[_Problems]:
    """MkDocs' log goes to a collector, not the terminal: the command prints one line."""
    problems = _Problems()
    loggers = [logging.getLogger(name) for name in ("mkdocs", "griffe", "material")]
    saved = [(lg.handlers[:], lg.propagate, lg.level) for lg in loggers]
    for lg in loggers:
        lg.handlers = [problems]
        lg.propagate = False
        lg.setLevel(logging.WARNING)
    try:
        yield problems
    finally:
        for lg, (handlers, propagate, level) in zip(loggers, saved, strict=True):
            lg.handlers, lg.propagate = handlers, propagate
            lg.setLevel(level)


def build_site(config_file: Path, output: Path) -> list[Path]:
    """Build the site of `config_file` into `output`, strictly; returns the HTML pages written.

    The generated pages come from the config's hook. Raises `UnsafeOutput` before
    building into a folder with other files, `SiteProblem` for anything strict mode
    refuses, and (from the hook) the reference build's errors.
    """
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, MkDocsException

    with _quiet_mkdocs() as problems:
        try:
            config = load_config(config_file=str(config_file), site_dir=str(output), strict=True)
        except MkDocsException as exc:
            raise SiteProblem(f"{config_file.name}: {' '.join(str(exc).split())}") from None
        check_output(output, Path(config.docs_dir))
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config)
        except (Abort, MkDocsException) as exc:
            first = problems.messages[0] if problems.messages else " ".join(str(exc).split())
            count = len(problems.messages)
            more = f" (and {count - 1} more)" if count > 1 else ""
            raise SiteProblem(f"{first}{more}") from None
        finally:
            config.plugins.on_shutdown()
    remote = external_urls(output)
    if remote:
        where, urls = next(iter(remote.items()))
        raise SiteProblem(f"{where} would load {urls[0]} from the network")
    return sorted(output.rglob("*.html"))


#: Places in HTML, CSS and scripts where a URL is fetched rather than followed.
_FETCH_PATTERNS = (
    re.compile(r"""\bsrc\s*=\s*["']?\s*((?:https?:)?//[^"'\s>]+)""", re.IGNORECASE),
    re.compile(r"""@import\s+(?:url\()?\s*["']?((?:https?:)?//[^"')\s]+)""", re.IGNORECASE),
    re.compile(r"""url\(\s*["']?((?:https?:)?//[^"')\s]+)""", re.IGNORECASE),
)


def external_urls(site: Path) -> dict[str, list[str]]:
    """File -> the remote URLs it would load, for every HTML, CSS and script of the site.

    HTML goes through the reference's parser (scripts, images, frames, stylesheets,
    preloads, inline styles); CSS and scripts are scanned for `src=`, `@import` and
    `url()` that name a remote address. Links a reader follows (`<a href>`) do not count.
    """
    found: dict[str, list[str]] = {}
    for path in sorted(site.rglob("*")):
        if path.suffix not in {".html", ".css", ".js"}:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        urls = set(external_resources(text)) if path.suffix == ".html" else set()
        if path.suffix != ".html":
            for pattern in _FETCH_PATTERNS:
                urls.update(pattern.findall(text))
        remote = sorted(url for url in urls if re.match(r"(?i)^(https?:)?//", url.strip()))
        if remote:
            found[str(path.relative_to(site))] = remote
    return found
