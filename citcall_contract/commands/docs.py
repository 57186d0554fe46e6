"""`citcall-contract docs -o DIR`: the documentation site, built strictly and offline.

Runs MkDocs (Material) on the checkout's `mkdocs.yml` with strict mode on: DIR gets
`index.html`, the guides, the reference pages and a search index, and no page loads
anything from the network. A broken link or a missing page is a finding (exit 1, one
line naming the first); no checkout, no `docs` extra or no Redocly is exit 2.

This module is also the site's MkDocs hook (`hooks:` in mkdocs.yml), so a plain
`mkdocs build` or `mkdocs serve` gets the same generated pages: the command line from
this CLI's parsers, the code tables from the spec, and the Redoc API reference.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from citcall_contract.commands import arguments

HELP = "Build the documentation site (guides, references, the Redoc API page) into DIR."

#: What the Redoc reference page becomes, per build (the hook renders it once).
_REFERENCE: dict[str, str] = {}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    arguments.add_output_dir(parser, "folder to write the site to (new, empty, or a previous site)")


def run(args: argparse.Namespace) -> int:
    from citcall_contract.core.checkout import repo_root
    from citcall_contract.core.extras import require

    require("docs", "citcall-contract docs")
    config_file = repo_root() / "mkdocs.yml"
    if not config_file.is_file():
        print(f"docs: {config_file} is missing: run it from a full checkout", file=sys.stderr)
        return 2
    from citcall_contract.publishing.reference_docs import DocsBuildError
    from citcall_contract.publishing.site import SiteProblem, UnsafeOutput, build_site

    try:
        pages = build_site(config_file, args.output)
    except UnsafeOutput as exc:
        print(f"docs: {exc}", file=sys.stderr)
        return 2
    except (SiteProblem, DocsBuildError) as exc:
        print(f"docs: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {len(pages)} pages to {args.output} (offline: no network resources)")
    return 0


# --- the MkDocs hook ------------------------------------------------------------------------


def on_config(config: Any) -> Any:
    """A new build: the reference is rendered again."""
    _REFERENCE.clear()
    return config


def on_files(files: Any, config: Any) -> Any:
    """Add the generated pages (command line, codes) to the site's files."""
    from mkdocs.structure.files import File

    from citcall_contract.cli import build_parser
    from citcall_contract.publishing.site import generated_pages

    for path, markdown in generated_pages(build_parser()).items():
        files.append(File.generated(config, path, content=markdown))
    return files


def on_post_page(output: str, page: Any, config: Any) -> str:
    """The API reference page is Redoc's self-contained page, not the Markdown stand-in."""
    from citcall_contract.publishing.reference_docs import render_page
    from citcall_contract.publishing.site import REFERENCE_PAGE

    if page.file.src_uri != REFERENCE_PAGE:
        return output
    if "html" not in _REFERENCE:
        _REFERENCE["html"] = render_page(Path(config.config_file_path).parent)
    return _REFERENCE["html"]
