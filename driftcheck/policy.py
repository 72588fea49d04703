"""Policy between rules and renderers: selection by code prefix, fail-on, the exit code."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from driftcheck.findings import Finding, Severity

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_CONFIG = 2
EXIT_NOTHING_CHECKED = 3


def selected(
    findings: Iterable[Finding], select: Sequence[str] = (), ignore: Sequence[str] = ()
) -> list[Finding]:
    """Keep findings whose rule ID starts with a `select` prefix (all when empty) and with
    no `ignore` prefix. The longer matching prefix wins, so `--select DC3 --ignore DC304`
    and `--ignore DC3 --select DC304` both do what they say."""

    def longest(prefixes: Sequence[str], rule: str) -> int:
        return max((len(p) for p in prefixes if rule.startswith(p.upper())), default=-1)

    kept = []
    for finding in findings:
        chosen = longest(select, finding.rule) if select else 0
        dropped = longest(ignore, finding.rule)
        if chosen >= 0 and chosen >= dropped:
            kept.append(finding)
    return kept


def exit_code(
    findings: Iterable[Finding],
    fail_on: Severity,
    *,
    config_error: bool,
    nothing_checked: bool,
) -> int:
    """2 (bad configuration) beats 3 (nothing reachable) beats 1 (findings at or above
    `fail_on`) beats 0."""
    if config_error:
        return EXIT_CONFIG
    if nothing_checked:
        return EXIT_NOTHING_CHECKED
    if any(f.severity.rank >= fail_on.rank for f in findings):
        return EXIT_FINDINGS
    return EXIT_OK
