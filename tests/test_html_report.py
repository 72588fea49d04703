"""`--format html`: the audit page's content, escaping and view-model (no browser here; the
browser tests are in test_html_browser.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from driftcheck.demo import run_demo
from driftcheck.findings import Finding, Severity, Step
from driftcheck.report.grid import AcceptanceGrid, GridCell, GridColumn, GridRow
from driftcheck.report.grouping import group_by_cause
from driftcheck.report.html import build_page, evidence_rows, render_html
from driftcheck.result import RunResult
from tests.browser import DomIndex
from tests.conftest import env_toml

PAYLOAD = ("<script>document.title='pwned'</script>"
           "<img src=x id=pwned onerror=\"document.title='pwned'\">")


@pytest.fixture(scope="module")
def demo() -> RunResult:
    result, _url = run_demo()
    return result


def hostile_folder(sandbox, tmp_path: Path) -> Path:
    """An environment whose IdP publishes a script as its issuer, and whose file declares
    markup as an audience: a value from a server and a value from a file."""
    sandbox.set_faults("dev", discovery_overrides={"issuer": PAYLOAD})
    folder = tmp_path / "hostile"
    folder.mkdir()
    (folder / "dev.toml").write_text(env_toml("dev", sandbox.tenant_url("dev"), f"""
        [apis.orders]
        url = "{sandbox.url}/apis/dev"
        issuers = ["{sandbox.tenant_url('dev')}"]
        audiences = ["api://<b id=bold>orders</b>"]
        algorithms = ["RS256"]
        """))
    return folder


def assert_no_active_content(html: str) -> None:
    """No script, no loaded resource, links only inside the page or to the rule docs."""
    index = DomIndex(html)
    assert not [tag for tag, _ in index.tags if tag in ("script", "iframe", "object", "embed",
                                                        "link", "img", "base", "form")]
    for _tag, attributes in index.tags:
        assert "src" not in attributes
        assert "srcset" not in attributes
        assert not any(name.startswith("on") for name in attributes)
        href = attributes.get("href")
        if href is not None:
            assert href.startswith("#") or href.startswith("docs/rules.md#"), href
    csp = [a for t, a in index.tags if t == "meta" and a.get("http-equiv") ==
           "Content-Security-Policy"]
    assert csp
    assert "default-src 'none'" in str(csp[0]["content"])


def test_server_and_file_values_render_as_text(sandbox, cli, tmp_path):
    folder = hostile_folder(sandbox, tmp_path)
    code, out, err = cli("check", str(folder), "--format", "html",
                         "--output", f"html={tmp_path}/report.html")
    assert code == 1, err
    assert out == (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "DC101" in out  # the hostile issuer was judged and reported
    assert PAYLOAD not in out
    assert "<b id=bold>" not in out
    assert "&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;" in out
    assert "api://&lt;b id=bold&gt;orders&lt;/b&gt;" in out
    index = DomIndex(out)
    assert "pwned" not in index.ids
    assert "bold" not in index.ids
    assert PAYLOAD in index.all_text  # shown to the reader, as text
    assert_no_active_content(out)


def test_demo_page_sections_and_verdict(demo):
    html = render_html(demo)
    index = DomIndex(html)
    for heading in ("driftcheck audit report", "Summary", "Findings grouped by cause",
                    "Environment matrix", "Token step chains"):
        assert heading in index.headings
    assert "Token acceptance" in index.headings  # the demo declares probes: they fill the grid
    assert "Key timeline" not in index.headings  # no snapshots compared
    text = index.all_text
    assert "✗ Gate failed (exit 1, fail-on high)" in " ".join(text.split())
    assert "findings at or above high" in text
    assert "Not compared: run with --snapshot-in" in " ".join(text.split())
    assert_no_active_content(html)


def test_evidence_is_readable_text_never_a_python_repr(demo):
    rows = evidence_rows({"validators": [{"component": "apis.orders", "accepts": False,
                                          "clock_skew": "60 s"}],
                          "cache_window_seconds": 172800.0, "skew_seconds": 60.0,
                          "value": 1796293688, "kids": ["a", "b"], "ahead": None})
    shown = {r.label: r.lines for r in rows}
    assert shown == {
        "validators": ("component: apis.orders; accepts: no; clock skew: 60 s",),
        "cache window": ("2 d (172800 s)",),
        "skew": ("60 s",),
        "value": ("1796293688 (2026-12-03 10:28:08 UTC)",),
        "kids": ("a, b",),
    }
    html = render_html(demo)
    assert not re.search(r"\{&#39;|\[&#39;|&#39;component&#39;|True|False", html)


def test_findings_are_grouped_by_shared_cause(demo):
    groups = {tuple(f"{f.environment}:{f.rule}" for f in g.findings)
              for g in group_by_cause(demo.findings)}
    # One trailing slash: discovery, the token's iss and the frontend's deployed authority.
    assert ("staging:DC102", "staging:DC309", "staging:DC407") in groups
    # The IdP's clock explains the not-yet-valid token (DC307 says "see DC701").
    assert ("staging:DC701", "staging:DC307") in groups
    # The same shared key, reported from both sides.
    assert ("prod:DC501", "staging:DC501") in groups
    # The unreadable declared JWKS and the mismatch that names it.
    assert ("dev:DC010", "dev:DC106") in groups
    # Silent: a cache window and an overlap shortfall are separate causes of their own,
    # and are not the unreadable URL's.
    assert ("dev:DC209",) in groups
    assert ("dev:DC211",) in groups


def _finding(rule: str, environment: str, step: Step, **evidence: object) -> Finding:
    return Finding(rule, "x", Severity.HIGH, environment, "idp", step, "m", "f",
                   evidence=evidence)


def test_grouping_stays_silent_without_an_exact_shared_value():
    findings = [
        _finding("DC102", "a", Step.DISCOVERY, actual="https://idp/a/"),
        _finding("DC309", "b", Step.ISSUER, actual="https://idp/a/"),  # other environment
        _finding("DC309", "a", Step.ISSUER, actual="https://idp/a"),   # similar, not equal
    ]
    assert [len(g.findings) for g in group_by_cause(findings)] == [1, 1, 1]


def test_token_chains_tick_only_judged_steps(demo):
    page = build_page(demo)
    staging = next(c for c in page.chains if c.environment == "staging")
    results = {s.step: s.result for s in staging.steps}
    assert results["time"] == "fail"
    assert results["issuer"] == "fail"
    assert [s.step for s in staging.steps if s.first] == ["time"]
    assert staging.first_failing_step == "time"
    html = render_html(demo)
    assert 'class="fail first">time ✗' in html


def test_matrix_marks_shared_keys_and_differences(demo):
    page = build_page(demo)
    assert page.matrix is not None
    rows = {row.label.split(" (")[0]: row for row in page.matrix.rows}
    names = page.matrix.environments
    keys = dict(zip(names, rows["keys"].cells, strict=True))
    assert keys["staging"].values[0].shared_with == ("prod",)
    assert keys["dev"].values[0].shared_with == ()
    offsets = dict(zip(names, rows["IdP clock offset"].cells, strict=True))
    assert offsets["staging"].differs
    assert not offsets["prod"].differs
    assert "ahead" in offsets["staging"].values[0].text
    issuers = dict(zip(names, rows["issuer"].cells, strict=True))
    assert issuers["staging"].several
    assert not issuers["prod"].several
    # Settings every environment shares are not differences.
    assert not any(c.differs for c in rows["validators"].cells)


def grid_rows() -> AcceptanceGrid:
    """A view-model as live probes would fill it: prod's API accepts staging's token and a
    token with alg none; staging's rejects everything but its own."""
    columns = (GridColumn("own", "own token", "own"),
               GridColumn("env:staging", "staging's token", "environment"),
               GridColumn("env:prod", "prod's token", "environment"),
               GridColumn("forged:alg-none", "forged: alg none", "forged"))
    return AcceptanceGrid(columns, (
        GridRow("prod", "apis.orders", (
            ("own", GridCell("accepted", 200)),
            ("env:staging", GridCell("accepted", 200)),
            ("forged:alg-none", GridCell("accepted", 200)))),
        GridRow("staging", "apis.orders", (
            ("own", GridCell("accepted", 200)),
            ("env:prod", GridCell("rejected", 401, "issuer")),
            ("forged:alg-none", GridCell("rejected", 401, "algorithm")))),
    ))


def test_acceptance_grid_from_view_model_rows(demo):
    page = build_page(demo, grid=grid_rows())
    assert page.grid is not None
    assert page.grid.problems == 2
    prod, staging = page.grid.rows
    assert [c.outcome for c in prod.cells] == ["ok", "problem", "none", "problem"]
    assert [c.outcome for c in staging.cells] == ["ok", "none", "ok", "ok"]
    assert staging.cells[2].detail == "HTTP 401, step: issuer"
    assert "crossover" in prod.cells[1].detail
    html = render_html(demo, grid=grid_rows())
    assert "Token acceptance" in DomIndex(html).headings
    # Without rows, no section.
    empty = AcceptanceGrid(grid_rows().columns, ())
    assert "Token acceptance" not in DomIndex(render_html(demo, grid=empty)).headings


def test_output_flag_accepts_html(sandbox, cli, tmp_path):
    folder = hostile_folder(sandbox, tmp_path)
    code, out, _err = cli("check", str(folder), "--output", f"html={tmp_path}/r.html")
    assert code == 1
    assert "DC101" in out
    assert (tmp_path / "r.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_rule_links_point_at_headings_of_the_rule_reference(demo):
    reference = Path(__file__).resolve().parent.parent / "docs" / "rules.md"
    anchors = {re.sub(r"[^a-z0-9 -]", "", line[3:].strip().lower()).replace(" ", "-")
               for line in reference.read_text(encoding="utf-8").splitlines()
               if line.startswith("## ")}
    links = {str(a["href"]).split("#", 1)[1] for t, a in DomIndex(render_html(demo)).tags
             if t == "a" and str(a.get("href", "")).startswith("docs/rules.md#")}
    assert links
    assert links <= anchors


def test_offline_page_says_nothing_was_collected(cli, tmp_path, write):
    write("envs/x.toml", env_toml("x", "https://idp.example/t"))
    code, out, err = cli("check", str(tmp_path / "envs"), "--offline", "--format", "html")
    assert code == 0, err
    assert "no observations collected (offline)" in out
    assert "✓ Gate passed (exit 0, fail-on high)" in " ".join(DomIndex(out).all_text.split())
