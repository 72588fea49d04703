"""`--format html`: one self-contained audit page (inline CSS, no script, no external asset).

The page is rendered by Jinja2 from `templates/report.html.j2` with autoescaping on: every
value from a server or a file reaches the page only through `{{ … }}`, so an issuer like
`<script>…` is shown as text. This module turns a RunResult into plain, typed view-model
rows; the template decides only how they look. A Content-Security-Policy of
`default-src 'none'` (styles inline) makes the page refuse any script or fetch even if
something slipped through.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from importlib.resources import files
from typing import Any

from driftcheck._version import __version__
from driftcheck.durations import format_seconds
from driftcheck.findings import Finding, Severity, Step
from driftcheck.report.grid import AcceptanceGrid, grid_from_probes, outcome
from driftcheck.report.grouping import group_by_cause
from driftcheck.result import (
    EnvironmentIdentity,
    EnvironmentStatus,
    KeyTimeline,
    RunResult,
    TokenVerdict,
)

RULES_DOC = "docs/rules.md"
_STATE_TEXT = {
    "checked": "checked",
    "invalid": "not checked: the file is invalid",
    "unreachable": "nothing could be fetched",
    "offline": "offline: network rules skipped",
}


def _time(epoch: float | None) -> str:
    if epoch is None:
        return "–"
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


# -- evidence as readable text ------------------------------------------------------------------

_INSTANT_KEYS = frozenset({"now", "value", "exp", "iat", "nbf", "at", "issued_at"})
"""Evidence keys that hold a time as epoch seconds (DC306/DC307 `value` and `now`)."""


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.3f}".rstrip("0")


def _scalar(key: str, value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float) and key.endswith("_seconds"):
        human, raw = format_seconds(float(value)), f"{_number(value)} s"
        return "0 s" if not value else human if human == raw else f"{human} ({raw})"
    if (isinstance(value, int | float) and key in _INSTANT_KEYS
            and 1_000_000_000 <= value < 10_000_000_000):
        return f"{_number(value)} ({_time(float(value))})"
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, str | int):
        return str(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def evidence_text(key: str, value: Any) -> list[str]:
    """One or more lines of plain text for an evidence value: never a Python repr."""
    if isinstance(value, Mapping):
        return ["; ".join(f"{k.replace('_', ' ')}: {_scalar(k, v)}" for k, v in value.items()
                          if v is not None)]
    if isinstance(value, list | tuple):
        if any(isinstance(v, Mapping) for v in value):
            return [line for v in value for line in evidence_text(key, v)]
        return [", ".join(_scalar(key, v) for v in value) or "(none)"]
    return [_scalar(key, value)]


@dataclass(frozen=True)
class EvidenceRow:
    label: str
    lines: tuple[str, ...]


def evidence_rows(evidence: Mapping[str, Any]) -> tuple[EvidenceRow, ...]:
    shown = dict(evidence)
    # The marked forms put brackets around what differs ("…staging[/]"): show those.
    for key in ("expected", "actual"):
        if f"{key}_marked" in shown:
            shown[key] = shown.pop(f"{key}_marked")
    rows = []
    for key, value in shown.items():
        if value is None:
            continue
        label = key.removesuffix("_seconds").replace("_", " ")
        rows.append(EvidenceRow(label, tuple(evidence_text(key, value))))
    return tuple(rows)


# -- view-model ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class FindingView:
    id: str
    """An HTML id: from the fingerprint, never from a value."""
    rule: str
    slug: str
    severity: str
    environment: str
    component: str
    step: str
    message: str
    fix: str
    evidence: tuple[EvidenceRow, ...]
    related: tuple[str, ...]
    doc: str
    location: str | None
    accepted: str | None


@dataclass(frozen=True)
class GroupView:
    severity: str
    headline: FindingView
    others: tuple[FindingView, ...]
    environments: tuple[str, ...]
    accepted: bool


@dataclass(frozen=True)
class EnvironmentRow:
    name: str
    tier: str
    state: str
    healthy: bool
    findings: int
    worst: str | None
    first_failing_step: str | None


@dataclass(frozen=True)
class Gate:
    passed: bool
    exit_code: int
    fail_on: str
    reason: str
    failing: tuple[FindingView, ...]


@dataclass(frozen=True)
class StepCell:
    step: str
    result: str
    """pass | fail | skipped"""
    first: bool


@dataclass(frozen=True)
class ChainView:
    environment: str
    token: str
    fingerprint: str | None
    target: str
    kind: str | None
    unavailable: str | None
    steps: tuple[StepCell, ...]
    first_failing_step: str | None


@dataclass(frozen=True)
class MatrixValue:
    text: str
    shared_with: tuple[str, ...] = ()


@dataclass(frozen=True)
class MatrixCell:
    values: tuple[MatrixValue, ...]
    differs: bool = False
    """A setting unlike most environments'."""
    several: bool = False
    """More than one value where the environment should have one (declared ≠ observed)."""


@dataclass(frozen=True)
class MatrixRow:
    label: str
    cells: tuple[MatrixCell, ...]


@dataclass(frozen=True)
class Matrix:
    environments: tuple[str, ...]
    rows: tuple[MatrixRow, ...]


@dataclass(frozen=True)
class Changes:
    previous_at: str
    findings: tuple[FindingView, ...]


@dataclass(frozen=True)
class Page:
    title: str
    version: str
    generated_at: str
    observed_at: str
    environments: tuple[EnvironmentRow, ...] = ()
    gate: Gate | None = None
    """None on a page of snapshots only (`driftcheck history`): no run, no findings."""
    counts: tuple[tuple[str, int], ...] = ()
    accepted: int = 0
    changes: Changes | None = None
    groups: tuple[GroupView, ...] = ()
    matrix: Matrix | None = None
    chains: tuple[ChainView, ...] = ()
    grid: GridView | None = None
    timeline: KeyTimeline | None = None
    """Which keys each IdP published over the snapshots compared."""


def _anchor(finding: Finding) -> str:
    return f"{finding.rule.lower()}-{finding.slug}"


def finding_view(finding: Finding) -> FindingView:
    location = None
    if finding.file:
        location = finding.file + (f":{finding.line}" if finding.line else "")
        if finding.key_path:
            location += f" ({finding.key_path})"
    accepted = None
    if finding.suppression is not None:
        accepted = (f"accepted in the baseline until {finding.suppression.expires}: "
                    f"{finding.suppression.reason}")
    return FindingView(
        id=f"f-{finding.fingerprint}", rule=finding.rule, slug=finding.slug,
        severity=finding.severity.value,
        environment=finding.environment, component=finding.component,
        step=finding.step.value, message=finding.message, fix=finding.fix,
        evidence=evidence_rows(finding.evidence), related=finding.related,
        doc=f"{RULES_DOC}#{_anchor(finding)}", location=location, accepted=accepted)


def _environment_row(status: EnvironmentStatus, findings: Sequence[Finding]) -> EnvironmentRow:
    mine = [f for f in findings if f.environment == status.name and f.suppression is None]
    worst = max((f.severity for f in mine), key=lambda s: s.rank, default=None)
    return EnvironmentRow(
        name=status.name, tier=status.tier or "–", state=_STATE_TEXT[status.state],
        healthy=status.state == "checked" and not mine, findings=len(mine),
        worst=worst.value if worst else None,
        first_failing_step=status.first_failing_step.value if status.first_failing_step
        else None)


def _gate(result: RunResult) -> Gate:
    active = [f for f in result.findings if f.suppression is None]
    failing = [f for f in active if f.severity.rank >= result.fail_on.rank]
    states = [s.state for s in result.environments]
    code = result.exit_code
    if code == 2:
        reason = ("a configuration error: an environment file is invalid or a flag is wrong "
                  "(see the config findings)")
    elif code == 3:
        reason = "nothing could be checked: every environment's IdP was unreachable"
    elif code == 1:
        reason = (f"{len(failing)} finding{'s' if len(failing) != 1 else ''} at or above "
                  f"{result.fail_on.value}")
    else:
        reason = f"no finding at or above {result.fail_on.value}"
        if "checked" not in states:
            reason += " (but no environment was checked against its IdP)"
    failing.sort(key=lambda f: (-f.severity.rank, f.environment, f.step.order, f.rule))
    return Gate(passed=code == 0, exit_code=code, fail_on=result.fail_on.value, reason=reason,
                failing=tuple(finding_view(f) for f in failing))


def _chain(environment: str, verdict: TokenVerdict) -> ChainView:
    first = verdict.first_failing_step
    return ChainView(
        environment=environment, token=verdict.name, fingerprint=verdict.fingerprint,
        target=f"apis.{verdict.for_api}" if verdict.for_api else "the IdP",
        kind=verdict.kind, unavailable=verdict.unavailable,
        steps=tuple(StepCell(step.value, result, step is first)
                    for step, result in verdict.steps),
        first_failing_step=first.value if first else None)


# -- environment matrix ---------------------------------------------------------------------------

def _per_component(values: Mapping[str, str]) -> list[str]:
    return [f"{value} ({component})" for component, value in sorted(values.items())]


def _offset(status: EnvironmentStatus | None) -> list[str]:
    if status is None or status.observed is None or status.observed.clock_offset is None:
        return []
    offset = status.observed.clock_offset
    if abs(offset) < 1.5:  # Date has one-second resolution
        return ["in step (within 1 s)"]
    return [f"{format_seconds(offset)} {'ahead' if offset > 0 else 'behind'}"]


def _keys(status: EnvironmentStatus | None) -> list[tuple[str, str | None]]:
    """(text, thumbprint) per published key."""
    if status is None or status.observed is None:
        return []
    shown = []
    for key in status.observed.keys:
        parts = [key.kid or f"key #{key.index}"]
        parts += [p for p in (key.kty, key.alg, key.use) if p]
        text = " · ".join(parts)
        if key.thumbprint:
            text += f" · {key.thumbprint}"
        shown.append((text, key.thumbprint))
    return shown


_IDENTITY_ROWS = ("issuer", "JWKS", "client IDs", "audiences")
_SINGLE = ("issuer", "JWKS")
"""Rows where one environment should have exactly one value."""
"""Rows where the same value in two environments is a collision (isolation)."""


def build_matrix(identities: Sequence[EnvironmentIdentity],
                 statuses: Sequence[EnvironmentStatus]) -> Matrix | None:
    if not identities:
        return None
    by_name = {s.name: s for s in statuses}
    names = tuple(i.name for i in identities)

    def observed(name: str, attribute: str) -> Any:
        status = by_name.get(name)
        return getattr(status.observed, attribute) if status and status.observed else None

    plain_rows: list[tuple[str, dict[str, list[str]]]] = [
        ("tier", {i.name: [i.tier] for i in identities}),
        ("tenant", {i.name: [i.tenant] if i.tenant else [] for i in identities}),
        ("issuer", {i.name: sorted(i.issuers) for i in identities}),
        ("discovery", {n: [observed(n, "discovery_url")] if observed(n, "discovery_url")
                       else [] for n in names}),
        ("JWKS", {i.name: sorted(i.jwks_uris) for i in identities}),
    ]
    after_keys: list[tuple[str, dict[str, list[str]]]] = [
        ("algorithms advertised", {n: list(observed(n, "algorithms") or ()) for n in names}),
        ("algorithms accepted", {i.name: sorted(i.algorithms) for i in identities}),
        ("audiences", {i.name: sorted(i.audiences) for i in identities}),
        ("client IDs", {i.name: sorted(i.client_ids) for i in identities}),
        ("IdP clock offset", {n: _offset(by_name.get(n)) for n in names}),
        ("validators", {i.name: _per_component(i.validators) for i in identities}),
        ("issuer comparison", {i.name: _per_component(i.issuer_comparisons)
                               for i in identities}),
        ("clock skew", {i.name: _per_component(i.clock_skews) for i in identities}),
        ("key lead time", {i.name: _per_component(i.rotation_leads) for i in identities}),
    ]
    rows = [_row(label, values, names) for label, values in plain_rows]
    keys = {n: _keys(by_name.get(n)) for n in names}
    owners: dict[str, set[str]] = {}
    for name, listed in keys.items():
        for _, thumbprint in listed:
            if thumbprint:
                owners.setdefault(thumbprint, set()).add(name)
    rows.append(MatrixRow("keys (kid · type · alg · use · RFC 7638 thumbprint)", tuple(
        MatrixCell(tuple(MatrixValue(text, tuple(sorted(owners.get(tp or "", set()) - {n})))
                         for text, tp in keys[n])) for n in names)))
    rows += [_row(label, values, names) for label, values in after_keys]
    return Matrix(names, tuple(rows))


def _row(label: str, values: Mapping[str, list[str]], names: Sequence[str]) -> MatrixRow:
    collide = label in _IDENTITY_ROWS
    cells = []
    distinct = {tuple(_unnamed(v, names)) for v in values.values()}
    for name in names:
        mine = values.get(name, [])
        shown = []
        for value in mine:
            others = tuple(o for o in names if o != name and value in values.get(o, []))
            shown.append(MatrixValue(value, others if collide else ()))
        # Policy rows: a value unlike the other environments' is a difference to look at.
        differs = (not collide and label not in ("tier", "tenant", "discovery")
                   and len(distinct) > 1 and len(names) > 1)
        cells.append(MatrixCell(tuple(shown), differs=differs and _odd_one(
            values, name, names), several=label in _SINGLE and len(mine) > 1))
    return MatrixRow(label, tuple(cells))


def _unnamed(values: Sequence[str], names: Sequence[str]) -> list[str]:
    """Values with environment names blanked, so per-environment names do not count as a
    difference."""
    blanked = []
    for value in values:
        for name in names:
            value = value.replace(name, "·")
        blanked.append(value)
    return sorted(blanked)


def _odd_one(values: Mapping[str, list[str]], name: str, names: Sequence[str]) -> bool:
    """Whether this environment's value differs from the value most environments have."""
    shapes = {n: tuple(_unnamed(values.get(n, []), names)) for n in names}
    counts: dict[tuple[str, ...], int] = {}
    for shape in shapes.values():
        counts[shape] = counts.get(shape, 0) + 1
    top = max(counts.values())
    common = [shape for shape, count in counts.items() if count == top]
    return len(common) > 1 or shapes[name] not in common


# -- the page -----------------------------------------------------------------------------------

def build_page(result: RunResult, *, grid: AcceptanceGrid | None = None,
               timeline: KeyTimeline | None = None) -> Page:
    active = [f for f in result.findings if f.suppression is None]
    counts = tuple((s.value, sum(1 for f in active if f.severity is s))
                   for s in sorted(Severity, key=lambda s: -s.rank))
    groups = tuple(
        GroupView(severity=g.severity.value, headline=finding_view(g.headline),
                  others=tuple(finding_view(f) for f in g.findings[1:]),
                  environments=g.environments, accepted=g.accepted)
        for g in group_by_cause(result.findings))
    changes = None
    if result.compared_with_previous:
        changes = Changes(_time(result.previous_observed_at), tuple(
            finding_view(f) for f in result.findings if f.step is Step.DRIFT))
    chains = tuple(_chain(s.name, v) for s in result.environments for v in s.tokens)
    return Page(
        title="driftcheck audit report",
        version=__version__,
        generated_at=_time(result.generated_at),
        observed_at=f"observations collected {_time(result.observed_at)}" if result.observed_at
        else "no observations collected (offline)",
        environments=tuple(_environment_row(s, result.findings) for s in result.environments),
        gate=_gate(result),
        counts=counts,
        accepted=len(result.findings) - len(active),
        changes=changes,
        groups=groups,
        matrix=build_matrix(result.identities, result.environments),
        chains=chains,
        grid=grid_view(grid) if grid is not None and grid.rows else None,
        timeline=timeline if timeline is not None and timeline.has_keys else None,
    )


@cache
def _template() -> Any:
    from jinja2 import Environment, StrictUndefined

    # autoescape=True for every template this environment loads: HTML is built only here.
    environment = Environment(autoescape=True, undefined=StrictUndefined,
                              trim_blocks=True, lstrip_blocks=True)
    text = files("driftcheck.report").joinpath("templates/report.html.j2").read_text("utf-8")
    return environment.from_string(text)


def render_page(page: Page) -> str:
    return str(_template().render(page=page))


def render_html(result: RunResult, *, grid: AcceptanceGrid | None = None,
                timeline: KeyTimeline | None = None) -> str:
    """The audit page. `timeline` defaults to the key history the run compared with."""
    if grid is None:  # the run's live probes, when it sent any
        grid = grid_from_probes([p for s in result.environments for p in s.probes])
    return render_page(build_page(result, grid=grid,
                                  timeline=timeline or result.key_timeline))


def render_history_html(timeline: KeyTimeline) -> str:
    """`driftcheck history --format html`: the key timeline alone."""
    generated = _time(time.time())
    return render_page(Page(title="driftcheck key timeline", version=__version__,
                            generated_at=generated,
                            observed_at=f"snapshots from {_time(min(timeline.times))} to "
                            f"{_time(max(timeline.times))} ({len(timeline.times)})",
                            timeline=timeline))


# -- token acceptance grid ---------------------------------------------------------------------

@dataclass(frozen=True)
class GridCellView:
    text: str
    detail: str
    outcome: str
    """ok | problem | none"""


@dataclass(frozen=True)
class GridRowView:
    environment: str
    component: str
    cells: tuple[GridCellView, ...]


@dataclass(frozen=True)
class GridView:
    columns: tuple[str, ...]
    rows: tuple[GridRowView, ...]
    problems: int


def grid_view(grid: AcceptanceGrid) -> GridView:
    rows = []
    problems = 0
    for row in grid.rows:
        cells = []
        for column in grid.columns:
            cell = row.cell(column)
            result = outcome(column, cell)
            status = f"HTTP {cell.status}" if cell.status is not None else ""
            if cell.verdict == "not-sent":
                text, detail = "– not sent", ""
            elif cell.verdict == "accepted":
                text = "✓ accepted" if result == "ok" else "⚠ ACCEPTED"
                why = {"environment": "crossover: another environment's token opens this API",
                       "forged": "a forged token is accepted",
                       "none": "no token needed"}.get(column.kind, "")
                detail = ", ".join(p for p in (status, why if result == "problem" else "") if p)
            else:
                text = "✗ rejected" if result == "ok" else "⚠ REJECTED"
                detail = ", ".join(p for p in (
                    status, f"step: {cell.step or 'unknown'}",
                    "the known-good token is refused" if result == "problem" else "") if p)
            problems += result == "problem"
            cells.append(GridCellView(text, detail, result))
        rows.append(GridRowView(row.environment, row.component, tuple(cells)))
    return GridView(tuple(c.label for c in grid.columns), tuple(rows), problems)
