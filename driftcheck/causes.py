"""One cause, one headline: findings that several rules report about the same mistake are
grouped, and each environment gets one answer to "what failed first here?".

Policy between rules and renderers, like selection: it reads findings and token verdicts
only. Every finding stays in the result (machine formats carry all of them, each with its
group); human formats print a group's headline and list the others beneath it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from driftcheck.findings import Finding, Severity
from driftcheck.verdict import TokenVerdict

ALGORITHM_RULES = frozenset({"DC107", "DC303", "DC404"})
"""The IdP's signing algorithms against the APIs' lists: advertised (DC107), signable
(DC404), and the token actually rejected (DC303) are three views of one mistake."""
FRONTEND_RULES = frozenset({"DC401", "DC402", "DC405", "DC407", "DC505"})
"""A frontend serving the wrong configuration: each differing value is drift (DC407) and,
when it is another environment's, a crossover (DC505)."""
ISSUER_RULES = frozenset({"DC101", "DC102", "DC103", "DC309"})
KEY_RULES = frozenset({"DC206", "DC304", "DC601"})


@dataclass(frozen=True)
class CauseGroup:
    """Findings of one environment that share one cause."""

    id: str
    """Stable within a report: `environment/kind[/component]`."""
    kind: str
    """algorithms | frontend-config | issuer | keys | clock"""
    headline: Finding
    related: tuple[Finding, ...]

    @property
    def members(self) -> tuple[Finding, ...]:
        return (self.headline, *self.related)


def _cause(finding: Finding, findings: Sequence[Finding]) -> tuple[str, str] | None:
    """(kind, group key) of the cause a finding belongs to, or None."""
    env = finding.environment
    if finding.rule in ALGORITHM_RULES:
        return "algorithms", f"{env}/algorithms"
    if finding.rule in FRONTEND_RULES and finding.component.startswith("frontends."):
        return "frontend-config", f"{env}/frontend-config/{finding.component}"
    if finding.rule in ISSUER_RULES:
        return "issuer", f"{env}/issuer"
    if finding.rule in KEY_RULES:
        return "keys", f"{env}/keys"
    # The IdP's clock (DC701) explains a token judged not yet valid when the IdP runs ahead,
    # or expired when it runs behind.
    clock = next((f for f in findings if f.rule == "DC701" and f.environment == env), None)
    if clock is not None:
        ahead = clock.evidence.get("ahead") == "idp"
        if finding.rule == "DC701" or (finding.rule == "DC307" and ahead) or (
                finding.rule == "DC306" and not ahead):
            return "clock", f"{env}/clock"
    return None


def _token_failure(verdicts: Iterable[TokenVerdict], candidates: Sequence[Finding]
                   ) -> Finding | None:
    """The finding behind the first failing step of the first token that failed."""
    failed = [v for v in verdicts if v.first_failing_step is not None]
    failed.sort(key=lambda v: v.first_failing_step.order if v.first_failing_step else 0)
    for verdict in failed:
        at = [f for f in candidates if f.component == f"tokens.{verdict.name}"
              and f.step is verdict.first_failing_step and f.severity is not Severity.INFO]
        if at:
            return max(at, key=lambda f: f.severity.rank)
    return None


def headline(findings: Sequence[Finding], verdicts: Sequence[TokenVerdict]) -> Finding | None:
    """What failed first in one environment: where its token line says the token failed,
    else the earliest step's worst active finding above info; None when nothing failed."""
    active = [f for f in findings if f.suppression is None]
    failing = _token_failure(verdicts, active)
    if failing is not None:
        return failing
    above_info = [f for f in active if f.severity is not Severity.INFO]
    return min(above_info, key=lambda f: (f.step.order, -f.severity.rank), default=None)


def group_causes(findings: Sequence[Finding], verdicts: dict[str, Sequence[TokenVerdict]],
                 headlines: dict[str, Finding | None]) -> tuple[CauseGroup, ...]:
    """Groups of two or more findings sharing a cause. The headline of a group is the
    environment's headline when it belongs to the group, else its worst active finding
    (a failed token step first)."""
    buckets: dict[str, tuple[str, list[Finding]]] = {}
    for finding in findings:
        cause = _cause(finding, findings)
        if cause is not None:
            buckets.setdefault(cause[1], (cause[0], []))[1].append(finding)
    groups = []
    for key, (kind, members) in buckets.items():
        if len(members) < 2:
            continue
        environment = members[0].environment
        chosen = headlines.get(environment)
        if chosen not in members:
            active = [f for f in members if f.suppression is None] or members
            failed = {(f"tokens.{v.name}", step) for v in verdicts.get(environment, ())
                      for step, result in v.steps if result == "fail"}
            # What the token line shows as failed first, else the worst of the group.
            at_token = [f for f in active if (f.component, f.step) in failed]
            chosen = min(at_token or active,
                         key=lambda f: (f.step.order, -f.severity.rank) if at_token
                         else (-f.severity.rank, f.step.order))
        assert chosen is not None
        groups.append(CauseGroup(key, kind, chosen,
                                 tuple(f for f in members if f is not chosen)))
    return tuple(groups)
