"""The documentation site in headless Chromium: every page, two widths, navigation, search.

The site (built once by `citcall-contract docs`, conftest.py) is served on a loopback
port, as a static host would serve it. Chromium runs with every other network path closed
and records a net-log. A probe script, added to a page as it is served (`?probe=KIND`),
writes what the page looks like into the DOM, where `--dump-dom` reads it; the same run
keeps a screenshot under `artifacts/docs/`.
"""

from __future__ import annotations

import functools
import html
import json
import re
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from citcall_contract.publishing.site import external_urls

from .test_reference_docs import ARTIFACTS, OFFLINE_FLAGS, chromium, page_requests

pytestmark = pytest.mark.browser

#: A laptop and a phone.
WIDTHS = (1366, 390)
#: Chromium may reach the site's server on loopback and nothing else.
FLAGS = [
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"
    if flag.startswith("--host-resolver-rules")
    else flag
    for flag in OFFLINE_FLAGS
]

_REPORT = """
  function report(data) {
    var pre = document.createElement('pre');
    pre.id = 'citcall-probe';
    pre.textContent = JSON.stringify(data);
    document.body.appendChild(pre);
  }
"""
PROBES = {
    # Page width against the window, the heading, and where the navigation leads.
    "layout": _REPORT
    + """
  setTimeout(function () {
    var root = document.documentElement;
    var wide = [];
    for (var el of document.body.querySelectorAll('*')) {
      var box = el.getBoundingClientRect();
      var skip = '.md-sidebar, .md-search, [hidden]';
      var scrolls = 'pre, table, .md-typeset__scrollwrap, .highlight, code';
      if (box.width > 0 && box.right > innerWidth + 1 && !el.closest(skip)
          && getComputedStyle(el).position !== 'fixed') {
        var scroller = el.parentElement && el.parentElement.closest(scrolls);
        if (!scroller) wide.push(el.tagName + '.' + el.className.toString().slice(0, 40));
      }
    }
    report({
      window: innerWidth,
      overflow: root.scrollWidth - root.clientWidth,
      wide: wide.slice(0, 5),
      title: document.title,
      h1: (document.querySelector('h1') || {textContent: ''}).textContent.trim(),
      nav: Array.from(document.querySelectorAll('nav.md-nav--primary a.md-nav__link[href]'))
        .map(function (a) { return a.href; })
    });
  }, 1500);
""",
    # Where a deep link into the reference put its operation.
    "deeplink": _REPORT
    + """
  setTimeout(function () {
    var heading = Array.from(document.querySelectorAll('h1, h2'))
      .filter(function (h) { return h.textContent.trim() === decodeURIComponent(
        new URLSearchParams(location.search).get('heading')); })[0];
    var frame = document.getElementById('citcall-reference');
    var bar = document.getElementById('citcall-site-bar');
    report({
      window_scroll: document.scrollingElement.scrollTop,
      frame_scroll: frame ? frame.scrollTop : null,
      bar_bottom: bar ? bar.getBoundingClientRect().bottom : null,
      heading_top: heading ? heading.getBoundingClientRect().top : null,
      overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth
    });
  }, 5000);
""",
}


#: Headless Chromium's narrowest window; a phone's width is a frame of that width inside it.
MIN_WINDOW = 500
#: `/__frame.html?width=W&src=URL`: URL in a frame W px wide; the frame's probe report is
#: copied into this page, whose DOM Chromium dumps.
FRAME_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"></head>
<body style="margin:0"><iframe id="frame" src="{src}"
  style="width:{width}px;height:{height}px;border:0;display:block"></iframe>
<script>
  var timer = setInterval(function () {{
    var inner = document.getElementById('frame').contentDocument;
    var found = inner && inner.getElementById('citcall-probe');
    if (!found) return;
    clearInterval(timer);
    var copy = document.createElement('pre');
    copy.id = 'citcall-probe';
    copy.textContent = found.textContent;
    document.body.appendChild(copy);
  }}, 200);
</script></body></html>"""


class _Handler(SimpleHTTPRequestHandler):
    """Serves the site; `?probe=KIND` adds that probe to an HTML page."""

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        if url.path == "/__frame.html":
            page = FRAME_PAGE.format(
                src=html.escape(query["src"][0]), width=int(query["width"][0]), height=900
            )
            self._send(page.encode())
            return
        kind = query.get("probe", [""])[0]
        path = Path(self.translate_path(url.path))
        if kind not in PROBES or path.suffix != ".html" or not path.is_file():
            super().do_GET()
            return
        source = path.read_text(encoding="utf-8")
        end = source.rindex("</body>")
        self._send((source[:end] + f"<script>{PROBES[kind]}</script>" + source[end:]).encode())

    def _send(self, body: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def served(site: Path) -> Iterator[str]:
    handler = functools.partial(_Handler, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def pages_of(site: Path) -> list[str]:
    return sorted(str(p.relative_to(site)) for p in site.rglob("*.html") if p.name != "404.html")


def visit(
    url: str, width: int, shot: Path | None = None, height: int = 900
) -> tuple[str, list[str]]:
    """The DOM Chromium ends with after loading `url`, and the page's own requests.

    Below Chromium's narrowest window the page is shown in a frame `width` px wide.
    """
    if width < MIN_WINDOW:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}/"
        url = f"{origin}__frame.html?width={width}&src={quote(url, safe='')}"
        width = MIN_WINDOW
    with tempfile.TemporaryDirectory(prefix="citcall-chromium-", ignore_cleanup_errors=True) as tmp:
        command = [
            chromium(),
            *FLAGS,
            f"--user-data-dir={tmp}/profile",
            f"--log-net-log={tmp}/net.json",
            f"--window-size={width},{height}",
        ]
        if shot is not None:
            shot.parent.mkdir(parents=True, exist_ok=True)
            command += ["--hide-scrollbars", f"--screenshot={shot}"]
        dom = subprocess.run(
            [*command, "--dump-dom", url], capture_output=True, text=True, timeout=120, check=True
        ).stdout
        return dom, page_requests(Path(tmp) / "net.json")


def probe_result(dom: str) -> dict[str, Any]:
    found = re.search(r'<pre id="citcall-probe">(.*?)</pre>', dom, re.S)
    assert found, "the probe did not report"
    result: dict[str, Any] = json.loads(html.unescape(found.group(1)))
    return result


def shot_name(page: str, width: int) -> Path:
    return ARTIFACTS / f"site-{page.removesuffix('.html').replace('/', '-')}-{width}.png"


@pytest.fixture(scope="module")
def layouts(site: Path, served: str) -> dict[tuple[str, int], tuple[dict[str, Any], list[str]]]:
    """Every page at every width: the probe's report and the requests, shot as it goes."""
    cases = [(page, width) for page in pages_of(site) for width in WIDTHS]

    def one(case: tuple[str, int]) -> tuple[tuple[str, int], tuple[dict[str, Any], list[str]]]:
        page, width = case
        dom, requests = visit(f"{served}{page}?probe=layout", width, shot_name(page, width))
        return case, (probe_result(dom), requests)

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(pool.map(one, cases))


def test_the_site_has_its_pages_a_search_index_and_the_reference(site: Path) -> None:
    pages = pages_of(site)
    assert len(pages) >= 10
    assert {
        "index.html",
        "reference/api.html",
        "reference/cli.html",
        "reference/codes.html",
    } <= set(pages)
    assert (site / "search" / "search_index.json").is_file()
    assert 'id="citcall-reference"' in (site / "reference" / "api.html").read_text("utf-8")


def test_no_file_of_the_site_loads_an_external_url(site: Path) -> None:
    assert external_urls(site) == {}


def test_the_external_url_scan_is_not_vacuous(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text('<script src="https://unpkg.com/iframe-worker/shim"></script>')
    (tmp_path / "b.css").write_text(
        '@import url("https://fonts.googleapis.com/css?family=Roboto");'
    )
    (tmp_path / "c.js").write_text(
        'var s = document.createElement("script"); s.src = "https://cdn.example/x.js";'
    )
    (tmp_path / "d.html").write_text('<a href="https://www.citcall.com">a link is not a load</a>')
    assert set(external_urls(tmp_path)) == {"a.html", "b.css", "c.js"}


def test_every_page_fits_the_window_at_each_width(layouts) -> None:
    for (page, width), (layout, _) in layouts.items():
        assert layout["window"] == width, (page, width)  # a phone: the frame's width
        assert layout["overflow"] <= 0, (page, width, layout["wide"])
        assert layout["title"], page


def test_no_page_asks_the_network_for_anything_off_the_machine(layouts) -> None:
    for (page, width), (_, requests) in layouts.items():
        outside = [url for url in requests if not url.startswith("http://127.0.0.1:")]
        assert outside == [], (page, width)


def test_the_navigation_reaches_every_page(site: Path, served: str, layouts) -> None:
    layout, _ = layouts["index.html", 1366]
    reached = {url.removeprefix(served).split("#")[0] for url in layout["nav"]}
    assert set(pages_of(site)) <= reached | {"index.html"}


@pytest.mark.parametrize(
    ("query", "page"),
    [("fake clock", "guides/testing.html"), ("expired_grace", "guides/sandbox.html")],
)
def test_the_search_index_holds_every_page_by_its_words(site: Path, query: str, page: str) -> None:
    """Material's search reads this index (its worker cannot run under Chromium's virtual time)."""
    index = json.loads((site / "search" / "search_index.json").read_text("utf-8"))
    locations = {doc["location"].split("#")[0] for doc in index["docs"]}
    assert set(pages_of(site)) - {"reference/api.html"} <= locations | {"index.html", ""}
    hits = {
        doc["location"].split("#")[0]
        for doc in index["docs"]
        if query.lower() in (doc["title"] + " " + doc["text"]).lower()
    }
    assert page in hits, sorted(hits)


@pytest.mark.parametrize(
    ("route", "width"),
    [("#/sms/sendsms", 1366), ("#/sms/sendsms", 390), ("#operation/sendSms", 1366)],
)
def test_a_deep_link_shows_its_operation_at_the_top(served: str, route: str, width: int) -> None:
    """The page scrolls in its frame: the operation sits right under the bar, no blank band."""
    name = re.sub(r"\W+", "-", route).strip("-")
    url = f"{served}reference/api.html?probe=deeplink&heading=Send%20an%20SMS{route}"
    dom, _ = visit(url, width, ARTIFACTS / f"deeplink-{name}-{width}.png")
    where = probe_result(dom)
    assert where["window_scroll"] == 0
    assert where["frame_scroll"] > 0, "the frame scrolled to the operation"
    assert where["heading_top"] is not None
    assert where["bar_bottom"] <= where["heading_top"] <= where["bar_bottom"] + 120, where
    assert where["overflow"] <= 0


def test_screenshots_are_kept(layouts) -> None:
    for page, width in layouts:
        shot = shot_name(page, width)
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", shot
        assert shot.stat().st_size > 10_000, f"{shot} looks blank"
