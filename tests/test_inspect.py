"""`driftcheck inspect`: safe decoding, and full validation with --env."""

from __future__ import annotations

import json
import subprocess
import sys
import time

from driftcheck.demo import demo_sandbox, exported, sandbox_variables


def test_decode_shows_claims_times_damage_and_never_the_signature(sandbox, cli):
    token = sandbox.issue_token("dev", "probe-dev")
    code, out, _ = cli("inspect", f'"Bearer {token}"')
    assert code == 0
    assert out.startswith("Decoded without verifying")
    assert "damage       quotes: the token is wrapped in \" quotes" in out
    assert "damage       bearer-prefix" in out
    assert '"api://orders-dev"' in out
    assert "UTC (in " in out
    assert "signature    256 bytes (not shown)" in out
    assert "looks like   access token (typ at+jwt" in out
    assert token not in out
    assert token.split(".")[2] not in out


def test_json_output_and_warnings(sandbox, cli):
    token = sandbox.sign("dev", {"iss": "x", "exp": int(time.time()) - 30,
                                 "nonce": "n", "auth_time": 1}, header={"jku": "https://k"})
    code, out, _ = cli("inspect", token, "--format", "json")
    document = json.loads(out)
    assert code == 0
    assert document["verified"] is False
    assert document["kind"]["kind"] == "id"
    assert document["claims"]["iss"] == "x"
    assert any(w.startswith("header jku") for w in document["warnings"])
    assert "expired (before any clock skew allowance)" in document["warnings"]
    assert token.split(".")[2] not in out


def test_unreadable_token_exits_1(cli):
    code, out, _ = cli("inspect", "not-a-jwt")
    assert code == 1
    assert "unreadable   segments: no '.' separators: not a JWT" in out


def test_stdin_and_file(sandbox, tmp_path):
    token = sandbox.issue_token("dev", "probe-dev")
    (tmp_path / "t.jwt").write_text(token + "\n")
    for args, stdin in ((["-"], token + "\n"), ([f"@{tmp_path}/t.jwt"], None)):
        result = subprocess.run([sys.executable, "-m", "driftcheck", "inspect", *args,
                                 "--format", "json"], input=stdin, capture_output=True,
                                text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["damage"] == []  # one final newline is not damage


def test_missing_token_file_is_a_usage_error(cli, tmp_path):
    code, _, err = cli("inspect", f"@{tmp_path}/nope.jwt")
    assert code == 2
    assert "cannot read the token file" in err


def test_env_runs_the_full_validation(cli):
    sandbox = demo_sandbox()
    with sandbox, exported(sandbox_variables(sandbox)):
        prod_token = sandbox.issue_token("prod", "probe-prod")
        code, out, _ = cli("inspect", prod_token, "--env", "staging", "--format", "json")
        document = json.loads(out)
        assert code == 1
        validation = document["validation"]
        assert validation["environment"] == "staging"
        # The demo's staging publishes prod's signing key (DC501): a prod token passes
        # staging's key and signature steps, and only issuer and audience stop it.
        assert [f["rule"] for f in validation["findings"]] == ["DC309", "DC310", "DC505",
                                                               "DC505"]
        steps = validation["tokens"][0]["steps"]
        assert steps["key"] == steps["signature"] == "pass"
        assert validation["tokens"][0]["first_failing_step"] == "issuer"
        assert document["verified"] is False
        code, out, _ = cli("inspect", prod_token, "--env", "prod")
        assert code == 0
        assert "parse ✓ · algorithm ✓ · key ✓ · signature ✓ · time ✓" in out
        code, _, err = cli("inspect", prod_token, "--env", "qa")
        assert code == 2
        assert "--env qa: no such environment" in err
