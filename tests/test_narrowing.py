"""Narrowing is a restriction of the full run (issue 17): `--env`, `--select`, `--ignore` and
baselines change what is reported, never what is compared. Properties over a recorded demo
run (the sandbox's seven drifts across dev, staging and prod), replayed offline."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from driftcheck.baseline import write_baseline
from driftcheck.demo import demo_sandbox, exported, sandbox_variables
from driftcheck.findings import Finding
from driftcheck.policy import rule_selected
from driftcheck.resources import data_dir
from driftcheck.result import RunResult
from driftcheck.rule_index import rule_slugs
from driftcheck.run import CheckOptions, run_check

ENVIRONMENTS = str(data_dir("environments"))
NAMES = ("dev", "prod", "staging")
PREFIXES = sorted({rule[:n] for rule in rule_slugs() for n in (3, 4, 5)})
PROPERTY = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    folder = tmp_path_factory.mktemp("narrowing")
    sandbox = demo_sandbox().start()
    variables = sandbox_variables(sandbox)
    snapshot = folder / "demo.toml"
    with exported(variables):
        run_check(CheckOptions(paths=(ENVIRONMENTS,), snapshot_out=snapshot))
    sandbox.stop()
    return snapshot, variables


def replay(recorded: tuple[Path, dict[str, str]], **options: object) -> RunResult:
    snapshot, variables = recorded
    with exported(variables):
        return run_check(CheckOptions(paths=(ENVIRONMENTS,), from_snapshots=(snapshot,),
                                      **options))  # type: ignore[arg-type]


def key(finding: Finding) -> tuple[str, str, str, str, bool]:
    return (finding.fingerprint, finding.rule, finding.severity.value, finding.message,
            finding.suppression is not None)


def test_the_recording_has_cross_environment_findings(recorded):
    full = replay(recorded)
    rules = {f.rule for f in full.findings}
    assert {"DC501", "DC505"} <= rules  # what --env used to drop silently


@PROPERTY
@given(subset=st.sets(st.sampled_from(NAMES), min_size=1))
def test_env_reports_the_full_runs_findings_restricted_to_it(recorded, subset):
    full = replay(recorded)
    narrowed = replay(recorded, environments=tuple(sorted(subset)))
    assert sorted(map(key, narrowed.findings)) == sorted(
        key(f) for f in full.findings if f.environment in subset)
    assert [s.name for s in narrowed.environments] == [
        s.name for s in full.environments if s.name in subset]
    full_status = {s.name: s for s in full.environments}
    for status in narrowed.environments:
        assert status.first_failing_step == full_status[status.name].first_failing_step
        assert status.tokens == full_status[status.name].tokens


def test_env_prod_keeps_the_shared_signing_key_and_the_crossovers(recorded):
    """The issue's example: `--env prod` dropped the CRITICAL DC501."""
    narrowed = replay(recorded, environments=("prod",))
    assert "DC501" in {f.rule for f in narrowed.findings}
    staging = replay(recorded, environments=("staging",))
    assert {"DC501", "DC505"} <= {f.rule for f in staging.findings}


@PROPERTY
@given(select=st.lists(st.sampled_from(PREFIXES), max_size=2),
       ignore=st.lists(st.sampled_from(PREFIXES), max_size=2))
def test_select_and_ignore_report_the_full_runs_findings_restricted_to_them(
        recorded, select, ignore):
    full = replay(recorded)
    narrowed = replay(recorded, select=tuple(select), ignore=tuple(ignore))
    assert sorted(map(key, narrowed.findings)) == sorted(
        key(f) for f in full.findings if rule_selected(f.rule, select, ignore))
    # A step is never shown as passed unless every one of its rules was judged.
    for status in narrowed.environments:
        full_tokens = {v.name: v for v in next(
            s for s in full.environments if s.name == status.name).tokens}
        for verdict in status.tokens:
            for (step, result), (_, before) in zip(verdict.steps,
                                                   full_tokens[verdict.name].steps,
                                                   strict=True):
                if result == "pass":
                    assert before == "pass", (step, select, ignore)


@PROPERTY
@given(data=st.data())
def test_a_baseline_with_env_is_the_full_baseline_run_restricted(recorded, tmp_path, data):
    full = replay(recorded)
    accepted = data.draw(st.lists(st.sampled_from(full.findings), unique_by=lambda f: f.fingerprint,
                                  max_size=6))
    subset = data.draw(st.sets(st.sampled_from(NAMES), min_size=1))
    baseline = tmp_path / "baseline.toml"
    # An entry of another environment, fixed since: stale there, never judged from here.
    gone = Finding("DC209", "jwks-cache-outlives-rotation", full.findings[0].severity,
                   "nowhere", "idp", full.findings[0].step, "gone", "fix")
    write_baseline(baseline, [*accepted, gone], "accepted for the test",
                   dt.date.today() + dt.timedelta(days=30))
    with_baseline = replay(recorded, baseline=baseline)
    narrowed = replay(recorded, baseline=baseline, environments=tuple(sorted(subset)))
    assert sorted(map(key, narrowed.findings)) == sorted(
        key(f) for f in with_baseline.findings if f.environment in subset)
    stale = [f for f in narrowed.findings if f.rule == "DC005"]
    assert all(f.environment in subset for f in stale)
    # Accepted findings never take the first-failing-step marker.
    for status in narrowed.environments:
        assert status.headline is None or status.headline.suppression is None
