"""Probe safety: what a configuration may not ask for, and what never leaves driftcheck."""

from __future__ import annotations

import base64
import json
from http.server import BaseHTTPRequestHandler
from urllib.parse import quote

from driftcheck.collect.redact import redact, secret_forms
from driftcheck.load import load_environments
from driftcheck.run import CheckOptions, run_check
from tests.conftest import env_toml
from tests.servers import LoopbackServer
from tests.test_probes import probed_env, rules, run


class EchoingApi(LoopbackServer):
    """A careless API: it echoes the Authorization header back in its challenge, in its body
    (raw, URL-encoded, base64) and in a redirect, and records every header it got."""

    def __init__(self) -> None:
        super().__init__()
        self.authorizations: list[str | None] = []

    def handle_get(self, handler: BaseHTTPRequestHandler) -> None:
        given = handler.headers.get("Authorization")
        self.authorizations.append(given)
        echo = given or ""
        body = json.dumps({"error": "invalid_token", "you_sent": echo,
                           "encoded": quote(echo, safe=""),
                           "b64": base64.b64encode(echo.encode()).decode(),
                           "key": handler.headers.get("X-Api-Key", ""),
                           "padding": "x" * 200}).encode()
        handler.send_response(401)
        handler.send_header("WWW-Authenticate",
                            f'Bearer error="invalid_token", error_description="{echo}"')
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)


def test_an_api_echoing_the_token_never_leaks_it(sandbox, tmp_path, monkeypatch, cli):
    with EchoingApi() as api:
        text = probed_env(sandbox, "dev", probe='headers = { "X-Api-Key" = "${API_KEY}" }'
                          ).replace(sandbox.api_url("dev"), api.url + "/ping")
        monkeypatch.setenv("API_KEY", "canary-api-key-0123456789")
        folder = tmp_path / "envs"
        folder.mkdir()
        (folder / "dev.toml").write_text(text)
        token = sandbox.issue_token("dev", "probe-dev")
        monkeypatch.setenv("TOKEN_DEV", token)
        _, out, err = cli("check", str(folder), "--format", "json", "--snapshot-out",
                             str(tmp_path / "snap.toml"), "--output",
                             f"sarif={tmp_path}/r.sarif", "--output", f"markdown={tmp_path}/r.md",
                             "--verbose")
        _, console, _ = cli("check", str(folder), "--matrix")
        sent = [a.split(" ", 1)[1] for a in api.authorizations if a]
    assert len(sent) == 10  # two runs: own token and four forgeries each
    outputs = [out, err, console, (tmp_path / "snap.toml").read_text(),
               (tmp_path / "r.sarif").read_text(), (tmp_path / "r.md").read_text()]
    for value in sent:
        signature = value.rpartition(".")[2]
        for output in outputs:
            assert value not in output
            assert quote(value, safe="") not in output
            assert base64.b64encode(f"Bearer {value}".encode()).decode() not in output
            if signature:
                assert signature not in output
    assert "[redacted]" in outputs[3]
    assert "live probes" in console
    assert "apis.orders: " in console
    assert "probe apis.orders GET" in console
    assert "own token ✓ accepted" not in console
    assert not any("canary-api-key" in output for output in outputs)


def test_redaction_happens_before_truncation():
    token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0." + "s" * 300
    text = "prefix " + "Bearer " + token
    cut_inside = text[: len(text) - 100]  # the read cap ended inside the signature
    shown = redact(cut_inside, secret_forms(token), limit=50, cut=True)
    assert "sss" not in shown
    assert "eyJ" not in shown
    # Not JWT-shaped (base64 of the header value), cut by the read cap: its start goes too.
    encoded = base64.b64encode(f"Bearer {token}".encode()).decode()
    shown = redact("echo: " + encoded[:40], secret_forms(token), cut=True)
    assert shown == "echo: [redacted]"


def test_prod_probe_under_a_non_prod_url_fails_validation(tmp_path):
    (tmp_path / "staging.toml").write_text(env_toml("staging", "https://idp.test/staging", """
        [apis.orders]
        url = "https://api.staging.test"
        """))
    (tmp_path / "prod.toml").write_text(env_toml("prod", "https://idp.test/prod", """
        [apis.orders]
        url = "https://api.prod.test"
        [apis.orders.probe]
        url = "https://api.staging.test/orders/ping"
        headers = { Authorization = "Basic eA==" }
        token = "nope"
        """, tier="prod"))
    loaded = load_environments([tmp_path])
    assert [e.name for e in loaded.environments] == ["staging"]
    messages = {p.key_path: p.message for p in loaded.problems}
    assert all(p.rule == "DC001" and p.environment == "prod" for p in loaded.problems)
    assert "non-prod URL" in messages["apis.orders.probe.url"]
    assert "staging's apis.orders.url" in messages["apis.orders.probe.url"]
    assert "refused" in messages["apis.orders.probe.headers.Authorization"]
    assert "known: none declared" in messages["apis.orders.probe.token"]


def test_prod_probe_on_its_own_url_is_valid(tmp_path):
    (tmp_path / "staging.toml").write_text(env_toml("staging", "https://idp.test/staging", """
        [apis.orders]
        url = "https://api.test/staging"
        """))
    (tmp_path / "prod.toml").write_text(env_toml("prod", "https://idp.test/prod", """
        [apis.orders]
        url = "https://api.test/prod"
        [apis.orders.probe]
        url = "https://api.test/prod/orders/ping"
        method = "HEAD"
        accepted = [200, 404]
        """, tier="prod"))
    loaded = load_environments([tmp_path])
    assert loaded.problems == ()
    probe = next(e for e in loaded.environments if e.name == "prod").apis["orders"].probe
    assert probe is not None
    assert probe.method == "HEAD"
    assert probe.accepts(404)


def test_schema_refuses_other_methods(tmp_path):
    (tmp_path / "dev.toml").write_text(env_toml("dev", "https://idp.test/dev", """
        [apis.orders.probe]
        url = "https://api.test/ping"
        method = "POST"
        """))
    (problem,) = load_environments([tmp_path]).problems
    assert problem.key_path == "apis.orders.probe.method"
    assert "GET" in problem.message


def test_offline_and_no_probe_send_nothing(sandbox, tmp_path, monkeypatch):
    result = run(sandbox, tmp_path, monkeypatch, {"dev": probed_env(sandbox, "dev")},
                 offline=True)
    assert sandbox.api_requests == []
    assert rules(result) == []


def test_head_probe_and_replay_from_snapshot(sandbox, tmp_path, monkeypatch):
    from driftcheck.sandbox.protected import ApiFaults

    sandbox.api_faults["dev"] = ApiFaults(audience="api://other")
    files = {"dev": probed_env(sandbox, "dev", probe='method = "HEAD"')}
    live = run(sandbox, tmp_path, monkeypatch, files, snapshot_out=tmp_path / "s.toml")
    assert {m for _t, m, _a in sandbox.api_requests} == {"HEAD"}
    count = len(sandbox.api_requests)
    replayed = run_check(CheckOptions(paths=[tmp_path / "envs"],
                                      from_snapshots=[tmp_path / "s.toml"]))
    assert len(sandbox.api_requests) == count  # nothing sent on replay
    assert rules(live) == rules(replayed) == ["DC801"]
    assert [f.message for f in live.findings if f.rule == "DC801"] == [
        f.message for f in replayed.findings if f.rule == "DC801"]


def test_timeout_bounds_the_probes(sandbox, tmp_path, monkeypatch):
    from driftcheck.collect.http import FetchPolicy

    files = {"dev": probed_env(sandbox, "dev")}
    result = run(sandbox, tmp_path, monkeypatch, files, fetch=FetchPolicy(deadline=0.001))
    (probe,) = next(s for s in result.environments if s.name == "dev").probes
    unanswered = [c for c in probe.cases if c.status is None]
    assert unanswered
    assert all("--timeout" in (c.skipped or "") or c.skipped
                              for c in unanswered)
