"""`citcall-contract docs` writes a page that renders fully in Chromium with the network off.

The page is built once per session (conftest.py) and served on a loopback port. The
session's driven Chromium (driver.py) has every network path closed and logs every
request a page makes, so a test can prove that the page asked for nothing off the machine
while it rendered the introduction, both code tables, every operation and every webhook.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from citcall_contract import spec
from citcall_contract.publishing.code_samples import LANGUAGES, x_code_samples
from citcall_contract.publishing.reference_docs import (
    CONTENT_SECURITY_POLICY,
    DIAL_CODE_HEADING,
    RC_HEADING,
    code_tables_markdown,
    docs_input,
    external_resources,
)
from citcall_contract.spec import codes
from tests import REPO

from .driver import Browser, is_off_the_machine

pytestmark = pytest.mark.browser

ARTIFACTS = REPO / "artifacts" / "docs"
SPEC = spec.load_spec()


def slug(text: str) -> str:
    """Redoc's route segment for a tag name."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


@dataclass(frozen=True)
class Rendered:
    """What Chromium showed for one route of the page, and what the page asked the network for."""

    text: str
    page_requests: list[str]


def visible_text(dom: str) -> str:
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", dom, flags=re.S | re.I)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


#: Redoc is ready once its search box no longer says "Loading..." and `arguments[0]`, the
#: route's heading, is on the page (with a badge, such as "Deprecated", after it or not).
SHOWS = """
  var search = document.querySelector('[data-testid="search-trigger"]');
  var heading = arguments[0];
  return document.readyState === 'complete' && search && !/Loading/.test(search.textContent)
    && Array.from(document.querySelectorAll('h1, h2')).some(function (h) {
      return h.textContent.trim().startsWith(heading); });
"""


def show(browser: Browser, url: str, heading: str, size: tuple[int, int] = (1400, 1000)) -> None:
    """Show `url` in a viewport of `size` and wait for Redoc to show `heading`.

    A route of the page already loaded, at the same size, is reached as a reader's click
    in Redoc's menu reaches it: by its hash. Anything else is a new page load.
    """
    page, _, route = url.partition("#")
    same_page = browser.driver.current_url.partition("#")[0] == page and route
    if same_page and browser.size == size:
        browser.js("location.hash = arguments[0];", route)
    else:
        browser.resize(*size)
        browser.open(url)
    browser.wait(f"{heading!r} at {url}", lambda: browser.js(SHOWS, heading))


def render(
    browser: Browser, url: str, heading: str, screenshot: tuple[Path, int] | None = None
) -> Rendered:
    """The text of `url` once it shows `heading`; with `screenshot` (file, height), a PNG."""
    browser.requests()
    show(browser, url, heading)
    text = visible_text(browser.driver.page_source)
    if screenshot is not None:
        shot, height = screenshot
        show(browser, url, heading, (1400, height))
        browser.shot(shot)
    return Rendered(text, browser.requests())


def operation_routes() -> dict[str, str]:
    """operationId -> Redoc route, for every operation of `paths`."""
    return {
        op_id: f"#/{slug(op.definition['tags'][0])}/{op_id.lower()}"
        for op_id, op in spec.operations().items()
    }


def webhook_routes() -> dict[str, str]:
    return {name: f"#/webhooks/{name.lower()}" for name in SPEC["webhooks"]}


@pytest.fixture(scope="session")
def docs_page(site: Path) -> Path:
    """The reference page of the site `citcall-contract docs` built (conftest.py)."""
    return site / "reference" / "api.html"


def headings() -> dict[str, str]:
    """Route -> the heading Redoc shows for it: the overview, every operation and webhook."""
    found = {"": RC_HEADING}
    for op_id, route in operation_routes().items():
        found[route] = spec.operation(op_id).definition["summary"]
    for name, route in webhook_routes().items():
        found[route] = spec.resolve(SPEC["webhooks"][name])["post"]["summary"]
    return found


@pytest.fixture(scope="session")
def rendered(served: str, browser: Browser) -> dict[str, Rendered]:
    """Every route rendered once, with two screenshots kept.

    The overview is shot in a viewport tall enough to hold the introduction and both code
    tables; the first operation in a normal one.
    """
    shots = {
        "": (ARTIFACTS / "overview.png", 9000),
        operation_routes()["asyncMiscall"]: (ARTIFACTS / "operation-asyncMiscall.png", 1000),
    }
    page = served + "reference/api.html"
    return {
        route: render(browser, page + route, heading, shots.get(route))
        for route, heading in headings().items()
    }


def schema_of(media: Any) -> Any:
    return spec.resolve(media["schema"])


def assert_first_example_shown(media: Any, text: str, *, in_sample: bool = False) -> None:
    """Redoc shows the first named example: its fields, and its summary when there is a menu.

    With `in_sample` (a request with `x-codeSamples`), the example is shown as the first
    sample, whose `curl -d` carries the body on one line.
    """
    examples = [spec.resolve(example) for example in media["examples"].values()]
    if len(examples) > 1:
        assert examples[0]["summary"] in text
    if in_sample:
        assert json.dumps(examples[0]["value"]) in text
        return
    for key, value in examples[0]["value"].items():
        assert f'"{key}" : {json.dumps(value)}' in text, (key, value)


def iter_text_fragments(markdown: str) -> Iterator[str]:
    """Plain-text runs of a Markdown paragraph, as Redoc shows them (code marks dropped)."""
    for part in re.split(r"`[^`]*`|\*\*|\n", markdown):
        part = part.strip(" .,:;()")
        if len(part) > 12:
            yield re.sub(r"\s+", " ", part)


# --- the file itself ---------------------------------------------------------------------


def test_page_is_one_file_that_loads_nothing_from_elsewhere(docs_page: Path) -> None:
    source = docs_page.read_text(encoding="utf-8")
    assert external_resources(source) == []
    assert f'content="{CONTENT_SECURITY_POLICY}"' in source
    assert "default-src 'none'" in CONTENT_SECURITY_POLICY


def test_resource_check_catches_what_a_cdn_build_would_load() -> None:
    """The check is not vacuous: each way a page pulls a remote file is reported."""
    page = """<html><head>
      <link rel="stylesheet" href="https://fonts.example/a.css">
      <link rel="modulepreload" href="//cdn.example/redoc.js">
      <link rel="canonical" href="https://example.com/docs">
      <style>@font-face { src: url("https://fonts.example/x.woff2") }
        .i { background: url(data:image/png;base64,AA) }</style>
      <script type="module">import { hydrate } from "https://cdn.example/b.js";</script>
      </head><body><img src="https://img.example/logo.svg"><a href="https://example.com">x</a>
      <div style="background-image:url('http://img.example/bg.png')"></div></body></html>"""
    assert external_resources(page) == [
        "//cdn.example/redoc.js",
        "http://img.example/bg.png",
        "https://cdn.example/b.js",
        "https://fonts.example/a.css",
        "https://fonts.example/x.woff2",
        "https://img.example/logo.svg",
    ]


def test_page_embeds_every_named_example(docs_page: Path) -> None:
    """Redoc shows one example at a time; all of them are in the page for its menus."""
    source = docs_page.read_text(encoding="utf-8")
    for location, _, value in spec.iter_named_examples():
        embedded = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
        assert embedded.replace("<", "\\u003c") in source, location


def test_docs_input_only_adds_tables_samples_and_inlines_callbacks() -> None:
    document = docs_input()
    assert document["info"]["description"].startswith(SPEC["info"]["description"].rstrip())
    assert document["info"]["description"].endswith(code_tables_markdown())
    assert document["paths"].keys() == SPEC["paths"].keys()
    assert document["components"] == SPEC["components"]
    assert document["webhooks"] == SPEC["webhooks"]
    for op_id, op in spec.operations().items():
        built = document["paths"][op.path][op.method]
        for name, callback in op.definition.get("callbacks", {}).items():
            for expression, path_item in callback.items():
                assert built["callbacks"][name][expression] == spec.resolve(path_item), op_id
        assert built["x-codeSamples"] == x_code_samples(op_id)
        added = {"callbacks", "x-codeSamples"}
        assert {k: v for k, v in built.items() if k not in added} == {
            k: v for k, v in op.definition.items() if k != "callbacks"
        }


# --- what Chromium shows, offline --------------------------------------------------------


def test_no_route_asks_the_network_for_anything(served: str, rendered: dict[str, Rendered]) -> None:
    """The page is one file: nothing is loaded but the page itself, on loopback."""
    page = served + "reference/api.html"
    for route, shown in rendered.items():
        loaded = [url for url in shown.page_requests if not url.startswith("data:")]
        assert set(loaded) <= {page}, route or "overview"
    assert page in rendered[""].page_requests


def test_without_the_policy_the_page_would_fetch_and_the_log_sees_it(
    docs_page: Path, tmp_path: Path, browser: Browser
) -> None:
    """Why the policy is there, and proof that the request log is not vacuous."""
    source = docs_page.read_text(encoding="utf-8")
    policy = f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">'
    assert policy in source
    unprotected = tmp_path / "index.html"
    unprotected.write_text(source.replace(policy, ""), encoding="utf-8")
    requested = render(browser, unprotected.as_uri(), RC_HEADING).page_requests
    outside = [url for url in requested if is_off_the_machine(url)]
    assert outside, "Redoc's footer logo is an image on a CDN; the log should show it"
    assert all(url.startswith("https://") for url in outside)


def test_introduction_has_auth_and_ip_whitelisting(rendered: dict[str, Rendered]) -> None:
    text = rendered[""].text
    description = SPEC["info"]["description"]
    for heading in ("Authentication", "IP whitelisting"):
        section = description.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
        assert heading in text
        fragments = [f for f in iter_text_fragments(section) if "|" not in f]
        assert fragments, heading
        for fragment in fragments:
            assert fragment in text, (heading, fragment)
    for scheme in SPEC["components"]["securitySchemes"]:
        assert scheme in text


def test_rc_table_renders_every_code_with_its_description(rendered: dict[str, Rendered]) -> None:
    text = rendered[""].text
    assert RC_HEADING in text
    for info in codes.response_codes().values():
        assert f"{info.rc} {info.name} {info.description} {info.category}" in text, info


def test_dial_code_table_renders_every_code_with_its_description(
    rendered: dict[str, Rendered],
) -> None:
    text = rendered[""].text
    assert DIAL_CODE_HEADING in text
    for info in codes.dial_codes().values():
        delivered = "yes" if info.delivered else "no"
        cells = (info.code, info.name, info.description, info.code_class, info.class_name)
        assert " ".join(map(str, cells)) + f" {delivered}" in text, info


@pytest.mark.parametrize("operation_id", sorted(spec.operations()))
def test_operation_renders_with_schemas_examples_and_callbacks(
    rendered: dict[str, Rendered], operation_id: str
) -> None:
    op = spec.operation(operation_id)
    page = rendered[operation_routes()[operation_id]]
    assert op.definition["summary"] in page.text
    assert op.path in page.text
    request = op.request_media()
    for name in schema_of(request)["properties"]:
        assert name in page.text, f"request field {name}"
    assert_first_example_shown(request, page.text, in_sample=True)
    response = op.response_media()
    for name in schema_of(response)["properties"]:
        assert name in page.text, f"response field {name}"
    assert_first_example_shown(response, page.text)
    for callback in op.definition.get("callbacks", {}).values():
        assert "Callbacks" in page.text
        for path_item in callback.values():
            assert spec.resolve(path_item)["post"]["summary"] in page.text


@pytest.mark.parametrize("webhook", sorted(SPEC["webhooks"]))
def test_webhook_renders_with_its_payload(rendered: dict[str, Rendered], webhook: str) -> None:
    item = spec.resolve(SPEC["webhooks"][webhook])
    page = rendered[webhook_routes()[webhook]]
    assert item["post"]["summary"] in page.text
    payload = spec.resolve(item["post"]["requestBody"])["content"]["application/json"]
    for name in schema_of(payload)["properties"]:
        assert name in page.text, f"payload field {name}"
    assert_first_example_shown(payload, page.text)


def test_screenshots_are_kept_as_artifacts(rendered: dict[str, Rendered]) -> None:
    for name in ("overview.png", "operation-asyncMiscall.png"):
        shot = ARTIFACTS / name
        assert shot.is_file()
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert shot.stat().st_size > 20_000, "a blank page compresses to almost nothing"


@pytest.mark.parametrize("operation_id", sorted(spec.operations()))
def test_operation_shows_its_code_samples(
    docs_page: Path, rendered: dict[str, Rendered], operation_id: str
) -> None:
    """Redoc shows the first sample (curl) and lists the others in its language menu."""
    page = rendered[operation_routes()[operation_id]]
    samples = x_code_samples(operation_id)
    assert [sample["label"] for sample in samples] == [language.label for language in LANGUAGES]
    assert samples[0]["label"] in page.text
    for line in samples[0]["source"].splitlines():
        assert re.sub(r"\s+", " ", line.rstrip(" \\")).strip() in page.text, line
    source = docs_page.read_text(encoding="utf-8")
    for sample in samples:
        embedded = json.dumps(sample["source"], ensure_ascii=False).replace("<", "\\u003c")
        assert embedded in source, sample["label"]


# --- layout on laptop screens --------------------------------------------------------------

#: What the layout looks like once Redoc has rendered. Widths are CSS pixels.
MEASURE = """
  function lines(cell) {
    // An inline element has one client rect per line it spans.
    var code = cell.querySelector('code');
    if (code) return code.getClientRects().length;
    var range = document.createRange();
    range.selectNodeContents(cell);
    var tops = [];
    for (var rect of range.getClientRects()) {
      if (rect.width > 0 && !tops.some(function (t) { return Math.abs(t - rect.top) < 4; })) {
        tops.push(rect.top);
      }
    }
    return tops.length;
  }
  function panelOf(element) {
    var middle = element && element.closest('[data-testid="middle-panel"]');
    if (!middle) return null;
    return {
      middle: middle.getBoundingClientRect().width,
      content: middle.clientWidth - parseFloat(getComputedStyle(middle).paddingLeft)
        - parseFloat(getComputedStyle(middle).paddingRight)
    };
  }
  function measure() {
    var out = {window: innerWidth, tables: [], headings: [], samples: 0};
    for (var right of document.querySelectorAll('[data-testid="right-panel"]')) {
      out.samples = Math.max(out.samples, right.getBoundingClientRect().width);
    }
    for (var table of document.querySelectorAll('.md-table-wrapper table')) {
      var wrapper = table.parentElement;
      out.tables.push({
        first_header: (table.querySelector('th') || {}).textContent || '',
        panel: panelOf(table),
        overflow: table.scrollWidth - wrapper.clientWidth,
        first_cells: Array.from(table.querySelectorAll('tbody tr td:first-child'))
          .map(function (td) { return [td.textContent.trim(), lines(td)]; }),
        second_cells: Array.from(table.querySelectorAll('tbody tr td:nth-child(2)'))
          .map(function (td) { return [td.textContent.trim(), lines(td)]; })
      });
    }
    for (var heading of document.querySelectorAll('h1, h2')) {
      out.headings.push({text: heading.textContent.trim(), panel: panelOf(heading)});
    }
    return out;
  }
  return measure();
"""

#: The laptop widths the page must read well at, and the least middle column for each
#: (Redoc's defaults leave about 400 and 480 px, the code tables wrapping).
LAPTOP_WIDTHS = {1280: 500, 1440: 580}
#: The samples panel must still hold a line of code.
MIN_SAMPLES_WIDTH = 360


def measure_layout(
    browser: Browser, url: str, heading: str, size: tuple[int, int], shot: Path
) -> dict[str, Any]:
    """Redoc's layout of `url` in a viewport of `size`, shot to `shot`."""
    show(browser, url, heading, size)
    browser.shot(shot)
    measured: dict[str, Any] = browser.js(MEASURE)
    return measured


@pytest.fixture(scope="session")
def layouts(served: str, browser: Browser) -> dict[tuple[int, str], dict[str, Any]]:
    """The introduction and one operation at each laptop width, measured and shot.

    The introduction's viewport is tall enough to show both code tables.
    """
    page = served + "reference/api.html"
    summary = spec.operation("asyncMiscall").definition["summary"]
    routes = {
        "codes": ("", RC_HEADING, 7000),
        "asyncMiscall": (operation_routes()["asyncMiscall"], summary, 1000),
    }
    found = {}
    for width in LAPTOP_WIDTHS:
        for name, (route, heading, height) in routes.items():
            shot = ARTIFACTS / f"layout-{width}-{name}.png"
            found[width, name] = measure_layout(
                browser, page + route, heading, (width, height), shot
            )
    return found


def rc_table(layout: dict[str, Any]) -> dict[str, Any]:
    [table] = [t for t in layout["tables"] if t["first_header"] == "rc"]
    return table


@pytest.mark.parametrize("width", sorted(LAPTOP_WIDTHS))
def test_code_tables_have_a_wide_column_and_rc_cells_on_one_line(
    layouts: dict[tuple[int, str], dict[str, Any]], width: int
) -> None:
    layout = layouts[width, "codes"]
    assert layout["window"] == width
    table = rc_table(layout)
    assert table["panel"]["content"] >= LAPTOP_WIDTHS[width], table["panel"]
    assert [cell for cell, _ in table["first_cells"]] == [
        str(info.rc) for info in codes.response_codes().values()
    ]
    wrapped = [cell for cell, lines in table["first_cells"] + table["second_cells"] if lines != 1]
    assert wrapped == [], f"rc cells or names on more than one line at {width} px"
    assert table["overflow"] <= 0, "the rc table scrolls sideways"
    [dial] = [t for t in layout["tables"] if t["first_header"] == "Code"]
    assert [cell for cell, lines in dial["first_cells"] + dial["second_cells"] if lines != 1] == []
    assert dial["overflow"] <= 0, "the dial-code table scrolls sideways"


@pytest.mark.parametrize("width", sorted(LAPTOP_WIDTHS))
def test_operation_has_a_wide_middle_column_and_room_for_samples(
    layouts: dict[tuple[int, str], dict[str, Any]], width: int
) -> None:
    layout = layouts[width, "asyncMiscall"]
    summary = spec.operation("asyncMiscall").definition["summary"]
    [panel] = [h["panel"] for h in layout["headings"] if h["text"] == summary]
    assert panel["content"] >= LAPTOP_WIDTHS[width], panel
    assert layout["samples"] >= MIN_SAMPLES_WIDTH, layout["samples"]


def test_layout_screenshots_are_kept(layouts: dict[tuple[int, str], dict[str, Any]]) -> None:
    for width, name in layouts:
        shot = ARTIFACTS / f"layout-{width}-{name}.png"
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert shot.stat().st_size > 20_000, shot
