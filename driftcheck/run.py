"""The composition root of `driftcheck check`: load -> collect -> rules -> policy."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from driftcheck.baseline import Baseline, apply_baseline, read_baseline
from driftcheck.causes import CauseGroup, group_causes, headline
from driftcheck.collect.http import FetchPolicy
from driftcheck.collect.live import collect_live
from driftcheck.collect.probes import ProbeScope
from driftcheck.deployed.apply import apply_all
from driftcheck.deployed.interface import Reading
from driftcheck.deployed.read import read_deployments
from driftcheck.errors import UsageError
from driftcheck.findings import Finding, Severity, Step
from driftcheck.history import KeyTimeline, TimelinePoint, key_timeline
from driftcheck.http_facts import environment_clock_offset
from driftcheck.identity import EnvironmentIdentity
from driftcheck.jwks import KeyFacts
from driftcheck.load import LoadResult, load_environments
from driftcheck.load.trust import TRUSTED, Trust
from driftcheck.models import Environment, Idp
from driftcheck.observations import Observations
from driftcheck.output_files import OutputError
from driftcheck.policy import exit_code, rule_selected, selected
from driftcheck.probes.judge import ProbeResult, probe_results
from driftcheck.rules import RuleContext, run_rules
from driftcheck.rules.isolation import identities
from driftcheck.rules.token import TokenVerdict, token_verdicts
from driftcheck.snapshot import read_snapshots, restrict, write_snapshot
from driftcheck.urls import refusal

EnvironmentState = Literal["checked", "invalid", "unreachable", "offline"]


@dataclass(frozen=True)
class CheckOptions:
    paths: Sequence[str | Path] = ("environments",)
    environments: Sequence[str] = ()
    """Only these environment names (all when empty)."""
    offline: bool = False
    fail_on: Severity = Severity.HIGH
    select: Sequence[str] = ()
    ignore: Sequence[str] = ()
    fetch: FetchPolicy = field(default_factory=FetchPolicy)
    now: float | None = None
    """The time tokens are judged at; None means when they were collected."""
    token_overrides: Mapping[str, str] = field(default_factory=dict)
    """Environment name -> a token to check instead of its configured sources (inspect)."""
    from_snapshots: Sequence[str | Path] = ()
    """Run the rules on these recorded observations instead of the network."""
    snapshot_out: str | Path | None = None
    snapshot_in: str | Path | None = None
    """A snapshot of an earlier run to compare with (key rotation, drift)."""
    earlier_snapshots: Sequence[str | Path] = ()
    """More snapshots of earlier runs (`--snapshot-in` repeated): the key timeline shows
    them all, and the rules compare with the newest of them and `snapshot_in`."""
    baseline: str | Path | None = None
    """Accepted findings (`driftcheck baseline create`)."""
    shard: tuple[int, int] | None = None
    """(K, N): check only the K-th of N deterministic slices of the environments."""
    trust: Trust = TRUSTED
    """What the environment files may read and run (--untrusted)."""
    probe: bool = True
    """Send the live probes the environment files declare (`--no-probe`: no)."""
    probe_scope: ProbeScope = field(default_factory=ProbeScope)


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


def _observed(environment: Environment, context: RuleContext) -> ObservedIdp | None:
    observations = context.observations
    if observations is None or environment.name not in observations.environments:
        return None
    discovery = observations.discovery(environment.name)
    issuer = discovery.body.get("issuer") if discovery is not None and discovery.ok else None
    jwks_url = observations.environments[environment.name].jwks_url
    facts = context.jwks_facts(jwks_url)
    advertised = discovery.body.get("id_token_signing_alg_values_supported") if (
        discovery is not None and discovery.ok) else None
    return ObservedIdp(
        issuer=issuer if isinstance(issuer, str) else None,
        jwks_uri=jwks_url if facts is not None else None,
        keys=facts.keys if facts is not None else (),
        discovery_url=observations.environments[environment.name].discovery_url,
        clock_offset=environment_clock_offset(observations, environment.name),
        algorithms=tuple(a for a in advertised if isinstance(a, str))
        if isinstance(advertised, list) else (),
    )


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


def _reachable(environment: Environment, observations: Observations) -> bool:
    seen = observations.environments.get(environment.name)
    if seen is None:
        return False
    for url in seen.urls():
        response = observations.response(url)
        if response is not None and response.ok and not refusal(url,
                                                               environment.allow_insecure_http):
            return True
    return False


def in_shard(name: str, shard: tuple[int, int]) -> bool:
    """Whether environment `name` belongs to slice K of N: by a hash of the name, so that
    adding or removing environments does not move the others between shards."""
    index, count = shard
    digest = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big")
    return digest % count == index - 1


def _filter(loaded: LoadResult, names: Sequence[str],
            shard: tuple[int, int] | None = None) -> tuple[Environment, ...]:
    if shard is not None:
        return tuple(e for e in _filter(loaded, names) if in_shard(e.name, shard))
    if not names:
        return loaded.environments
    known = {e.name for e in loaded.environments} | {
        p.environment for p in loaded.problems if p.environment
    }
    unknown = [n for n in names if n not in known]
    if unknown:
        raise UsageError(
            f"--env {', '.join(unknown)}: no such environment (known: {', '.join(sorted(known))})"
        )
    return tuple(e for e in loaded.environments if e.name in names)


def evaluate(
    loaded: LoadResult,
    environments: Sequence[Environment],
    observations: Observations | None,
    options: CheckOptions,
    previous: Observations | None = None,
    baseline: Baseline | None = None,
    deployed: Mapping[str, tuple[Reading, ...]] | None = None,
) -> RunResult:
    """Rules and policy over what was loaded and observed; no I/O. Deployed values stand in
    for undeclared ones before any rule runs.

    The rules see every environment given, so that cross-environment rules compare against
    all of them; `--env` then narrows what is reported, never what is compared."""
    if deployed is None:
        deployed = observations.deployed if observations is not None else {}
    environments = apply_all(tuple(environments), deployed)
    scope = frozenset(options.environments)

    def in_scope(name: str) -> bool:
        return not scope or name in scope

    problems = tuple(p for p in loaded.problems if in_scope(p.environment or ""))
    now = options.now if options.now is not None else (
        observations.collected_at if observations else time.time())
    context = RuleContext(tuple(environments), observations, loaded.problems, now=now,
                          now_given=options.now is not None, previous=previous,
                          baseline=baseline, deployed=deployed)
    observed = run_rules(context)
    # Baselines expire in real time (or at --now), not at the time observations were made.
    expiry_now = time.time() if options.now is None else options.now
    judged = replace(context, findings=tuple(observed), now=expiry_now, memo=context.memo)
    findings = [f for f in selected(
        apply_baseline(observed, baseline, expiry_now) + run_rules(judged, phase="policy"),
        options.select, options.ignore) if in_scope(f.environment)]
    findings.sort(key=Finding.sort_key)
    verdicts = token_verdicts(
        context, findings, lambda rule: rule_selected(rule, options.select, options.ignore))
    probed = probe_results(context)
    statuses: list[EnvironmentStatus] = []
    for environment in environments:
        if not in_scope(environment.name):
            continue
        mine = [f for f in findings if f.environment == environment.name]
        state: EnvironmentState
        if observations is None or environment.name not in observations.environments:
            state = "offline"  # not collected: --offline, or absent from the snapshot
        elif _reachable(environment, observations):
            state = "checked"
        else:
            state = "unreachable"
        tokens = tuple(verdicts.get(environment.name, ()))
        first = headline(mine, tokens)
        statuses.append(EnvironmentStatus(
            name=environment.name,
            file=environment.file,
            tier=None if environment.file == SNAPSHOT_ONLY else environment.tier,
            state=state,
            first_failing_step=first.step if first else None,
            headline=first,
            findings=len(mine),
            observed=_observed(environment, context),
            tokens=tokens,
            probes=probed.get(environment.name, ()),
        ))
    invalid_files = {p.loaded_file: p.environment or p.loaded_file for p in problems}
    for problem_file, label in invalid_files.items():
        if any(s.file == problem_file for s in statuses):
            continue
        statuses.append(EnvironmentStatus(
            name=label, file=problem_file, tier=None, state="invalid",
            first_failing_step=Step.CONFIG,
            findings=sum(1 for f in findings if f.environment == label),
        ))
    states = [s.state for s in statuses]
    nothing_checked = "unreachable" in states and "checked" not in states
    code = exit_code([f for f in findings if f.suppression is None], options.fail_on,
                     config_error=bool(problems), nothing_checked=nothing_checked)
    shown = {s.name for s in statuses}
    groups = group_causes(findings, {k: tuple(v) for k, v in verdicts.items()},
                          {s.name: s.headline for s in statuses if s.state != "invalid"})
    return RunResult(time.time(), tuple(statuses), tuple(findings), options.fail_on, code,
                     tuple(i for i in identities(context).values() if i.name in shown),
                     previous is not None, baseline is not None,
                     tuple(options.select), tuple(options.ignore), groups,
                     observed_at=observations.collected_at if observations else None,
                     previous_observed_at=previous.collected_at if previous else None)


def observe(options: CheckOptions, environments: Sequence[Environment]) -> Observations | None:
    """The observations the rules judge: recorded, none (offline), or live."""
    if options.from_snapshots:
        recorded = read_snapshots(options.from_snapshots)
        return restrict(recorded, [e.name for e in environments])
    if options.offline:
        return None
    return collect_live(environments, options.fetch, options.token_overrides,
                        probe_scope=options.probe_scope if options.probe else None)


def _earlier(options: CheckOptions) -> list[TimelinePoint]:
    """The `--snapshot-in` snapshots, oldest first."""
    paths = [*options.earlier_snapshots, *([options.snapshot_in] if options.snapshot_in else [])]
    points = [TimelinePoint(Path(p).name, read_snapshots([p])) for p in paths]
    return sorted(points, key=lambda p: p.observations.collected_at)


def run_check(options: CheckOptions, variables: Mapping[str, str] | None = None) -> RunResult:
    earlier = _earlier(options)
    previous = earlier[-1].observations if earlier else None
    loaded = load_environments(options.paths, variables, trust=options.trust)
    _filter(loaded, options.environments)  # unknown names are a usage error
    # Every loaded environment is collected and compared; --env narrows the report only.
    environments = _filter(loaded, (), options.shard)
    observations = observe(options, environments)
    # Deployed artifacts are local files: read offline too; a snapshot replays its record.
    if options.from_snapshots:
        deployed = dict(observations.deployed) if observations is not None else {}
    else:
        deployed = read_deployments(environments)
        if observations is not None:
            observations = replace(observations, deployed=deployed)
    write_errors: tuple[str, ...] = ()
    if options.snapshot_out is not None and observations is not None:
        try:
            write_snapshot(options.snapshot_out, observations)
        except OutputError as exc:  # the run is still judged and reported
            write_errors = (f"--snapshot-out: {exc}",)
    result = evaluate(loaded, environments, observations, options, previous,
                      read_baseline(options.baseline) if options.baseline else None, deployed)
    if earlier and observations is not None:
        overlaps = {e.name: e.idp.rotation_overlap for e in environments}
        timeline = key_timeline([*earlier, TimelinePoint("this run", observations)], overlaps)
        result = replace(result, key_timeline=timeline)
    return replace(result, write_errors=write_errors)


SNAPSHOT_ONLY = "(snapshot)"
"""The file of an environment known only from a snapshot: its tier is unknown."""


def _bare_environments(observations: Observations) -> tuple[Environment, ...]:
    """Environments known only by name from a snapshot (for `diff` without files)."""
    found = []
    for name, seen in sorted(observations.environments.items()):
        discovery = observations.response(seen.discovery_url)
        issuer = discovery.body.get("issuer") if discovery is not None and discovery.ok else None
        found.append(Environment(
            name=name, file=SNAPSHOT_ONLY, tier="nonprod",
            idp=Idp(issuer=issuer if isinstance(issuer, str) else seen.discovery_url,
                    discovery_url=seen.discovery_url)))
    return tuple(found)


def run_diff(options: CheckOptions, paths: Sequence[str | Path]) -> RunResult:
    """Drift rules between two snapshots; environment files are optional."""
    assert options.snapshot_in is not None
    previous = read_snapshots([options.snapshot_in])
    current = read_snapshots(options.from_snapshots)
    if paths:
        loaded = load_environments(paths, trust=options.trust)
        _filter(loaded, options.environments)
        environments = loaded.environments
    else:
        environments = _bare_environments(current)
        loaded = LoadResult(environments, ())
    return evaluate(loaded, environments, restrict(current, [e.name for e in environments]),
                    options, previous,
                    read_baseline(options.baseline) if options.baseline else None)
