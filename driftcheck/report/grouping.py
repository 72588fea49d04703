"""Findings grouped by cause, for the reports a person reads (HTML).

One fault usually shows up as several findings: a trailing slash on the issuer is DC102 at
discovery, DC309 on the token and DC407 in the frontend's config; a key shared by two
environments is DC501 in each. `group_by_cause` is the one place that decides which findings
share a cause, so a better signal (a cause recorded by the rules themselves) replaces only
this function.

Today's signals, all already in the findings (precision first: findings are linked only on
an exact shared value, never on similar text):
- the same environment and the same subject value in the evidence (`actual`, `url`, `value`,
  `thumbprint`): the same wrong issuer, the same unreadable URL;
- a message that points at another rule of the same environment ("(see DC701)");
- the same rule and the same `thumbprint`/`value` reported from each environment involved
  (`related` names the other one).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from driftcheck.findings import Finding, Severity

_SUBJECT_KEYS = ("actual", "url", "value", "thumbprint")
_SEE_RULE = re.compile(r"\bsee (DC\d{3})\b")


@dataclass(frozen=True)
class FindingGroup:
    """Findings with one cause; the headline is the earliest step (then the most severe)."""

    findings: tuple[Finding, ...]

    @property
    def headline(self) -> Finding:
        return self.findings[0]

    @property
    def severity(self) -> Severity:
        return max((f.severity for f in self.findings if f.suppression is None),
                   key=lambda s: s.rank, default=self.headline.severity)

    @property
    def environments(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(f.environment for f in self.findings))

    @property
    def accepted(self) -> bool:
        """Every finding of the group is accepted in the baseline."""
        return all(f.suppression is not None for f in self.findings)


def _subjects(finding: Finding) -> set[str]:
    found = set()
    for key in _SUBJECT_KEYS:
        value = finding.evidence.get(key)
        if isinstance(value, str) and value:
            found.add(f"{key}={value}" if key == "thumbprint" else value)
    return found


def group_by_cause(findings: Iterable[Finding]) -> list[FindingGroup]:
    """Findings linked by a shared cause signal, most severe group first."""
    items: Sequence[Finding] = list(findings)
    parent = list(range(len(items)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def link(i: int, j: int) -> None:
        parent[root(i)] = root(j)

    for i, a in enumerate(items):
        a_subjects = _subjects(a)
        a_sees = set(_SEE_RULE.findall(a.message))
        for j in range(i):
            b = items[j]
            if a.environment == b.environment:
                if a_subjects & _subjects(b) or b.rule in a_sees or a.rule in set(
                        _SEE_RULE.findall(b.message)):
                    link(i, j)
            elif (a.rule == b.rule and a_subjects & _subjects(b)
                  and (b.environment in a.related or a.environment in b.related)):
                link(i, j)
    groups: dict[int, list[Finding]] = {}
    for i, finding in enumerate(items):
        groups.setdefault(root(i), []).append(finding)
    result = [FindingGroup(tuple(sorted(members, key=lambda f: (
        f.step.order, -f.severity.rank, f.environment, f.rule))))
        for members in groups.values()]
    result.sort(key=lambda g: (g.accepted, -g.severity.rank, g.headline.step.order,
                               g.headline.environment, g.headline.rule))
    return result
