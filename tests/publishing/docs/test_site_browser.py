"""The documentation site in a driven Chromium: every page, two widths, navigation, search.

The site (built once by `citcall-contract docs`) is served on a loopback port and read by
one Chromium for the whole session (conftest.py, driver.py): pages are loaded, the search
box is typed into, links and the phone's drawer are clicked, as a reader would. Every
request the pages make is logged and must stay on 127.0.0.1. Screenshots are kept under
`artifacts/docs/`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from citcall_contract import spec
from citcall_contract.publishing.site import external_urls
from tests import REPO

from .driver import VIEWPORTS, Browser, is_off_the_machine
from .test_reference_docs import operation_routes

pytestmark = pytest.mark.browser

ARTIFACTS = REPO / "artifacts" / "docs"
#: A laptop and a phone.
WIDTHS = tuple(VIEWPORTS)

#: A page is ready once it has loaded, its fonts are in, and (the API reference) Redoc
#: has taken over the pre-rendered HTML: its search box says "Loading..." until then.
READY = """
  var search = document.querySelector('[data-testid="search-trigger"]');
  return document.readyState === 'complete' && document.fonts.status === 'loaded'
    && !(search && /Loading/.test(search.textContent));
"""

#: The page against the viewport, and (only when it overflows) what sticks out. A phone
#: zooms out to show a page wider than its screen: the viewport then grows past it.
LAYOUT = """
  var limit = Math.min(innerWidth, screen.width), wide = [];
  if (document.scrollingElement.scrollWidth > limit) {
    for (var el of document.body.querySelectorAll('*')) {
      var box = el.getBoundingClientRect();
      if (box.width > 0 && box.right > limit + 1
          && !el.parentElement.closest('pre, table, .md-typeset__scrollwrap, .highlight')) {
        wide.push(el.tagName + '.' + String(el.className).slice(0, 40));
      }
    }
  }
  var h1 = document.querySelector('h1');
  return {
    inner_width: innerWidth,
    scroll_width: document.scrollingElement.scrollWidth,
    title: document.title,
    h1: h1 ? h1.textContent.trim() : '',
    wide: wide.slice(0, 5)
  };
"""


#: The next thing to click on the way to the navigation's link to `arguments[0]` (an
#: absolute URL): the link when it shows; in a phone's drawer, else the "back" title of an
#: open section the link is not in, else the label that opens the next section it is in.
NEXT_NAV_STEP = """
  var target = arguments[0];
  var nav = document.querySelector('nav.md-nav--primary');
  var link = Array.from(nav.querySelectorAll('a.md-nav__link[href]'))
    .filter(function (a) { return a.href === target; })[0];
  if (!link) return null;
  if (onTop(link)) return link;
  var path = [];
  for (var li = link.closest('li.md-nav__item--nested'); li;
       li = li.parentElement.closest('li.md-nav__item--nested')) {
    path.unshift(li.querySelector(':scope > input.md-nav__toggle'));
  }
  var open = Array.from(nav.querySelectorAll('input.md-nav__toggle:checked'))
    .filter(function (t) { return t.id.startsWith('__nav') && path.indexOf(t) < 0; });
  var closed = path.filter(function (t) { return !t.checked; })[0];
  if (open.length) {
    return nav.querySelector('label.md-nav__title[for="' + open[open.length - 1].id + '"]');
  }
  return closed ? nav.querySelector('label.md-nav__link[for="' + closed.id + '"]') : link;
"""


def pages_of(site: Path) -> list[str]:
    return sorted(str(p.relative_to(site)) for p in site.rglob("*.html") if p.name != "404.html")


def shot_name(page: str, width: int) -> Path:
    return ARTIFACTS / f"site-{page.removesuffix('.html').replace('/', '-')}-{width}.png"


def page_of(url: str, served: str) -> str:
    """`guides/testing.html` for any URL of that page on the served site."""
    return urlsplit(url)._replace(query="", fragment="").geturl().removeprefix(served)


def settle(browser: Browser) -> None:
    browser.wait("the page to be ready", lambda: browser.js(READY))
    # The drawer and the search slide in: at ten times the speed (waits are shorter).
    browser.driver.execute_cdp_cmd("Animation.setPlaybackRate", {"playbackRate": 10})


def by_css(selector: str) -> str:
    """A script that finds the first element matching `selector`."""
    return f"return document.querySelector({json.dumps(selector)});"


def leaving(browser: Browser) -> None:
    """Mark the document, so that `landed` can tell the next one from it (even a reload)."""
    browser.js("window.citcallLeft = true;")


def landed(browser: Browser, served: str, page: str) -> None:
    """Wait for a new document, of `page`."""
    browser.wait(f"{page} to load", lambda: browser.js("return !window.citcallLeft;"))
    settle(browser)
    assert page_of(browser.driver.current_url, served) == page


def assert_local(requests: list[str]) -> None:
    outside = [url for url in requests if is_off_the_machine(url)]
    assert outside == []


def assert_fits(layout: dict[str, Any], width: int, where: object) -> None:
    assert layout["inner_width"] == width, (where, "zoomed out to fit", layout["wide"])
    assert layout["scroll_width"] <= layout["inner_width"], (where, layout["wide"])


def walk(browser: Browser, served: str, width: int) -> dict[str, tuple[dict[str, Any], list[str]]]:
    """Click from page to page through the sidebar (a laptop) or the drawer (a phone).

    Each page reached, in order: its layout and the requests it made, shot as it goes.
    """
    browser.resize(width)
    browser.open(served + "index.html")
    settle(browser)
    browser.requests()
    targets = browser.js(
        "return Array.from(document.querySelectorAll('nav.md-nav--primary a.md-nav__link[href]'))"
        ".map(function (a) { return a.href; }).filter(function (h) { return !/#/.test(h); });"
    )
    assert page_of(targets[0], served) == "index.html", targets
    reached = {}
    for target in [*targets[1:], targets[0]]:  # the page shown is never its own target
        page = page_of(target, served)
        leaving(browser)
        if page_of(browser.driver.current_url, served) == "reference/api.html":
            # The reference is Redoc's page: its bar leads back to the site.
            browser.click(by_css("#citcall-site-bar a"), "the bar's link home")
            landed(browser, served, "index.html")
            leaving(browser)
        if VIEWPORTS[width][1]:  # a phone: the navigation is in the drawer
            browser.click(by_css('label.md-header__button[for="__drawer"]'), "the menu button")
        for _ in range(4):
            if browser.click(NEXT_NAV_STEP, f"the way to {page}", target) == "a":
                break
        else:
            pytest.fail(f"four clicks in the navigation did not lead to {page}")
        landed(browser, served, page)
        layout = browser.js(LAYOUT)
        browser.shot(shot_name(page, width))
        reached[page] = (layout, browser.requests())
    return reached


@pytest.fixture(scope="module")
def walks(served: str, browser: Browser) -> dict[int, dict[str, tuple[dict[str, Any], list[str]]]]:
    """The walk through the navigation at each width."""
    return {width: walk(browser, served, width) for width in WIDTHS}


# --- the files -----------------------------------------------------------------------------


def test_the_site_has_its_pages_a_search_index_and_the_reference(site: Path) -> None:
    pages = pages_of(site)
    assert len(pages) >= 10
    assert {
        "index.html",
        "guides/answer-forms.html",
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


def test_the_search_index_holds_every_page(site: Path) -> None:
    index = json.loads((site / "search" / "search_index.json").read_text("utf-8"))
    locations = {doc["location"].split("#")[0] for doc in index["docs"]}
    assert set(pages_of(site)) - {"reference/api.html"} <= locations | {"index.html", ""}


# --- every page, at each width, reached through the navigation ------------------------------


@pytest.mark.parametrize("width", WIDTHS)
def test_clicking_through_the_navigation_reaches_every_page(site: Path, walks, width) -> None:
    assert sorted(walks[width]) == pages_of(site)
    assert list(walks[width])[-1] == "index.html"  # "Home", from the last page


def test_every_page_fits_the_viewport_at_each_width(walks) -> None:
    for width, pages in walks.items():
        for page, (layout, _) in pages.items():
            assert_fits(layout, width, (page, width))
            assert layout["title"], page
            assert layout["h1"], page


def test_no_page_asks_the_network_for_anything_off_the_machine(walks) -> None:
    for width, pages in walks.items():
        for page, (_, requests) in pages.items():
            assert requests, (page, width)  # the log is read: the page itself is a request
            assert [url for url in requests if is_off_the_machine(url)] == [], (page, width)


def test_the_request_log_sees_a_request_off_the_machine(served: str, browser: Browser) -> None:
    """The check is not vacuous. (`.invalid` never resolves, and the proxy is a closed port.)"""
    browser.open(served + "index.html")
    settle(browser)
    browser.requests()
    browser.js("new Image().src = 'http://outside.invalid/pixel.png';")
    seen = browser.wait("the request to be logged", browser.requests)
    assert [url for url in seen if is_off_the_machine(url)] == ["http://outside.invalid/pixel.png"]


def test_screenshots_are_kept(walks) -> None:
    for width, pages in walks.items():
        for page in pages:
            shot = shot_name(page, width)
            assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", shot
            assert shot.stat().st_size > 10_000, f"{shot} looks blank"


# --- search --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "page"),
    [
        ("verify-receiver", "guides/callbacks.html"),
        ("answer forms", "guides/answer-forms.html"),
        ("rc 79", "reference/codes.html"),
    ],
)
@pytest.mark.parametrize("width", WIDTHS)
def test_searching_shows_the_page_and_its_result_leads_there(
    served: str, browser: Browser, width: int, query: str, page: str
) -> None:
    """Material's search, typed into: its results link to the page, and a click goes there."""
    browser.resize(width)
    browser.open(served + "guides/getting-started.html")
    settle(browser)
    browser.requests()
    if VIEWPORTS[width][1]:  # a phone: search is a button of the header
        browser.click(by_css('label.md-header__button[for="__search"]'), "the search button")
    browser.click(by_css("input.md-search__input"), "the search box")
    browser.driver.switch_to.active_element.send_keys(query)
    result = """
      var page = arguments[0];
      return Array.from(document.querySelectorAll('li.md-search-result__item > a'))
        .filter(function (a) { return a.pathname.endsWith('/' + page); })[0];
    """
    browser.wait(f"a result for {query!r} on {page}", lambda: browser.js(result, page))
    slug = re.sub(r"\W+", "-", query)
    browser.shot(ARTIFACTS / f"search-{slug}-{width}.png")
    leaving(browser)
    browser.click(result, f"the result on {page}", page)
    landed(browser, served, page)
    assert_fits(browser.js(LAYOUT), width, page)
    assert_local(browser.requests())


# --- the API reference ---------------------------------------------------------------------


#: The two forms of a deep link to an operation: Redoc's own, and the older one.
DEEP_LINKS = [operation_routes()["sendSms"], "#operation/sendSms"]


#: Where the operation's heading is, in the page's frame under the bar.
WHERE = """
  var name = arguments[0];
  var heading = Array.from(document.querySelectorAll('h1, h2'))
    .filter(function (h) { return h.textContent.trim() === name; })[0];
  var frame = document.getElementById('citcall-reference');
  var bar = document.getElementById('citcall-site-bar');
  return {
    window_scroll: document.scrollingElement.scrollTop,
    frame_scroll: frame.scrollTop,
    bar_bottom: bar.getBoundingClientRect().bottom,
    heading_top: heading ? Math.round(heading.getBoundingClientRect().top) : null
  };
"""


@pytest.mark.parametrize("route", DEEP_LINKS)
@pytest.mark.parametrize("width", WIDTHS)
def test_a_deep_link_shows_its_operation_at_the_top(
    served: str, browser: Browser, width: int, route: str
) -> None:
    """The page scrolls in its frame: the operation sits right under the bar, no blank band."""
    summary = spec.operation("sendSms").definition["summary"]
    browser.resize(width)
    browser.requests()
    browser.open(f"{served}reference/api.html{route}")
    settle(browser)
    # Redoc renders the operation, then scrolls to it: what stays put is where it landed.
    where = browser.steady(f"{summary!r}", lambda: browser.js(WHERE, summary))
    name = re.sub(r"\W+", "-", route).strip("-")
    browser.shot(ARTIFACTS / f"deeplink-{name}-{width}.png")
    assert where["window_scroll"] == 0
    assert where["heading_top"] is not None, "the operation is on the page"
    assert where["frame_scroll"] > 0, "the frame scrolled to the operation"
    assert where["bar_bottom"] <= where["heading_top"] <= where["bar_bottom"] + 120, where
    assert_fits(browser.js(LAYOUT), width, route)
    assert_local(browser.requests())
