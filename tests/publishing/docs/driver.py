"""One Chromium, driven by chromedriver (Selenium), with no way off the machine.

Chromium runs headless with every other network path closed (a dead proxy, a resolver
that resolves nothing but 127.0.0.1, background services off) and a fresh profile. The
viewport is set by DevTools' device-metrics emulation, so a phone is really 390 CSS px
wide with a mobile viewport. Every request a page makes (DevTools' `Network` events, read
from the driver's performance log) is kept, so a test can show that none left 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar
from urllib.parse import urlsplit

import pytest

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver

T = TypeVar("T")

#: Chromium's flags: nothing resolves but loopback, every proxied connection goes to a
#: closed port, and none of the browser's own services (updates, sync, QUIC) start.
OFFLINE_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
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
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]

#: A laptop and a phone: width -> (height, mobile viewport).
VIEWPORTS = {1366: (768, False), 390: (844, True)}


def _missing(reason: str) -> NoReturn:
    """CI installs what the browser tests need, so there a missing piece is a failure."""
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def chromium() -> str:
    """The Chromium binary, or a failure under CI / a skip elsewhere."""
    found = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")
    if not found:
        _missing("chromium is not installed (Debian package `chromium`, installed by .ci/run)")
    return found


def chromedriver() -> str:
    """The chromedriver that matches the Chromium binary (Debian's `chromium-driver`)."""
    found = os.environ.get("CHROMEDRIVER_PATH") or shutil.which("chromedriver")
    if not found:
        _missing(
            "chromedriver is not installed (Debian package `chromium-driver`, installed by .ci/run)"
        )
    return found


def is_off_the_machine(url: str) -> bool:
    """A request over the network to anywhere but 127.0.0.1 (data:, blob:, file: stay here)."""
    parts = urlsplit(url)
    return parts.scheme in {"http", "https", "ws", "wss", "ftp"} and parts.hostname != "127.0.0.1"


#: Whether an element is on top at its centre: its position, or null. One that is off its
#: scroll box's height or under the sticky header is scrolled to the box's middle (only
#: vertically: the phone's drawer keeps its other levels off to the side).
ON_TOP_FUNCTION = """
  function onTop(el) {
    var box = el.getBoundingClientRect();
    if (!box.width || !box.height || box.right <= 0 || box.left >= innerWidth) return null;
    var hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    if (hit && (hit === el || el.contains(hit))) return [box.left, box.top];
    for (var box2 = el.parentElement; box2; box2 = box2.parentElement) {
      var overflow = getComputedStyle(box2).overflowY;
      if (/auto|scroll/.test(overflow) && box2.scrollHeight > box2.clientHeight) {
        var view = box2.getBoundingClientRect();
        box2.scrollTop += box.top + box.height / 2 - (view.top + view.height / 2);
        return null;
      }
    }
    window.scrollBy(0, box.top + box.height / 2 - innerHeight / 2);
    return null;
  }
"""


class Browser:
    """A driven Chromium tab: a viewport, page loads, waits, requests and screenshots."""

    def __init__(self, driver: WebDriver) -> None:
        self.driver = driver
        self.size = (0, 0)

    def resize(self, width: int, height: int | None = None) -> None:
        """Emulate a viewport `width` CSS px wide for every page from now on.

        A width of VIEWPORTS gets its height and, for a phone, a mobile viewport (the
        page's `<meta name="viewport">` applies) and touch; any other is a desktop window.
        """
        default_height, mobile = VIEWPORTS.get(width, (900, False))
        size = (width, height or default_height)
        if size == self.size:
            return
        metrics = {"width": size[0], "height": size[1], "deviceScaleFactor": 1, "mobile": mobile}
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
        self.driver.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": mobile})
        self.size = size

    def open(self, url: str) -> None:
        """Load `url` as a new document (a different hash alone would not reload)."""
        if urlsplit(self.driver.current_url)._replace(fragment="") == urlsplit(url)._replace(
            fragment=""
        ):
            self.driver.get("about:blank")
        self.driver.get(url)

    def js(self, script: str, *args: Any) -> Any:
        return self.driver.execute_script(script, *args)

    def wait(self, what: str, check: Callable[[], T | None], timeout: float = 20) -> T:
        """Poll `check` until it returns something truthy; fail naming `what` after `timeout`."""
        deadline = time.monotonic() + timeout
        while True:
            found = check()
            if found:
                return found
            if time.monotonic() > deadline:
                pytest.fail(f"timed out waiting for {what} at {self.driver.current_url}")
            time.sleep(0.05)

    def steady(self, what: str, probe: Callable[[], T], hold: float = 1.0) -> T:
        """What `probe` returns once it has returned the same for `hold` seconds."""
        last: list[Any] = [object(), time.monotonic()]

        def held() -> T | None:
            now = probe()
            if now != last[0]:
                last[:] = [now, time.monotonic()]
            return now if time.monotonic() - last[1] >= hold else None

        return self.wait(f"{what} to stay put", held)

    def click(self, find: str, what: str, *args: Any) -> str:
        """Click what the script `find` returns, once it is on top and has stopped moving.

        `find` runs again at each look, as drawers slide and lists are drawn again while a
        query is typed; the element's tag name is returned.
        """
        from selenium.common.exceptions import StaleElementReferenceException

        look = f"{ON_TOP_FUNCTION} var el = (function () {{ {find} }}).apply(null, arguments);"
        look += " return el ? [el, onTop(el)] : null;"
        seen: list[Any] = [None]

        def still() -> Any:
            try:
                found = self.js(look, *args)
                now = (found[0].id, found[1]) if found else None
            except StaleElementReferenceException:
                found = now = None
            moved, seen[0] = now != seen[0], now
            return found[0] if found and found[1] is not None and not moved else None

        for _ in range(3):
            element = self.wait(f"{what} to show", still, timeout=10)
            try:
                tag = str(element.tag_name)
                element.click()
                return tag
            except StaleElementReferenceException:
                continue
        pytest.fail(f"{what} was drawn again each time it was clicked")

    def requests(self) -> list[str]:
        """URLs the page sent since the last call (the log is drained).

        A request the browser blocked before sending it (the page's Content-Security-Policy
        refusing an image from a CDN) never left the page and is not counted.
        """
        sent: list[tuple[str, str]] = []
        blocked = set()
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            params = message["params"]
            if message["method"] == "Network.requestWillBeSent":
                sent.append((params["requestId"], params["request"]["url"]))
            elif message["method"] == "Network.webSocketCreated":
                sent.append((params["requestId"], params["url"]))
            elif message["method"] == "Network.loadingFailed" and params.get("blockedReason"):
                blocked.add(params["requestId"])
        return [url for request_id, url in sent if request_id not in blocked]

    def shot(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        assert self.driver.save_screenshot(str(path)), path
        return path


def _options(profile: Path) -> Any:
    try:
        from selenium import webdriver
    except ImportError:
        _missing("selenium is not installed (the `dev` extra: pip install -e '.[dev]')")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium()
    for flag in [*OFFLINE_FLAGS, f"--user-data-dir={profile}", "--window-size=1366,900"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    # Selenium reaches chromedriver on loopback: never through a proxy from the environment.
    # (Deprecated for a ClientConfig, which `webdriver.Chrome` does not take.)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        options.ignore_local_proxy_environment_variables()
    return options


@contextmanager
def running_browser() -> Iterator[Browser]:
    """A Chromium for a whole test session; Selenium Manager is never asked for anything."""
    with tempfile.TemporaryDirectory(prefix="citcall-chromium-", ignore_cleanup_errors=True) as tmp:
        options = _options(Path(tmp) / "profile")
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        driver = webdriver.Chrome(options=options, service=Service(chromedriver()))
        try:
            driver.set_page_load_timeout(60)
            browser = Browser(driver)
            # Chromium starts on its new-tab page (chrome:// resources): leave it, unlogged.
            driver.get("about:blank")
            browser.requests()
            yield browser
        finally:
            driver.quit()
