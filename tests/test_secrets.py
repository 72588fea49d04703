"""Secrets never leave: no output format, error path or written file carries a client secret,
a whole token or a signature segment."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from driftcheck.demo import demo_sandbox, exported, sandbox_variables
from driftcheck.resources import data_dir
from tests.conftest import env_toml

FORMATS = ("console", "json", "sarif", "junit", "markdown", "github", "html")


def assert_clean(texts: list[str], secrets: list[str]) -> None:
    for text in texts:
        for secret in secrets:
            assert secret not in text


def run_every_format(cli, paths: list[str], tmp_path: Path, *extra: str) -> list[str]:
    outputs = []
    for fmt in FORMATS:
        _code, out, err = cli("check", *paths, "--format", fmt, "--output",
                              f"{fmt}={tmp_path}/{fmt}.out", *extra)
        outputs += [out, err, (tmp_path / f"{fmt}.out").read_text()]
    return outputs


def test_demo_outputs_carry_no_client_secret_or_token(cli, tmp_path):
    sandbox = demo_sandbox()
    with sandbox:
        variables = sandbox_variables(sandbox)
        secrets = [v for k, v in variables.items() if k.startswith("SANDBOX_PROBE_SECRET")]
        tokens = [sandbox.issue_token(n, f"probe-{n}") for n in ("dev", "prod")]
        with exported(variables):
            outputs = run_every_format(cli, [str(data_dir("environments"))], tmp_path)
            _code, out, err = cli("validate", str(data_dir("environments")))
            outputs += [out, err]
            _code, out, err = cli("baseline", "create", str(data_dir("environments")), "-o",
                                  f"{tmp_path}/baseline.toml", "--reason", "leak test",
                                  "--accept-critical")
            outputs += [out, err, (tmp_path / "baseline.toml").read_text()]
            _code, out, err = cli("snapshot", str(data_dir("environments")), "-o",
                                  f"{tmp_path}/snapshot.toml")
            outputs += [out, err, (tmp_path / "snapshot.toml").read_text()]
            for fmt in ("console", "html"):
                _code, out, err = cli("history", f"{tmp_path}/snapshot.toml", "--format", fmt)
                outputs += [out, err]
            _code, out, err = cli("check", str(data_dir("environments")), "--verbose")
            outputs += [out, err]
            for token in tokens:
                for fmt in ("console", "json"):
                    _code, out, err = cli("inspect", token, "--env", "staging",
                                          "--format", fmt)
                    outputs += [out, err]
    assert len(secrets) == 3
    assert json.loads(outputs[3])["environments"][0]["tokens"]  # tokens were really checked
    signatures = [t.split(".")[2] for t in tokens]
    assert_clean(outputs, secrets + tokens + signatures)


@pytest.mark.parametrize(
    "mangle",
    [lambda t: f"Bearer {t}", lambda t: t[:-10], lambda t: t.replace(".", "%2E"),
     lambda t: t.split(".")[0] + ".!!!." + t.split(".")[2]],
    ids=["bearer", "truncated", "url-encoded", "broken-payload"],
)
def test_damaged_tokens_are_never_echoed(sandbox, cli, tmp_path, monkeypatch, mangle):
    token = sandbox.issue_token("dev", "probe-dev")
    monkeypatch.setenv("CANARY_TOKEN", mangle(token))
    folder = tmp_path / "envs"
    folder.mkdir()
    (folder / "dev.toml").write_text(env_toml("dev", sandbox.tenant_url("dev"),
                                              '[tokens.probe]\nsource = "env"\n'
                                              'env = "CANARY_TOKEN"\n'))
    outputs = run_every_format(cli, [str(folder)], tmp_path)
    assert "DC302" in outputs[0] or "DC305" in outputs[0]
    _code, out, err = cli("inspect", mangle(token))
    outputs += [out, err]
    assert_clean(outputs, [token, mangle(token), token.split(".")[2],
                           token.split(".")[2][:-10]])


def test_token_endpoint_echoing_the_secret_is_redacted(static_server, cli, tmp_path,
                                                       monkeypatch):
    canary = "canary-client-secret-4711"
    issuer = static_server.serve_idp("/t", {"keys": []})
    static_server.route("/t/token", 401, {"error": "invalid_client",
                                          "error_description": f"wrong secret {canary}"})
    monkeypatch.setenv("CANARY_SECRET", canary)
    folder = tmp_path / "envs"
    folder.mkdir()
    (folder / "x.toml").write_text(env_toml("x", issuer, '[tokens.probe]\n'
                                            'source = "client_credentials"\nclient_id = "c"\n'
                                            'client_secret_env = "CANARY_SECRET"\n'))
    outputs = run_every_format(cli, [str(folder)], tmp_path)
    assert "invalid_client (wrong secret [redacted])" in outputs[0]
    assert_clean(outputs, [canary])


def test_failing_command_output_is_not_shown(sandbox, cli, tmp_path):
    token = sandbox.issue_token("dev", "probe-dev")
    folder = tmp_path / "envs"
    folder.mkdir()
    script = f"import sys; print({token!r}); print({token!r}, file=sys.stderr); sys.exit(1)"
    command = json.dumps([sys.executable, "-c", script])
    (folder / "x.toml").write_text(env_toml("x", sandbox.tenant_url("dev"),
                                            f'[tokens.probe]\nsource = "command"\n'
                                            f"command = {command}\n"))
    outputs = run_every_format(cli, [str(folder)], tmp_path)
    assert "exited with code 1" in outputs[0]
    assert_clean(outputs, [token, token.split(".")[2]])
