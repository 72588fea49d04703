"""The composition root of `driftcheck check`: load -> collect -> rules -> policy."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from driftcheck.baseline import Baseline, apply_baseline, read_baseline
from driftcheck.collect.http import FetchPolicy
from driftcheck.collect.live import collect_live
from driftcheck.errors import UsageError
from driftcheck.findings import Finding, Severity, Step
from driftcheck.history import KeyTimeline, TimelinePoint, key_timeline
from driftcheck.http_facts import environment_clock_offset
from driftcheck.identity import EnvironmentIdentity
from driftcheck.jwks import KeyFacts
from driftcheck.load import LoadResult, load_environments
from driftcheck.models import Environment, Idp
from driftcheck.observations import Observations
from driftcheck.policy import exit_code, selected
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
) -> RunResult:
    """Rules and policy over what was loaded and observed; no I/O."""
    problems = tuple(
        p for p in loaded.problems
        if not options.environments or p.environment in options.environments
    )
    now = options.now or (observations.collected_at if observations else time.time())
    context = RuleContext(tuple(environments), observations, problems, now=now,
                          previous=previous, baseline=baseline)
    observed = run_rules(context)
    # Baselines expire in real time (or at --now), not at the time observations were made.
    expiry_now = time.time() if options.now is None else options.now
    judged = replace(context, findings=tuple(observed), now=expiry_now, memo=context.memo)
    findings = selected(
        apply_baseline(observed, baseline, expiry_now) + run_rules(judged, phase="policy"),
        options.select, options.ignore)
    findings.sort(key=Finding.sort_key)
    verdicts = token_verdicts(context, findings)
    statuses: list[EnvironmentStatus] = []
    for environment in environments:
        mine = [f for f in findings if f.environment == environment.name]
        state: EnvironmentState
        if observations is None or environment.name not in observations.environments:
            state = "offline"  # not collected: --offline, or absent from the snapshot
        elif _reachable(environment, observations):
            state = "checked"
        else:
            state = "unreachable"
        statuses.append(EnvironmentStatus(
            name=environment.name,
            file=environment.file,
            tier=environment.tier,
            state=state,
            first_failing_step=min((f.step for f in mine), key=lambda s: s.order, default=None),
            findings=len(mine),
            observed=_observed(environment, context),
            tokens=tuple(verdicts.get(environment.name, ())),
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
    return RunResult(time.time(), tuple(statuses), tuple(findings), options.fail_on, code,
                     tuple(identities(context).values()), previous is not None,
                     baseline is not None,
                     observed_at=observations.collected_at if observations else None,
                     previous_observed_at=previous.collected_at if previous else None)


def observe(options: CheckOptions, environments: Sequence[Environment]) -> Observations | None:
    """The observations the rules judge: recorded, none (offline), or live."""
    if options.from_snapshots:
        recorded = read_snapshots(options.from_snapshots)
        return restrict(recorded, [e.name for e in environments])
    if options.offline:
        return None
    return collect_live(environments, options.fetch, options.token_overrides)


def _earlier(options: CheckOptions) -> list[TimelinePoint]:
    """The `--snapshot-in` snapshots, oldest first."""
    paths = [*options.earlier_snapshots, *([options.snapshot_in] if options.snapshot_in else [])]
    points = [TimelinePoint(Path(p).name, read_snapshots([p])) for p in paths]
    return sorted(points, key=lambda p: p.observations.collected_at)


def run_check(options: CheckOptions, variables: Mapping[str, str] | None = None) -> RunResult:
    earlier = _earlier(options)
    previous = earlier[-1].observations if earlier else None
    loaded = load_environments(options.paths, variables)
    environments = _filter(loaded, options.environments, options.shard)
    observations = observe(options, environments)
    if options.snapshot_out is not None and observations is not None:
        write_snapshot(options.snapshot_out, observations)
    result = evaluate(loaded, environments, observations, options, previous,
                      read_baseline(options.baseline) if options.baseline else None)
    if earlier and observations is not None:
        overlaps = {e.name: e.idp.rotation_overlap for e in environments}
        timeline = key_timeline([*earlier, TimelinePoint("this run", observations)], overlaps)
        result = replace(result, key_timeline=timeline)
    return result


def _bare_environments(observations: Observations) -> tuple[Environment, ...]:
    """Environments known only by name from a snapshot (for `diff` without files)."""
    found = []
    for name, seen in sorted(observations.environments.items()):
        discovery = observations.response(seen.discovery_url)
        issuer = discovery.body.get("issuer") if discovery is not None and discovery.ok else None
        found.append(Environment(
            name=name, file="(snapshot)", tier="nonprod",
            idp=Idp(issuer=issuer if isinstance(issuer, str) else seen.discovery_url,
                    discovery_url=seen.discovery_url)))
    return tuple(found)


def run_diff(options: CheckOptions, paths: Sequence[str | Path]) -> RunResult:
    """Drift rules between two snapshots; environment files are optional."""
    assert options.snapshot_in is not None
    previous = read_snapshots([options.snapshot_in])
    current = read_snapshots(options.from_snapshots)
    if paths:
        loaded = load_environments(paths)
        environments = _filter(loaded, options.environments)
    else:
        environments = _bare_environments(current)
        loaded = LoadResult(environments, ())
    return evaluate(loaded, environments, restrict(current, [e.name for e in environments]),
                    options, previous,
                    read_baseline(options.baseline) if options.baseline else None)
