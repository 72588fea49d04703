"""Policy between rules and renderers: selection by code prefix, fail-on, the exit code."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from driftcheck.errors import UsageError
from driftcheck.findings import Finding, Severity

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_CONFIG = 2
EXIT_NOTHING_CHECKED = 3


def rule_selected(rule: str, select: Sequence[str] = (), ignore: Sequence[str] = ()) -> bool:
    """Whether findings of `rule` are kept: it starts with a `select` prefix (any, when there
    is none) and the longest matching `select` prefix is at least as long as the longest
    matching `ignore` prefix, so that `--select DC3 --ignore DC304` and `--ignore DC3
    --select DC304` both do what they say."""

    def longest(prefixes: Sequence[str]) -> int:
        return max((len(p) for p in prefixes if rule.startswith(p.upper())), default=-1)

    chosen = longest(select) if select else 0
    return chosen >= 0 and chosen >= longest(ignore)


def selected(
    findings: Iterable[Finding], select: Sequence[str] = (), ignore: Sequence[str] = ()
) -> list[Finding]:
    """Keep findings whose rule is selected (`rule_selected`)."""
    return [f for f in findings if rule_selected(f.rule, select, ignore)]


def resolve_codes(values: Sequence[str], flag: str, rules: Mapping[str, str]) -> list[str]:
    """`--select`/`--ignore` values as rule-ID prefixes: a slug (`token-expired`) becomes its
    ID; a value that is neither a prefix of some rule ID nor a slug is a usage error, so that
    a typo never turns into "0 findings, exit 0". `rules` maps ID -> slug."""
    by_slug = {slug: rule_id for rule_id, slug in rules.items()}
    resolved = []
    for value in values:
        if value.lower() in by_slug:
            resolved.append(by_slug[value.lower()])
        elif any(rule_id.startswith(value.upper()) for rule_id in rules):
            resolved.append(value.upper())
        else:
            raise UsageError(
                f"{flag} {value!r}: no rule ID starts with it and no rule has that slug "
                "(see `driftcheck rules`; e.g. DC3, DC306 or token-expired)")
    return resolved


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
