"""The offline API reference: Redoc (through Redocly's `build-docs --inlineBundle`) on the spec.

Redoc renders schemas, examples, callbacks and webhooks, but not the `x-enum-*` lists, so
the build input is a copy of the spec whose introduction gains the rc and dial-code tables,
generated here from `citcall_contract.spec.codes`. The page template forbids every network load
(Content-Security-Policy), and `external_resources` lets the build refuse a page that would
still reference one. The page is `reference/api.html` of the documentation site
(`citcall_contract.publishing.site`).
"""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import tempfile
from collections.abc import Iterable, Mapping
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from citcall_contract.publishing.code_samples import x_code_samples
from citcall_contract.publishing.npm_tools import tool
from citcall_contract.spec import codes, load_spec

#: Headings of the generated introduction sections (the sidebar shows them).
RC_HEADING = "Response codes (rc)"
DIAL_CODE_HEADING = "Dial codes"

#: Only inline scripts and styles, and data: images and fonts: nothing leaves the machine.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "img-src data:; font-src data:; connect-src 'none'; base-uri 'none'; form-action 'none'"
)

#: Redoc's layout variables for laptop screens (its three panels start at 1280 px).
#: Redoc gives the samples panel half of the content area and the sidebar 285 px, which
#: leaves the prose, the schemas and the code tables about 400 px at 1280 px and 480 px
#: at 1440 px. Here the sidebar and the gaps are narrower and the samples panel takes
#: 42 %; the introduction, whose side panel only lists the servers, gives it 28 %. Codes
#: and names in the first two columns of the introduction's tables (rc, dial code, their
#: names) never wrap: a code split over two lines reads as two codes.
LAYOUT_CSS = """
html:root {
  --sidebar-width: 240px;
  --panel-samples-width: 42%;
  --panel-gap-horizontal: var(--spacing-lg);
}
div:has(> [data-testid="middle-panel"] > [data-section-id="/"]) { --panel-samples-width: 28%; }
.md-table-wrapper td:nth-child(-n + 2) code { white-space: nowrap; }
"""

#: The page scrolls inside `#citcall-reference`, not the window: a deep link
#: (`#/sms/sendsms`, `#operation/sendSms`) is scrolled into view in that box, so the
#: operation starts right under the bar. (Scrolled at the window's level, headless
#: Chromium's screenshots show a blank band of the scrolled height above the operation.)
#: The bar links back to the site the page is part of.
FRAME_CSS = """
html, body { height: 100%; overflow: hidden; }
body { display: flex; flex-direction: column; }
#citcall-site-bar {
  flex: none; display: flex; align-items: center; gap: 1rem; height: 2.5rem;
  padding: 0 1rem; background: #3f51b5; color: #fff;
  font: 500 0.9rem/1 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
}
#citcall-site-bar a { color: #fff; text-decoration: none; }
#citcall-site-bar a:hover { text-decoration: underline; }
#citcall-reference { flex: 1 1 auto; min-height: 0; overflow-x: hidden; overflow-y: auto; }
"""

#: Where the bar's link goes: the site's home page, from `reference/api.html`.
SITE_HOME = "../index.html"

#: Redocly's page template, with the policy, the layout and the frame added (the template
#: variables are Redocly's).
PAGE_TEMPLATE = f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">
  <title>{{{{title}}}}</title>
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <style>body {{ padding: 0; margin: 0; }}{LAYOUT_CSS}{FRAME_CSS}</style>
  {{{{{{redocHead}}}}}}
</head>
<body>
  <nav id="citcall-site-bar"><a href="{SITE_HOME}">&larr; citcall-contract docs</a>
    <span>API reference</span></nav>
  <div id="citcall-reference">
  {{{{{{redocHTML}}}}}}
  </div>
</body>
</html>
"""

#: Quiet, offline settings for Redocly (no telemetry, no update check).
REDOCLY_ENV = {
    "NO_COLOR": "1",
    "REDOCLY_TELEMETRY": "off",
    "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true",
    "NODE_NO_WARNINGS": "1",
}


class DocsBuildError(RuntimeError):
    """Redocly failed, or the page it wrote would load something from the network."""


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _table(header: Iterable[str], rows: Iterable[Iterable[object]]) -> str:
    head = list(header)
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(_cell(value) for value in row) + " |" for row in rows]
    return "\n".join(lines)


def code_tables_markdown() -> str:
    """Markdown sections with the rc and dial-code tables, read from the spec's schemas."""
    rc_rows = (
        (f"`{info.rc}`", f"`{info.name}`", info.description, info.category)
        for info in codes.response_codes().values()
    )
    dial_rows = (
        (
            f"`{info.code}`",
            f"`{info.name}`",
            info.description,
            f"{info.code_class} {info.class_name}",
            "yes" if info.delivered else "no",
        )
        for info in codes.dial_codes().values()
    )
    return "\n\n".join(
        [
            f"## {RC_HEADING}",
            'Every answer carries `rc` (schema `ResponseCode`); `0` or `"00"` is success. '
            "A code not in this table is a failure.",
            _table(["rc", "Name", "Meaning", "Category"], rc_rows),
            f"## {DIAL_CODE_HEADING}",
            "SIP result of a missed call, `dial_code` in the missed-call callback (schema "
            "`DialCode`). *Delivered* says whether the missed call reached the phone.",
            _table(["Code", "Name", "Meaning", "Class", "Delivered"], dial_rows),
        ]
    )


def docs_input(spec: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A copy of the spec for Redoc: code tables, code samples, callbacks inlined.

    Each operation gains `x-codeSamples` (curl, the Python facade, the TypeScript, Go and
    PHP SDKs) rendered from its first named request example by `code_samples`, the
    renderer whose output the tests run against the sandbox. Redoc 3 shows an empty
    "Callbacks" section when a callback's path item is a `$ref` (to
    `components/pathItems`), so those path items are copied in place. The spec file
    itself never holds any of this.
    """
    document = copy.deepcopy(dict(spec if spec is not None else load_spec()))
    info = dict(document["info"])
    info["description"] = info.get("description", "").rstrip() + "\n\n" + code_tables_markdown()
    document["info"] = info
    path_items = document.get("components", {}).get("pathItems", {})
    for item in document.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict):
                continue
            if "operationId" in operation and "requestBody" in operation:
                operation["x-codeSamples"] = x_code_samples(operation["operationId"])
            for callback in operation.get("callbacks", {}).values():
                for expression, path_item in callback.items():
                    callback[expression] = _inline_path_item(path_item, path_items)
    return document


def _inline_path_item(path_item: Any, path_items: Mapping[str, Any]) -> Any:
    ref = path_item.get("$ref", "") if isinstance(path_item, dict) else ""
    prefix = "#/components/pathItems/"
    if ref.startswith(prefix) and ref[len(prefix) :] in path_items:
        return copy.deepcopy(path_items[ref[len(prefix) :]])
    return path_item


def render_page(root: Path | None = None) -> str:
    """The reference as one self-contained HTML page (Redocly `build-docs --inlineBundle`)."""
    redocly = tool("redocly", root)
    with tempfile.TemporaryDirectory(prefix="citcall-docs-") as tmp:
        work = Path(tmp)
        page = work / "index.html"
        (work / "openapi.json").write_text(json.dumps(docs_input()), encoding="utf-8")
        (work / "page.hbs").write_text(PAGE_TEMPLATE, encoding="utf-8")
        command = [
            str(redocly),
            "build-docs",
            "openapi.json",
            "--inlineBundle",
            "--template",
            "page.hbs",
            "--lint-config",
            "off",
            "--output",
            str(page),
        ]
        # cwd is the empty work directory, so no redocly.yaml of the caller is picked up.
        result = subprocess.run(
            command,
            cwd=work,
            env={**os.environ, **REDOCLY_ENV},
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0 or not page.is_file():
            output = (result.stdout + result.stderr).strip().splitlines()
            raise DocsBuildError(f"redocly build-docs failed: {output[-1] if output else ''}")
        html = page.read_text(encoding="utf-8")
    external = external_resources(html)
    if external:
        raise DocsBuildError("the reference would load from the network: " + ", ".join(external))
    return html


# Tags and attributes whose URL the browser fetches while showing the page (links are not).
_FETCHED_ATTRIBUTES = {
    "script": ("src",),
    "img": ("src", "srcset"),
    "iframe": ("src",),
    "frame": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "source": ("src", "srcset"),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "input": ("src",),
    "image": ("href", "xlink:href"),
    "use": ("href", "xlink:href"),
}
_FETCHED_LINK_RELS = {"stylesheet", "preload", "modulepreload", "prefetch", "icon", "manifest"}
_CSS_URL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])\s*([^'")\s]+)""", re.IGNORECASE)
#: Module imports of a remote script: `from "https://..."`, `import("//...")`.
_SCRIPT_IMPORT = re.compile(r"""(?:\bfrom\s*|\bimport\s*\(?\s*)["'`]((?:https?:)?//[^"'`]+)""")
_LOCAL = re.compile(r"^(data:|#|blob:|about:)", re.IGNORECASE)


class _ResourceFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self._in_style = False
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        for name in _FETCHED_ATTRIBUTES.get(tag, ()):
            if values.get(name):
                self.urls.extend(
                    part.split()[0] for part in values[name].split(",") if part.strip()
                )
        rels = set(values.get("rel", "").lower().split())
        if tag == "link" and rels & _FETCHED_LINK_RELS and values.get("href"):
            self.urls.append(values["href"])
        if values.get("style"):
            self.urls.extend(_CSS_URL.findall(values["style"]))
        self._in_style = tag == "style"
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.urls.extend(_CSS_URL.findall(data))
        if self._in_script:
            self.urls.extend(_SCRIPT_IMPORT.findall(data))


def external_resources(html: str) -> list[str]:
    """URLs the markup and styles would fetch: anything but data:, blob: and in-page anchors."""
    finder = _ResourceFinder()
    finder.feed(html)
    finder.close()
    return sorted({url for url in finder.urls if not _LOCAL.match(url.strip())})
