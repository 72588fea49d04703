"""Which environment each finding is shown under, for the human formats and JUnit."""

from __future__ import annotations

from driftcheck.findings import Finding
from driftcheck.result import EnvironmentStatus, RunResult

LOAD_RULES = frozenset({"DC001", "DC002", "DC003"})
"""Findings about an environment file that could not be loaded."""


def findings_by_status(result: RunResult) -> list[tuple[EnvironmentStatus | None,
                                                       list[Finding]]]:
    """Every finding under the status it belongs to, none left out: an invalid file shows its
    load problems, a loaded environment everything else (a duplicate name can stand for
    both); findings of no listed environment (a baseline entry without one) come last."""
    placed: list[tuple[EnvironmentStatus | None, list[Finding]]] = []
    taken: set[int] = set()
    names: dict[str, list[EnvironmentStatus]] = {}
    for status in result.environments:
        names.setdefault(status.name, []).append(status)
    for status in result.environments:
        both = len({s.state == "invalid" for s in names[status.name]}) > 1
        mine = [f for f in result.findings if f.environment == status.name
                and (not both or (f.rule in LOAD_RULES) == (status.state == "invalid"))]
        taken.update(id(f) for f in mine)
        placed.append((status, mine))
    rest = [f for f in result.findings if id(f) not in taken]
    if rest:
        placed.append((None, rest))
    return placed
