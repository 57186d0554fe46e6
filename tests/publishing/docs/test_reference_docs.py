"""`citcall-contract docs` writes a page that renders fully in Chromium with the network off.

The page is built once per session. Chromium runs headless with every network path
closed (a dead proxy, a resolver that resolves nothing, background services off) and
records a net-log, so a test can prove that the page asked for nothing off the machine
while it rendered the introduction, both code tables, every operation and every webhook.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
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

pytestmark = pytest.mark.browser

ARTIFACTS = REPO / "artifacts" / "docs"
SPEC = spec.load_spec()

#: Chromium with no way out: nothing resolves, every connection goes to a closed port.
OFFLINE_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-domain-reliability",
    "--no-pings",
    "--proxy-server=127.0.0.1:9",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--virtual-time-budget=15000",
]


def chromium() -> str:
    """The Chromium binary, or a failure under CI / a skip elsewhere."""
    found = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")
    if found:
        return found
    reason = "chromium is not installed (Debian package `chromium`, installed by .ci/run)"
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def slug(text: str) -> str:
    """Redoc's route segment for a tag name."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


@dataclass(frozen=True)
class Rendered:
    """What Chromium showed for one route of the page, and what the page asked the network for."""

    route: str
    text: str
    dom: str
    page_requests: list[str]


def page_requests(net_log: Path) -> list[str]:
    """URLs of requests the page itself started (Chromium's own services have no origin)."""
    log = json.loads(net_log.read_text(encoding="utf-8"))
    start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    urls = []
    for event in log["events"]:
        params = event.get("params", {})
        if event["type"] != start_job or "url" not in params:
            continue
        if params.get("initiator") != "not an origin":
            urls.append(params["url"])
    return urls


def visible_text(dom: str) -> str:
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", dom, flags=re.S | re.I)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


def render(
    binary: str, page: Path, route: str, screenshot: tuple[Path, int] | None = None
) -> Rendered:
    """Dump the DOM of `page` + `route`; with `screenshot` (file, window height), save a PNG."""
    with tempfile.TemporaryDirectory(prefix="citcall-chromium-", ignore_cleanup_errors=True) as tmp:
        command = [binary, *OFFLINE_FLAGS, f"--user-data-dir={tmp}/profile"]
        url = page.as_uri() + route
        dump = [f"--log-net-log={tmp}/dom.json", "--window-size=1400,1000", "--dump-dom", url]
        dom = subprocess.run(
            [*command, *dump],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        ).stdout
        requested = page_requests(Path(tmp) / "dom.json")
        if screenshot is not None:
            shot, height = screenshot
            shot.parent.mkdir(parents=True, exist_ok=True)
            flags = [f"--log-net-log={tmp}/shot.json", f"--window-size=1400,{height}"]
            subprocess.run(
                [*command, *flags, "--hide-scrollbars", f"--screenshot={shot}", url],
                capture_output=True,
                timeout=120,
                check=True,
            )
            requested += page_requests(Path(tmp) / "shot.json")
        return Rendered(route, visible_text(dom), dom, requested)


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


@pytest.fixture(scope="session")
def rendered(docs_page: Path) -> dict[str, Rendered]:
    """Every route rendered once, two Chromiums at a time, with two screenshots kept.

    The overview is shot in a window tall enough to hold the introduction and both code
    tables; the first operation in a normal window.
    """
    binary = chromium()
    routes = ["", *operation_routes().values(), *webhook_routes().values()]
    shots = {
        "": (ARTIFACTS / "overview.png", 9000),
        operation_routes()["asyncMiscall"]: (ARTIFACTS / "operation-asyncMiscall.png", 1000),
    }
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = pool.map(lambda r: render(binary, docs_page, r, shots.get(r)), routes)
        return {result.route: result for result in results}


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


def test_no_route_asks_the_network_for_anything(rendered: dict[str, Rendered]) -> None:
    for route, page in rendered.items():
        assert page.page_requests == [], route or "overview"


def test_without_the_policy_the_page_would_fetch_and_the_net_log_sees_it(
    docs_page: Path, tmp_path: Path
) -> None:
    """Why the policy is there, and proof that the net-log check is not vacuous."""
    source = docs_page.read_text(encoding="utf-8")
    policy = f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">'
    assert policy in source
    unprotected = tmp_path / "index.html"
    unprotected.write_text(source.replace(policy, ""), encoding="utf-8")
    requested = render(chromium(), unprotected, "").page_requests
    assert requested, "Redoc's footer logo is an image on a CDN; the net-log should show it"
    assert all(url.startswith("https://") for url in requested)


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

#: Injected into a copy of the page: once Redoc has rendered, write what the layout looks
#: like into the DOM, where `--dump-dom` reads it. Widths are CSS pixels.
LAYOUT_PROBE = """<script>
(function () {
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
    var pre = document.createElement('pre');
    pre.id = 'citcall-layout';
    pre.textContent = JSON.stringify(out);
    document.body.appendChild(pre);
  }
  setTimeout(measure, 4000);
})();
</script>"""

#: The laptop widths the page must read well at, and the least middle column for each
#: (Redoc's defaults leave about 400 and 480 px, the code tables wrapping).
LAPTOP_WIDTHS = {1280: 500, 1440: 580}
#: The samples panel must still hold a line of code.
MIN_SAMPLES_WIDTH = 360


def measure_layout(
    binary: str, page: Path, route: str, size: tuple[int, int], shot: Path
) -> dict[str, Any]:
    """Redoc's layout of `route` in a window of `size` (from the probe), shot to `shot`."""
    source = page.read_text(encoding="utf-8")
    end = source.rindex("</body>")
    shot.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="citcall-chromium-", ignore_cleanup_errors=True) as tmp:
        probed = Path(tmp) / "index.html"
        probed.write_text(source[:end] + LAYOUT_PROBE + source[end:], encoding="utf-8")
        command = [binary, *OFFLINE_FLAGS, f"--user-data-dir={tmp}/profile"]
        window = f"--window-size={size[0]},{size[1]}"
        dom = subprocess.run(
            [*command, window, "--dump-dom", probed.as_uri() + route],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        ).stdout
        screenshot = [window, "--hide-scrollbars", f"--screenshot={shot}", page.as_uri() + route]
        subprocess.run([*command, *screenshot], capture_output=True, timeout=120, check=True)
    found = re.search(r'<pre id="citcall-layout">(.*?)</pre>', dom, re.S)
    assert found, "the layout probe did not run"
    measured: dict[str, Any] = json.loads(html.unescape(found.group(1)))
    return measured


@pytest.fixture(scope="session")
def layouts(docs_page: Path) -> dict[tuple[int, str], dict[str, Any]]:
    """The introduction and one operation at each laptop width, measured and shot.

    The introduction's window is tall enough to show both code tables (a screenshot of a
    scrolled route comes out blank in headless Chromium).
    """
    binary = chromium()
    routes = {"codes": ("", 7000), "asyncMiscall": (operation_routes()["asyncMiscall"], 1000)}
    cases = [(width, name, *routes[name]) for width in LAPTOP_WIDTHS for name in routes]

    def one(case: tuple[int, str, str, int]) -> tuple[tuple[int, str], dict[str, Any]]:
        width, name, route, height = case
        shot = ARTIFACTS / f"layout-{width}-{name}.png"
        return (width, name), measure_layout(binary, docs_page, route, (width, height), shot)

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(pool.map(one, cases))


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
