"""The composition root of `driftcheck check`: load -> collect -> facts -> rules -> policy ->
result. The result model itself lives in `driftcheck.result`; renderers import that."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from driftcheck.baseline import Baseline, apply_baseline, read_baseline
from driftcheck.causes import group_causes
from driftcheck.collect.http import FetchPolicy
from driftcheck.collect.live import collect_live
from driftcheck.collect.probes import ProbeScope
from driftcheck.deployed.apply import apply_all
from driftcheck.deployed.interface import Reading
from driftcheck.deployed.read import read_deployments
from driftcheck.errors import UsageError
from driftcheck.facts import build_facts
from driftcheck.findings import Finding, Severity
from driftcheck.history import TimelinePoint, key_timeline
from driftcheck.load import LoadResult, load_environments
from driftcheck.load.trust import TRUSTED, Trust
from driftcheck.models import Environment, Idp
from driftcheck.observations import Observations
from driftcheck.outcome import environment_statuses, token_verdicts, unjudged_steps
from driftcheck.output_files import OutputError
from driftcheck.policy import exit_code, rule_selected, selected
from driftcheck.result import SNAPSHOT_ONLY, RunResult
from driftcheck.rules import RuleContext, all_rules, run_rules
from driftcheck.snapshot import read_snapshots, restrict, write_snapshot

__all__ = ["SNAPSHOT_ONLY", "CheckOptions", "RunResult", "evaluate", "run_check", "run_diff"]


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
    facts = build_facts(tuple(environments), observations, now=now,
                        now_given=options.now is not None, previous=previous, deployed=deployed)
    context = RuleContext(facts, loaded.problems, baseline=baseline)
    observed = run_rules(context)
    # Baselines expire in real time (or at --now), not at the time observations were made.
    expiry_now = time.time() if options.now is None else options.now
    judged = replace(context, findings=tuple(observed), now_override=expiry_now)
    findings = [f for f in selected(
        apply_baseline(observed, baseline, expiry_now) + run_rules(judged, phase="policy"),
        options.select, options.ignore) if in_scope(f.environment)]
    findings.sort(key=Finding.sort_key)
    unjudged = unjudged_steps(lambda rule: rule_selected(rule, options.select, options.ignore),
                              [(r.id, r.step) for r in all_rules()])
    verdicts = token_verdicts(facts, findings, unjudged) if observations is not None else {}
    statuses = environment_statuses(facts, findings, verdicts, problems, in_scope)
    states = [s.state for s in statuses]
    nothing_checked = "unreachable" in states and "checked" not in states
    code = exit_code([f for f in findings if f.suppression is None], options.fail_on,
                     config_error=bool(problems), nothing_checked=nothing_checked)
    shown = {s.name for s in statuses}
    groups = group_causes(findings, {k: tuple(v) for k, v in verdicts.items()},
                          {s.name: s.headline for s in statuses if s.state != "invalid"})
    return RunResult(time.time(), tuple(statuses), tuple(findings), options.fail_on, code,
                     tuple(i for i in facts.identities.values() if i.name in shown),
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
