"""Snapshots: recorded observations replay to identical findings, hold no secrets, merge."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

from joserfc import jwk

from driftcheck.demo import demo_sandbox, exported, sandbox_variables
from driftcheck.resources import data_dir
from tests.conftest import env_toml

ENVIRONMENTS = str(data_dir("environments"))


def comparable(report: dict) -> dict:
    report = dict(report)
    report.pop("generated_at")
    return report


def test_replay_gives_identical_results_and_the_file_holds_no_secret(cli, tmp_path):
    sandbox = demo_sandbox().start()
    leaked = jwk.RSAKey.generate_key(2048, parameters={"kid": "leaked"}, private=True)
    variables = sandbox_variables(sandbox)
    secrets = [v for k, v in variables.items() if "SECRET" in k]
    with exported(variables):
        sandbox.set_faults("prod", jwks_extra_keys=(leaked.as_dict(private=True),))
        code, live, _ = cli("check", ENVIRONMENTS, "--format", "json", "--snapshot-out",
                            f"{tmp_path}/snap.toml")
        sandbox.stop()  # the replay uses nothing but the file (and the same config)
        replay_code, replay, _ = cli("check", ENVIRONMENTS, "--format", "json",
                                     "--from-snapshot", f"{tmp_path}/snap.toml")
    assert code == 1
    live_report = json.loads(live)
    rules = {f["rule"] for f in live_report["findings"]}
    assert {"DC010", "DC102", "DC202", "DC209", "DC307", "DC309", "DC701"} <= rules
    assert replay_code == 1
    assert comparable(json.loads(replay)) == comparable(live_report)
    text = (tmp_path / "snap.toml").read_text()
    document = tomllib.loads(text)
    assert document["version"] == "1"
    private = leaked.as_dict(private=True)
    for secret in [*secrets, private["d"], private["p"], private["q"]]:
        assert secret not in text
    assert "[redacted]" in text
    assert "eyJ" not in text  # no token, whole or in part


def test_shards_merge_to_the_unsharded_result(cli, tmp_path):
    sandbox = demo_sandbox().start()
    with exported(sandbox_variables(sandbox)):
        _, whole, _ = cli("check", ENVIRONMENTS, "--format", "json", "--snapshot-out",
                          f"{tmp_path}/all.toml")
        for name in ("dev", "staging", "prod"):
            code, out, _ = cli("snapshot", ENVIRONMENTS, "--env", name, "-o",
                               f"{tmp_path}/{name}.toml")
            assert code == 0
            assert "observations of 1 environment(s)" in out
        sandbox.stop()
        shards = [f"{tmp_path}/{n}.toml" for n in ("dev", "staging", "prod")]
        args = [a for shard in shards for a in ("--from-snapshot", shard)]
        _, merged, _ = cli("check", ENVIRONMENTS, "--format", "json", *args)
        _, replayed, _ = cli("check", ENVIRONMENTS, "--format", "json", "--from-snapshot",
                             f"{tmp_path}/all.toml")
    rules = lambda r: sorted((f["environment"], f["rule"]) for f in json.loads(r)["findings"])  # noqa: E731
    assert rules(replayed) == rules(whole)
    # `snapshot --env` narrows the report, not the collection (#17): each snapshot holds every
    # environment's observations, probes included, so the merge equals the whole run.
    assert rules(merged) == rules(whole)


def test_kid_of_the_previous_snapshot_means_rotation(sandbox, cli, tmp_path, monkeypatch):
    folder = tmp_path / "envs"
    folder.mkdir()
    (folder / "dev.toml").write_text(env_toml("dev", sandbox.tenant_url("dev"),
                                              '[tokens.probe]\nsource = "env"\n'
                                              'env = "PROBE_TOKEN"\n'))
    monkeypatch.setenv("PROBE_TOKEN", sandbox.issue_token("dev", "probe-dev"))
    code, _, _ = cli("snapshot", str(folder), "-o", f"{tmp_path}/before.toml")
    assert code == 0
    sandbox.rotate_keys("dev")  # dev-rs256-2 replaces dev-rs256-1
    _, out, _ = cli("check", str(folder), "--format", "json", "--snapshot-in",
                    f"{tmp_path}/before.toml")
    findings = {f["rule"]: f for f in json.loads(out)["findings"]}
    assert set(findings) == {"DC304", "DC601"}  # the token's kid, and the rotation itself
    finding = findings["DC304"]
    assert finding["evidence"]["in_previous_snapshot"] is True
    assert "It was in the JWKS at the previous snapshot" in finding["message"]
    _, out, _ = cli("check", str(folder), "--format", "json")
    (finding,) = json.loads(out)["findings"]
    assert "in_previous_snapshot" not in finding["evidence"]


def test_bad_snapshots_exit_2(cli, tmp_path):
    (tmp_path / "bad.toml").write_text('version = "9"\n')
    (tmp_path / "e.toml").write_text(env_toml("e", "https://idp.example.test"))
    code, out, err = cli("check", str(tmp_path / "e.toml"), "--from-snapshot",
                         str(tmp_path / "bad.toml"))
    assert code == 2
    assert out == ""
    assert "bad.toml: " in err
    assert "not a driftcheck snapshot" in err
    code, _, err = cli("check", str(tmp_path / "e.toml"), "--from-snapshot",
                       str(tmp_path / "missing.toml"))
    assert code == 2
    assert "snapshot file not found" in err


def test_environment_missing_from_the_snapshot_is_not_checked(cli, tmp_path, sandbox):
    (tmp_path / "a.toml").write_text(env_toml("a", sandbox.tenant_url("dev")))
    cli("snapshot", str(tmp_path / "a.toml"), "-o", f"{tmp_path}/a.snap.toml")
    (tmp_path / "b.toml").write_text(env_toml("b", sandbox.tenant_url("prod")))
    _, out, _ = cli("check", str(tmp_path / "a.toml"), str(tmp_path / "b.toml"), "--format",
                    "json", "--from-snapshot", f"{tmp_path}/a.snap.toml")
    states = {e["name"]: e["status"] for e in json.loads(out)["environments"]}
    assert states == {"a": "checked", "b": "offline"}
    assert Path(tmp_path / "a.snap.toml").exists()


def test_sharded_and_merged_equals_one_run(cli, tmp_path):
    from driftcheck.run import in_shard

    sandbox = demo_sandbox().start()
    with exported(sandbox_variables(sandbox)):
        _, whole, _ = cli("check", ENVIRONMENTS, "--format", "json", "--snapshot-out",
                          f"{tmp_path}/whole.toml")
        shards = []
        for index in (1, 2):
            code, out, _ = cli("check", ENVIRONMENTS, "--format", "json", "--shard",
                               f"{index}/2", "--snapshot-out", f"{tmp_path}/s{index}.toml")
            names = {e["name"] for e in json.loads(out)["environments"]}
            assert names == {n for n in ("dev", "staging", "prod") if in_shard(n, (index, 2))}
            shards += ["--from-snapshot", f"{tmp_path}/s{index}.toml"]
        sandbox.stop()
        _, merged, _ = cli("check", ENVIRONMENTS, "--format", "json", *shards)
        _, replayed, _ = cli("check", ENVIRONMENTS, "--format", "json", "--from-snapshot",
                             f"{tmp_path}/whole.toml")
    def identity(report: str, cross_probes: bool = True) -> list[tuple[str, str, str]]:
        return sorted((f["environment"], f["rule"], f["fingerprint"])
                      for f in json.loads(report)["findings"]
                      if cross_probes or f["rule"] != "DC803")
    assert identity(whole) == identity(replayed)
    # A shard holds only its own environments' tokens, so its probes cannot send the other
    # shards' tokens: cross-environment probe cases (DC803) need one unsharded run.
    assert identity(merged) == identity(whole, cross_probes=False)
    code, _, err = cli("check", ENVIRONMENTS, "--shard", "3/2")
    assert code == 2
    assert "expected K/N" in err
