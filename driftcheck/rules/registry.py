"""The one rule registry: every rule's identity is declared once, next to its check.

A rule is a pure function from a `RuleContext` (the facts derived once for this evaluation,
`driftcheck.facts`) to findings. Its metadata (ID, slug, default severity, step, summary,
likely causes, fix) and its docstring (`## What it does`, `## Why is this bad?`,
`## Example`) generate `driftcheck rules` and docs/rules.md.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from driftcheck.findings import Finding, Severity, Step
from driftcheck.jwks import JwksFacts
from driftcheck.models import Environment
from driftcheck.observations import Observations

if TYPE_CHECKING:
    from driftcheck.baseline import Baseline
    from driftcheck.deployed.interface import Reading
    from driftcheck.facts import Facts
    from driftcheck.load.problems import ConfigProblem


class OfflineError(RuntimeError):
    """A network rule asked for observations in an offline run, or a drift rule for a
    previous snapshot that was not given: `run_rules` never lets that happen, so this is a
    bug, not a user error."""


@dataclass(frozen=True)
class RuleContext:
    """What a rule sees: the facts derived once for this evaluation (`driftcheck.facts`),
    the configuration problems, and, for the policy phase, the findings and the baseline."""

    facts: Facts
    problems: tuple[ConfigProblem, ...] = ()
    baseline: Baseline | None = None
    findings: tuple[Finding, ...] = ()
    """For rules of the policy phase: what the observation rules found."""
    now_override: float | None = None
    """The policy phase judges baselines at the real time (or --now), not at the time the
    observations were made."""

    @property
    def environments(self) -> tuple[Environment, ...]:
        return self.facts.environments

    @property
    def observations(self) -> Observations | None:
        """None when the run is offline: rules that need the network do not run."""
        return self.facts.observations

    @property
    def seen(self) -> Observations:
        """The observations, for rules registered with `needs_network` (never run offline)."""
        if self.facts.observations is None:
            raise OfflineError("a network rule ran without observations")
        return self.facts.observations

    @property
    def earlier(self) -> Observations:
        """The previous snapshot, for drift rules (never run without one)."""
        if self.facts.previous is None:
            raise OfflineError("a drift rule ran without a previous snapshot")
        return self.facts.previous

    @property
    def previous(self) -> Observations | None:
        """A snapshot of an earlier run (`--snapshot-in`), for what changed since."""
        return self.facts.previous

    @property
    def deployed(self) -> Mapping[str, tuple[Reading, ...]]:
        return self.facts.deployed

    @property
    def now(self) -> float:
        return self.facts.now if self.now_override is None else self.now_override

    @property
    def now_given(self) -> bool:
        return self.facts.now_given

    def token_time(self, received_at: float) -> float:
        return self.facts.token_time(received_at)

    def jwks_facts(self, url: str | None, *, previous: bool = False) -> JwksFacts | None:
        """The parsed key set fetched from `url` (in the previous snapshot when `previous`),
        or None when it was not fetched."""
        return self.facts.jwks.get(url, previous=previous)


Check = Callable[["Rule", RuleContext], Iterable[Finding]]
Phase = Literal["observe", "policy"]

_SECTION = re.compile(r"^## (.+)$", re.MULTILINE)


@dataclass(frozen=True)
class Rule:
    id: str
    slug: str
    severity: Severity
    step: Step
    summary: str
    causes: tuple[str, ...]
    fix: str
    needs_network: bool
    check: Check = field(repr=False, compare=False)
    phase: Phase = "observe"
    """"observe": judges declared config and observations. "policy": judges the findings
    themselves against the baseline, after the observe phase."""

    @property
    def sections(self) -> Mapping[str, str]:
        """The docstring's `## Heading` sections: What it does, Why is this bad?, Example."""
        text = inspect.cleandoc(self.check.__doc__ or "")
        parts = _SECTION.split(text)
        return {parts[i].strip(): parts[i + 1].strip() for i in range(1, len(parts) - 1, 2)}

    def finding(
        self,
        environment: Environment | str,
        component: str,
        message: str,
        *,
        evidence: Mapping[str, Any] | None = None,
        key_path: str | None = None,
        severity: Severity | None = None,
        related: Iterable[str] = (),
        fix: str | None = None,
        file: str | None = None,
        subject: str | None = None,
        line: int | None = None,
        column: int | None = None,
        validator_accepts: bool = False,
    ) -> Finding:
        if isinstance(environment, Environment):
            name = environment.name
            file = file or environment.file_of(key_path or component)
            if line is None and key_path:
                line = environment.line_of(key_path)
        else:
            name = environment
        return Finding(
            rule=self.id,
            slug=self.slug,
            severity=severity or self.severity,
            environment=name,
            component=component,
            step=self.step,
            message=message,
            fix=fix or self.fix,
            evidence=dict(evidence or {}),
            related=tuple(related),
            file=file,
            key_path=key_path,
            subject=subject,
            line=line,
            column=column,
            validator_accepts=validator_accepts,
        )


_REGISTRY: dict[str, Rule] = {}


def rule(
    id: str,
    slug: str,
    severity: Severity,
    step: Step,
    *,
    summary: str,
    causes: Iterable[str],
    fix: str,
    needs_network: bool = True,
    phase: Phase = "observe",
) -> Callable[[Check], Check]:
    """Register a check under its stable ID. IDs are never renumbered or reused."""

    def register(check: Check) -> Check:
        if id in _REGISTRY:
            raise ValueError(f"rule {id} is registered twice")
        if any(r.slug == slug for r in _REGISTRY.values()):
            raise ValueError(f"rule slug {slug!r} is registered twice")
        _REGISTRY[id] = Rule(id, slug, severity, step, summary, tuple(causes), fix,
                             needs_network, check, phase)
        return check

    return register


def all_rules() -> list[Rule]:
    """Every registered rule, ordered by ID."""
    # Importing the rule modules registers their rules; the list is explicit on purpose.
    from driftcheck.rules import (  # noqa: F401
        baseline,
        clock,
        config,
        consistency,
        deployed,
        discovery,
        drift,
        isolation,
        keys,
        probe,
        token,
    )

    return sorted(_REGISTRY.values(), key=lambda r: r.id)


def get_rule(id_or_slug: str) -> Rule | None:
    wanted = id_or_slug.strip()
    for candidate in all_rules():
        if wanted.upper() == candidate.id or wanted.lower() == candidate.slug:
            return candidate
    return None


def run_rules(context: RuleContext, phase: Phase = "observe") -> list[Finding]:
    findings: list[Finding] = []
    for candidate in all_rules():
        if candidate.phase != phase:
            continue
        if candidate.needs_network and context.observations is None:
            continue
        if candidate.step is Step.DRIFT and context.previous is None:
            continue
        findings.extend(candidate.check(candidate, context))
    return sorted(findings, key=Finding.sort_key)
