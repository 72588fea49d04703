"""The result model of a run: what every renderer reads, besides the findings.

A run's `RunResult` holds each environment's status, its tokens' verdicts (one outcome per
validation step), its live probes, the findings and their cause groups. It is computed from
typed fields by `driftcheck.outcome` and imports nothing of the network stack: renderers
import this module and `driftcheck.findings`, never `driftcheck.run` or the collector.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from driftcheck.causes import CauseGroup
from driftcheck.facts.identity import EnvironmentIdentity
from driftcheck.findings import Finding, Severity, Step
from driftcheck.history import KeyTimeline
from driftcheck.jwks import KeyFacts
from driftcheck.policy import rule_selected
from driftcheck.probes.judge import ProbeCaseResult, ProbeResult
from driftcheck.verdict import VALIDATION_STEPS, StepResult, TokenVerdict

__all__ = [
    "SNAPSHOT_ONLY", "VALIDATION_STEPS", "CauseGroup", "EnvironmentIdentity",
    "EnvironmentState", "EnvironmentStatus", "KeyTimeline", "ObservedIdp", "ProbeCaseResult",
    "ProbeResult", "RunResult", "StepResult", "TokenVerdict",
]

EnvironmentState = Literal["checked", "invalid", "unreachable", "offline"]

SNAPSHOT_ONLY = "(snapshot)"
"""The file of an environment known only from a snapshot: its tier is unknown."""


@dataclass(frozen=True)
class ObservedIdp:
    """What the environment's IdP really publishes: for the report and audits."""

    issuer: str | None
    jwks_uri: str | None
    keys: tuple[KeyFacts, ...] = ()
    discovery_url: str | None = None
    clock_offset: float | None = None
    """The IdP's clock minus ours in seconds (from HTTP `Date`), or None when unknown."""
    algorithms: tuple[str, ...] = ()
    """What discovery advertises (`id_token_signing_alg_values_supported`)."""


@dataclass(frozen=True)
class EnvironmentStatus:
    name: str
    file: str
    tier: str | None
    state: EnvironmentState
    first_failing_step: Step | None = None
    findings: int = 0
    observed: ObservedIdp | None = None
    tokens: tuple[TokenVerdict, ...] = ()
    probes: tuple[ProbeResult, ...] = ()
    """Live probes of its APIs and gateways: per case what was sent, answered, predicted."""
    headline: Finding | None = None
    """The finding that failed first here (`first_failing_step` is its step): where the token
    line says the token failed, else the earliest step's worst finding above info."""


@dataclass(frozen=True)
class RunResult:
    generated_at: float
    environments: tuple[EnvironmentStatus, ...]
    findings: tuple[Finding, ...]
    fail_on: Severity
    exit_code: int
    identities: tuple[EnvironmentIdentity, ...] = ()
    """What identifies each checked environment (for the matrix view)."""
    compared_with_previous: bool = False
    used_baseline: bool = False
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    """The rule selection (`--select`/`--ignore`): what was not selected was not judged."""

    groups: tuple[CauseGroup, ...] = ()
    """Findings that share one cause (`driftcheck.causes`)."""

    def judged(self, rule: str) -> bool:
        return rule_selected(rule, self.select, self.ignore)

    def group_of(self, finding: Finding) -> CauseGroup | None:
        return next((g for g in self.groups if any(m == finding for m in g.members)), None)

    write_errors: tuple[str, ...] = ()
    """Files the run could not write (--snapshot-out): reported after the report, exit 2."""
    observed_at: float | None = None
    """When the judged observations were collected (None offline)."""
    previous_observed_at: float | None = None
    """When the `--snapshot-in` observations were collected."""
    key_timeline: KeyTimeline | None = None
    """Which keys each IdP published over the earlier snapshots and this run."""
