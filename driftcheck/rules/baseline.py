"""The baseline itself: accepted findings whose acceptance expired, and stale entries."""

from __future__ import annotations

from collections.abc import Iterator

from driftcheck.durations import describe_instant
from driftcheck.findings import Finding, Severity, Step
from driftcheck.rules.registry import Rule, RuleContext, rule


@rule(
    "DC004", "baseline-expired", Severity.MEDIUM, Step.CONFIG,
    summary="A finding accepted in the baseline is still there and its acceptance expired.",
    causes=("the fix planned when the finding was accepted has not landed",),
    fix="Fix the finding, or renew the entry with a new reason and expiry.",
    needs_network=False,
    phase="policy",
)
def baseline_expired(self: Rule, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    For each baseline entry whose `expires` has passed (judged at `--now`, else now) while
    the finding it accepted is still reported, reports the expiry. The finding itself is no
    longer suppressed.

    ## Why is this bad?
    A baseline is a promise with a date; an expired one is drift the team meant to remove.

    ## Example
    `expires = 2026-10-31` for DC209 in dev, checked on 2026-11-28: DC004, and DC209 counts
    again.
    """
    baseline = context.baseline
    if baseline is None:
        return
    present = {f.fingerprint: f for f in context.findings}
    for entry in baseline.entries:
        finding = present.get(entry.fingerprint)
        if finding is None or not entry.expired(context.now):
            continue
        yield self.finding(
            finding.environment, finding.component,
            f"The baseline accepted {entry.rule} here until {entry.expires.isoformat()} "
            f"({describe_instant(entry.expires_at, context.now)}); the finding is still "
            f"there. Reason given: {entry.reason}",
            evidence={"baseline": baseline.file, "fingerprint": entry.fingerprint,
                      "accepted_rule": entry.rule, "expires": entry.expires.isoformat()},
            file=baseline.file, subject=entry.fingerprint,
        )


@rule(
    "DC005", "baseline-stale", Severity.INFO, Step.CONFIG,
    summary="A baseline entry matches no finding any more.",
    causes=("the accepted finding was fixed", "the environment was renamed or removed"),
    fix="Remove the entry from the baseline file.",
    needs_network=False,
    phase="policy",
)
def baseline_stale(self: Rule, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Reports baseline entries whose fingerprint matches no finding of this run, among the
    environments that were checked.

    ## Why is this bad?
    Stale entries would silently accept the same problem if it came back.

    ## Example
    DC209 in dev was fixed last week; its baseline entry is now DC005.
    """
    baseline = context.baseline
    if baseline is None:
        return
    present = {f.fingerprint for f in context.findings}
    checked = {e.name for e in context.environments}
    for entry in baseline.entries:
        if entry.fingerprint in present or (entry.environment and
                                            entry.environment not in checked):
            continue
        yield self.finding(
            entry.environment or "(baseline)", entry.component or "baseline",
            f"Baseline entry {entry.fingerprint} ({entry.rule} in {entry.environment or '?'}) "
            "matches no finding any more: remove it.",
            evidence={"baseline": baseline.file, "fingerprint": entry.fingerprint,
                      "accepted_rule": entry.rule},
            file=baseline.file, subject=entry.fingerprint,
        )
