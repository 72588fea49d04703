"""Headless Chromium (Debian's `chromium` package) as a subprocess: render a page, keep its DOM
after layout and scripts, a screenshot, and the network log of what the page requested.

Chromium's own background traffic (component updates, time checks) is pointed at a closed
loopback port by `--proxy-server`, so nothing leaves the machine; the network log still
records every request, and the page's requests are the ones with an origin as initiator
(a file:// page has the opaque origin "null"), the browser's own say "not an origin".

`python -m tests.browser` re-renders the demo report and its screenshot into docs/.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

INSTALL_HINT = ("headless Chromium is needed for the HTML report tests: install Debian's "
                "package with `apt-get update && apt-get install -y chromium` (.ci/run does "
                "this when it is missing)")
BROWSER_ONLY = "not an origin"
"""The netlog initiator of requests the browser makes for itself, not for the page."""


def chromium() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


@dataclass(frozen=True)
class Rendered:
    dom: str
    """The serialized DOM after the page loaded (what a person's browser shows)."""
    page_requests: tuple[str, ...]
    """URLs the page itself asked for (should be none)."""


def _flags(profile: str) -> list[str]:
    flags = ["--headless", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
             f"--user-data-dir={profile}", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--disable-default-apps",
             "--disable-extensions", "--hide-scrollbars", "--proxy-server=127.0.0.1:9",
             "--force-device-scale-factor=1"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        flags.append("--no-sandbox")  # Chromium refuses to run as root with its sandbox
    return flags


def _page_requests(netlog: Path) -> tuple[str, ...]:
    log = json.loads(netlog.read_text(encoding="utf-8"))
    start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    return tuple(event["params"]["url"] for event in log["events"]
                 if event["type"] == start_job and "url" in event.get("params", {})
                 and event["params"].get("initiator") != BROWSER_ONLY)


def render(page: Path, screenshot: Path | None = None, width: int = 1280,
           height: int = 2000) -> Rendered:
    """Open `page` in headless Chromium: its DOM, and a screenshot when asked."""
    binary = chromium()
    if binary is None:
        raise RuntimeError(INSTALL_HINT)
    with tempfile.TemporaryDirectory(prefix="driftcheck-chromium-") as profile:
        netlog = Path(profile) / "netlog.json"
        url = page.resolve().as_uri()
        dom = subprocess.run(
            [binary, *_flags(profile + "/p"), f"--log-net-log={netlog}", "--dump-dom", url],
            capture_output=True, text=True, timeout=120, check=True).stdout
        requests = _page_requests(netlog)
        if screenshot is not None:
            subprocess.run(
                [binary, *_flags(profile + "/s"), f"--window-size={width},{height}",
                 f"--screenshot={screenshot.resolve()}", url],
                capture_output=True, timeout=120, check=True)
    return Rendered(dom, requests)


class DomIndex(HTMLParser):
    """Headings, element ids, attributes and text of a DOM, for assertions."""

    def __init__(self, dom: str) -> None:
        super().__init__(convert_charrefs=True)
        self.headings: list[str] = []
        self.ids: set[str] = set()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.title = ""
        self.text: list[str] = []
        self._open: list[str] = []
        self.feed(dom)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if attributes.get("id"):
            self.ids.add(str(attributes["id"]))
        if tag not in ("br", "meta", "img", "input", "link"):
            self._open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._open:
            while self._open and self._open.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if not self._open:
            return
        if self._open[-1] == "title":
            self.title += data
        if self._open[-1] in ("h1", "h2"):
            self.headings.append(data.strip())

    @property
    def all_text(self) -> str:
        return "".join(self.text)


if __name__ == "__main__":
    from driftcheck.demo import run_demo
    from driftcheck.report.html import render_html

    docs = Path(__file__).resolve().parent.parent / "docs"
    result, _url = run_demo()
    page = docs / "audit-report-demo.html"
    page.write_text(render_html(result), encoding="utf-8")
    render(page, docs / "audit-report.png", width=1100, height=1700)
    page.unlink()
    print(f"{docs / 'audit-report.png'} written")
