"""The audit page as a person sees it: opened in headless Chromium (Debian's `chromium`), its
DOM after loading, a screenshot, and the page's own network requests (none)."""

from __future__ import annotations

from pathlib import Path

import pytest

from driftcheck.report.html import render_html
from tests.browser import INSTALL_HINT, DomIndex, Rendered, chromium, render
from tests.test_history import rotation_series
from tests.test_html_report import PAYLOAD, grid_rows, hostile_folder

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", autouse=True)
def browser() -> str:
    found = chromium()
    if found is None:
        pytest.fail(INSTALL_HINT)  # a missing browser is a broken set-up, not a skip
    return found


def open_page(html: str, tmp_path: Path, name: str) -> tuple[Rendered, DomIndex, Path]:
    page = tmp_path / f"{name}.html"
    page.write_text(html, encoding="utf-8")
    screenshot = tmp_path / f"{name}.png"
    rendered = render(page, screenshot)
    return rendered, DomIndex(rendered.dom), screenshot


def assert_screenshot(path: Path) -> None:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 20_000  # a rendered page, not a blank canvas


def test_demo_report_in_a_browser(tmp_path):
    from driftcheck.demo import run_demo

    result, _url = run_demo()
    rendered, dom, screenshot = open_page(render_html(result, grid=grid_rows()), tmp_path,
                                          "demo")
    assert rendered.page_requests == ()
    assert dom.title.startswith("driftcheck audit report")
    for heading in ("Summary", "Findings grouped by cause", "Environment matrix",
                    "Token acceptance", "Token step chains"):
        assert heading in dom.headings
    cells = [a for t, a in dom.tags if t == "td" and a.get("data-outcome")]
    outcomes = [a["data-outcome"] for a in cells]
    assert outcomes.count("problem") == 2
    assert outcomes.count("ok") == 4
    text = " ".join(dom.all_text.split())
    assert "⚠ ACCEPTED" in text
    assert "✗ rejected HTTP 401, step: issuer" in text
    assert "time ✗ failed ← first failing step" in text
    assert_screenshot(screenshot)


def test_hostile_values_do_not_run_in_a_browser(sandbox, cli, tmp_path):
    folder = hostile_folder(sandbox, tmp_path)
    code, out, err = cli("check", str(folder), "--format", "html")
    assert code == 1, err
    rendered, dom, screenshot = open_page(out, tmp_path, "hostile")
    assert rendered.page_requests == ()  # the <img src=x> was never requested
    assert "pwned" not in dom.title
    assert "pwned" not in dom.ids
    assert "bold" not in dom.ids
    assert not [t for t, _ in dom.tags if t in ("script", "img", "b")]
    assert PAYLOAD in dom.all_text
    assert_screenshot(screenshot)


def test_report_with_key_history_and_grid_in_a_browser(sandbox, cli, tmp_path):
    from driftcheck.run import CheckOptions, run_check

    folder, snapshots = rotation_series(sandbox, cli, tmp_path)
    result = run_check(CheckOptions(paths=[folder], snapshot_in=snapshots[-1],
                                    earlier_snapshots=tuple(snapshots[:-1])))
    rendered, dom, screenshot = open_page(render_html(result, grid=grid_rows()), tmp_path,
                                          "history")
    assert rendered.page_requests == ()
    for heading in ("Summary", "Findings grouped by cause", "Token acceptance",
                    "Key timeline"):
        assert heading in dom.headings
    present = [a for t, a in dom.tags if t == "td" and a.get("class") == "present"]
    assert len(present) == 2 + 3 + 4  # 3 snapshots and this run: dev 1st key twice, 2nd
    # key 3 times; prod 4 times
    text = " ".join(dom.all_text.split())
    assert "retired, replaced by 'dev-rs256-2'" in text
    assert "⚠ shorter than rotation_overlap" in text
    # The newest snapshot and this run publish the same keys; the series did not.
    assert "Nothing changed at the IdPs since the previous snapshot" in text
    assert "The key timeline covers 4 points: 1 rotation, 1 with an overlap shorter" in text
    assert_screenshot(screenshot)
