"""The audit trail: baselines with reasons and expiry, drift between snapshots across a real
rotation, `init` from a live IdP, and the pre-commit hook and GitHub Action as shipped."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml

from driftcheck.demo import demo_sandbox, exported, sandbox_variables
from driftcheck.resources import data_dir
from driftcheck.sandbox import Sandbox
from tests.conftest import env_toml
from tests.sarif import validate_sarif

ROOT = Path(__file__).resolve().parent.parent
ENVIRONMENTS = str(data_dir("environments"))


def test_baseline_accepts_expires_and_goes_stale(cli, tmp_path):
    baseline = tmp_path / "baseline.toml"
    sandbox = demo_sandbox().start()
    with exported(sandbox_variables(sandbox)):
        code, out, _ = cli("baseline", "create", ENVIRONMENTS, "-o", str(baseline),
                           "--reason", "migration INFRA-42 in progress", "--expires",
                           "2027-01-31", "--accept-critical")
        assert code == 0
        assert "accepted until 2027-01-31" in out
        entries = tomllib.loads(baseline.read_text())["accepted"]
        assert {e["reason"] for e in entries} == {"migration INFRA-42 in progress"}
        assert len(entries) >= 10
        # Everything accepted: the gate passes, and the report still shows them.
        code, out, _ = cli("check", ENVIRONMENTS, "--format", "json", "--baseline",
                           str(baseline))
        report = json.loads(out)
        assert code == 0
        assert report["summary"]["findings"] == 0
        assert report["summary"]["suppressed"] == len(entries)
        assert all(f["suppressed"]["reason"] == "migration INFRA-42 in progress"
                   for f in report["findings"])
        # At a --now after the expiry, the findings still there count again, and each
        # expired acceptance is a finding of its own (tokens expire at that --now as well).
        code, out, _ = cli("check", ENVIRONMENTS, "--format", "json", "--baseline",
                           str(baseline), "--now", "2027-02-01T00:00:00Z")
        report = json.loads(out)
        expired = [f for f in report["findings"] if f["rule"] == "DC004"]
        assert code == 1
        assert len(expired) >= 8
        assert {e["evidence"]["accepted_rule"] for e in expired} >= {"DC010", "DC102", "DC209",
                                                                     "DC501", "DC505"}
        assert not any(f["suppressed"] for f in report["findings"])
        # Fix one thing: its entry is stale.
        sandbox.set_faults("staging", clock_offset=0)
        code, out, _ = cli("check", ENVIRONMENTS, "--format", "json", "--baseline",
                           str(baseline))
        stale = [f for f in json.loads(out)["findings"] if f["rule"] == "DC005"]
        assert {s["evidence"]["accepted_rule"] for s in stale} == {"DC701", "DC307"}
        assert all(s["severity"] == "info" for s in stale)
    sandbox.stop()


def test_bad_baseline_file_exits_2(cli, tmp_path):
    (tmp_path / "b.toml").write_text('version = "1"\n[[accepted]]\nfingerprint = "x"\n')
    (tmp_path / "e.toml").write_text(env_toml("e", "https://idp.test/e"))
    code, _, err = cli("check", str(tmp_path / "e.toml"), "--offline", "--baseline",
                       str(tmp_path / "b.toml"))
    assert code == 2
    assert "accepted[0].reason: expected a non-empty string" in err


def test_diff_across_a_real_rotation_and_migration(sandbox, cli, tmp_path):
    folder = tmp_path / "envs"
    folder.mkdir()
    (folder / "dev.toml").write_text(env_toml("dev", sandbox.tenant_url("dev"),
                                              'rotation_overlap = "24h"'))
    (folder / "prod.toml").write_text(env_toml("prod", sandbox.tenant_url("prod")))
    assert cli("snapshot", str(folder), "-o", f"{tmp_path}/old.toml")[0] == 0
    sandbox.rotate_keys("dev")  # dev-rs256-2 in, dev-rs256-1 out, minutes apart
    sandbox.set_faults("prod", alg="ES256", discovery_overrides={
        "token_endpoint": sandbox.tenant_url("prod") + "/oauth2/v2/token"})
    assert cli("snapshot", str(folder), "-o", f"{tmp_path}/new.toml")[0] == 0
    code, out, _ = cli("diff", f"{tmp_path}/old.toml", f"{tmp_path}/new.toml", str(folder),
                       "--format", "json")
    findings = {(f["environment"], f["rule"]): f for f in json.loads(out)["findings"]}
    assert code == 1
    rotation = findings[("dev", "DC601")]
    assert rotation["severity"] == "high"
    assert rotation["evidence"]["added"] == ["dev-rs256-2"]
    assert rotation["evidence"]["removed"] == ["dev-rs256-1"]
    assert "less than rotation_overlap (24 h)" in rotation["message"]
    assert findings[("prod", "DC603")]["evidence"]["field"] == "token_endpoint"
    assert findings[("prod", "DC604")]["evidence"]["added"] == ["ES256"]
    assert ("prod", "DC601") in findings  # a new (EC) key replaced the RSA one
    # Without environment files, names come from the snapshots.
    code, out, _ = cli("diff", f"{tmp_path}/old.toml", f"{tmp_path}/new.toml", "--format",
                       "json")
    assert {(f["environment"], f["rule"]) for f in json.loads(out)["findings"]} >= {
        ("dev", "DC601"), ("prod", "DC604")}


def test_issuer_change_is_dc602(sandbox, cli, tmp_path):
    (tmp_path / "dev.toml").write_text(env_toml("dev", sandbox.tenant_url("dev")))
    cli("snapshot", str(tmp_path / "dev.toml"), "-o", f"{tmp_path}/old.snap")
    sandbox.set_faults("dev", trailing_slash_issuer=True)
    cli("snapshot", str(tmp_path / "dev.toml"), "-o", f"{tmp_path}/new.snap")
    _, out, _ = cli("diff", f"{tmp_path}/old.snap", f"{tmp_path}/new.snap", "--format", "json")
    (finding,) = [f for f in json.loads(out)["findings"] if f["rule"] == "DC602"]
    assert "trailing slash" in finding["message"]


def test_check_snapshot_in_runs_the_drift_rules(sandbox, cli, tmp_path):
    (tmp_path / "dev.toml").write_text(env_toml("dev", sandbox.tenant_url("dev")))
    cli("snapshot", str(tmp_path / "dev.toml"), "-o", f"{tmp_path}/old.snap")
    sandbox.rotate_keys("dev")
    sandbox.set_faults("dev", publish_previous_key=True)
    _, out, _ = cli("check", str(tmp_path / "dev.toml"), "--format", "json", "--snapshot-in",
                    f"{tmp_path}/old.snap")
    (finding,) = json.loads(out)["findings"]
    assert finding["rule"] == "DC601"
    assert finding["severity"] == "info"
    assert finding["evidence"]["added"] == ["dev-rs256-2"]


def test_init_writes_a_valid_starter_file(sandbox, cli, tmp_path):
    target = tmp_path / "envs" / "dev.toml"
    target.parent.mkdir()
    code, out, _ = cli("init", "--issuer", sandbox.tenant_url("dev"), "--name", "dev", "-o",
                       str(target))
    assert code == 0
    assert "starter environment 'dev' written" in out
    document = tomllib.loads(target.read_text())
    assert document["idp"]["issuer"] == sandbox.tenant_url("dev")
    assert document["idp"]["pinned_kids"] == ["dev-rs256-1"]
    assert document["apis"]["api"]["algorithms"] == ["RS256"]
    assert cli("validate", str(target))[0] == 0
    code, out, _ = cli("check", str(target), "--format", "json")
    assert code == 0
    assert json.loads(out)["findings"] == []
    code, _, err = cli("init", "--issuer", sandbox.tenant_url("dev"), "--name", "dev", "-o",
                       str(target))
    assert code == 2
    assert "the file exists" in err


def test_init_takes_the_issuer_the_idp_really_emits(sandbox, cli):
    sandbox.set_faults("staging", trailing_slash_issuer=True)
    code, out, _ = cli("init", "--issuer", sandbox.tenant_url("staging"), "--name", "staging")
    assert code == 0
    assert tomllib.loads(out)["idp"]["issuer"] == sandbox.tenant_url("staging") + "/"


def test_init_unreachable_issuer_exits_3(cli, closed_port):
    code, _, err = cli("init", "--issuer", f"http://127.0.0.1:{closed_port}/t", "--name", "x")
    assert code == 3
    assert "cannot read the discovery document: connection refused" in err


def test_pre_commit_hook_validates_without_the_variables():
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    files = [str(p.relative_to(ROOT)) for p in sorted((ROOT / "environments").glob("*.toml"))
             if re.search(hook["files"], p.name) and not re.search(hook["exclude"], str(p))]
    assert files == ["environments/dev.toml", "environments/prod.toml",
                     "environments/staging.toml"]
    entry = hook["entry"].split()
    environment = {k: v for k, v in os.environ.items() if k != "DRIFTCHECK_SANDBOX_URL"}
    result = subprocess.run([sys.executable, "-m", "driftcheck", *entry[1:], *files], cwd=ROOT,
                            capture_output=True, text=True, env=environment)
    assert result.returncode == 0, result.stderr
    assert entry[0] == "driftcheck"


def test_github_action_script_writes_summary_output_and_sarif(tmp_path):
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    step = next(s for s in action["runs"]["steps"] if s.get("id") == "check")
    assert "${{" not in step["run"]  # inputs arrive through env only
    summary, output = tmp_path / "summary.md", tmp_path / "output"
    sandbox: Sandbox = demo_sandbox().start()
    try:
        env = {**os.environ, **sandbox_variables(sandbox),
               "DRIFTCHECK_PATHS": ENVIRONMENTS, "DRIFTCHECK_FAIL_ON": "critical",
               "DRIFTCHECK_SARIF": str(tmp_path / "out.sarif"), "DRIFTCHECK_BASELINE": "",
               "DRIFTCHECK_ARGS": "--ignore DC5 --ignore DC803",
               "GITHUB_STEP_SUMMARY": str(summary),
               "GITHUB_OUTPUT": str(output),
               "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
        result = subprocess.run(["bash", "-c", step["run"]], env=env, capture_output=True,
                                text=True, timeout=120)
    finally:
        sandbox.stop()
    assert result.returncode == 0, result.stderr  # no critical left without DC5xx, DC803
    assert output.read_text() == "exit-code=0\n"
    assert summary.read_text().startswith("## driftcheck: 3 environments")
    assert "::error file=" in result.stdout
    validate_sarif(json.loads((tmp_path / "out.sarif").read_text()))
