"""Hostile servers, hostile tokens, hostile files: keep working, leak nothing, fetch nothing
the configuration did not name."""

from __future__ import annotations

import json
import ssl
import time
from pathlib import Path

import pytest
import trustme

from driftcheck.collect.http import FetchPolicy
from driftcheck.collect.live import collect_live
from driftcheck.load import load_environments
from driftcheck.run import CheckOptions, evaluate
from tests.conftest import env_toml
from tests.hostile import BrokenTlsServer, HostileServer, gzip_bomb, many_keys_jwks

# 8 MiB: the 10,000-key JWKS (4 MB) gets through to the key-count bound; 50 MB does not.
POLICY = FetchPolicy(connect_timeout=1.0, read_timeout=0.5, total_timeout=2.0, retries=1,
                     backoff=0.05, max_bytes=8 * 1024 * 1024)

# fault -> (rule, failure class or None); None means "this finding, no DC010".
EXPECTED = {
    "refused": ("DC010", "refused"),
    "reset": ("DC010", "connection"),
    "slow-headers": ("DC010", "timeout"),
    "drip": ("DC010", "timeout"),
    "loop": ("DC010", "redirect-loop"),
    "off-host": ("DC010", "off-host-redirect"),
    "to-http": ("DC010", "insecure-redirect"),
    "unavailable": ("DC010", "http-status"),
    "not-found-html": ("DC010", "http-status"),
    "text-plain": ("DC201", None),
    "invalid-json": ("DC010", "not-json"),
    "json-array": ("DC010", "not-json"),
    "huge": ("DC010", "too-large"),
    "huge-chunked": ("DC010", "too-large"),
    "gzip-bomb": ("DC010", "too-large"),
    "many-keys": ("DC201", None),
    "absurd-keys": ("DC201", None),
    "broken-tls": ("DC010", "tls"),
    "untrusted-cert": ("DC010", "tls"),
    "wrong-name-cert": ("DC010", "tls"),
    "off-host-jwks": ("DC010", "off-host-url"),
}


@pytest.fixture(scope="module")
def tls() -> tuple[trustme.CA, ssl.SSLContext, ssl.SSLContext]:
    ca = trustme.CA()
    good, wrong = (ssl.create_default_context(ssl.Purpose.CLIENT_AUTH) for _ in range(2))
    ca.issue_cert("127.0.0.1").configure_cert(good)
    ca.issue_cert("idp.elsewhere.test").configure_cert(wrong)
    return ca, good, wrong


def test_fault_matrix(sandbox, closed_port, tls, tmp_path, capsys):
    ca, good_tls, wrong_tls = tls
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    folder = tmp_path / "envs"
    folder.mkdir()
    gzip_bomb(), many_keys_jwks()  # built before the clock runs, not inside a request
    with HostileServer() as plain, HostileServer(good_tls) as secure, \
            HostileServer(wrong_tls) as misnamed, BrokenTlsServer() as broken:
        secure.downgrade_to = plain.url  # a followed downgrade would be recorded there
        issuers = {fault: f"{plain.url}/{fault}" for fault in EXPECTED}
        issuers.update({
            "refused": f"http://127.0.0.1:{closed_port}/t",
            "to-http": f"{secure.url}/to-http",
            "broken-tls": f"{broken.url}/t",
            "untrusted-cert": f"{secure.url}/t",
            "wrong-name-cert": f"{misnamed.url}/t",
        })
        for fault, issuer in issuers.items():
            trusted = fault in ("to-http", "wrong-name-cert")
            (folder / f"{fault}.toml").write_text(env_toml(
                fault, issuer, **({"ca_bundle": str(ca_file)} if trusted else {})))
        (folder / "healthy.toml").write_text(env_toml("healthy", sandbox.tenant_url("dev")))
        started = time.monotonic()
        loaded = load_environments([folder])
        observations = collect_live(loaded.environments, POLICY)
        result = evaluate(loaded, loaded.environments, observations, CheckOptions())
        wall = time.monotonic() - started

        def seconds(environment: str) -> float:
            seen = observations.environments[environment]
            return max((r.elapsed_ms for url in seen.urls()
                        if (r := observations.response(url)) is not None), default=0.0) / 1000
        rows = []
        for fault, (rule, failure) in EXPECTED.items():
            mine = [f for f in result.findings if f.environment == fault]
            assert mine, fault
            first = mine[0]
            assert first.rule == rule, (fault, [(f.rule, f.message) for f in mine])
            if failure is not None:
                assert first.evidence["failure"] == failure, (fault, first.message)
            detail = first.message.split(": ", 1)[-1] if first.rule == "DC010" else \
                first.message.split(f"{first.evidence.get('jwks_uri', '')} ", 1)[-1]
            rows.append((fault, f"{first.rule} {first.evidence.get('failure', first.slug)}",
                         f"{seconds(fault):.2f} s", detail[:100]))
    healthy = next(s for s in result.environments if s.name == "healthy")
    assert healthy.state == "checked"
    assert healthy.findings == 0
    # The servers the refused targets point at received nothing.
    assert not {"/elsewhere", "/stolen-keys", "/plain"} & set(plain.requests)
    with capsys.disabled():
        print(f"\n{len(rows)} faults and one healthy environment in one run: {wall:.1f} s")
        print("| fault | finding | time | detail |\n| --- | --- | ---: | --- |")
        for fault, finding, elapsed, detail in rows:
            print(f"| {fault} | {finding} | {elapsed} | {detail} |")


def test_off_host_jwks_and_token_endpoint_are_never_contacted(static_server, tmp_path, cli,
                                                              monkeypatch):
    # discovery on 127.0.0.1 points keys and tokens at "localhost": another host name.
    elsewhere = static_server.url.replace("127.0.0.1", "localhost")
    issuer = static_server.serve_idp("/t", {"keys": []}, jwks_uri=elsewhere + "/keys",
                                     token_endpoint=elsewhere + "/token")
    monkeypatch.setenv("CANARY_SECRET", "canary-secret-value-1234")
    (tmp_path / "x.toml").write_text(env_toml("x", issuer, '[tokens.p]\nsource = '
                                              '"client_credentials"\nclient_id = "c"\n'
                                              'client_secret_env = "CANARY_SECRET"\n'))
    _code, out, _ = cli("check", str(tmp_path / "x.toml"), "--format", "json")
    report = json.loads(out)
    assert static_server.requests == ["/t/.well-known/openid-configuration"]
    messages = " ".join(f["message"] for f in report["findings"])
    assert "off-host-url" in messages
    assert "not fetched" in messages
    assert "token_endpoint http://localhost" in messages
    # A bare host stands for its default ports: the other port stays refused.
    (tmp_path / "x.toml").write_text(env_toml("x", issuer, allowed_hosts=["localhost"]))
    cli("check", str(tmp_path / "x.toml"), "--format", "json")
    assert "/keys" not in static_server.requests
    # Listing the host with its port lets it through.
    port = elsewhere.rsplit(":", 1)[1]
    (tmp_path / "x.toml").write_text(env_toml("x", issuer, allowed_hosts=[f"localhost:{port}"]))
    cli("check", str(tmp_path / "x.toml"), "--format", "json")
    assert "/keys" in static_server.requests


def test_run_deadline_reports_what_it_has(sandbox, static_server, tmp_path, cli):
    static_server.route("/slow/.well-known/openid-configuration", body={}, delay=3.0)
    folder = tmp_path / "envs"
    folder.mkdir()
    (folder / "slow.toml").write_text(env_toml("slow", static_server.url + "/slow"))
    (folder / "fast.toml").write_text(env_toml("fast", sandbox.tenant_url("dev")))
    code, out, _ = cli("check", str(folder), "--format", "json", "--timeout", "1")
    report = json.loads(out)
    states = {e["name"]: e["status"] for e in report["environments"]}
    assert states == {"fast": "checked", "slow": "unreachable"}
    (finding,) = report["findings"]
    assert finding["evidence"]["failure"] == "deadline"
    assert "not finished within the run's --timeout of 1 s" in finding["message"]
    assert code == 1


def test_verbose_log_names_requests_and_nothing_secret(sandbox, tmp_path, monkeypatch):
    import subprocess
    import sys

    secret = sandbox.client("dev").secret
    monkeypatch.setenv("SECRET_DEV", secret)
    (tmp_path / "dev.toml").write_text(env_toml("dev", sandbox.tenant_url("dev"),
                                                '[tokens.p]\nsource = "client_credentials"\n'
                                                'client_id = "probe-dev"\n'
                                                'client_secret_env = "SECRET_DEV"\n'))
    result = subprocess.run([sys.executable, "-m", "driftcheck", "check", str(tmp_path),
                             "--verbose"], capture_output=True, text=True, timeout=60,
                            env={**dict(__import__("os").environ), "SECRET_DEV": secret})
    assert f"GET {sandbox.tenant_url('dev')}/jwks -> 200" in result.stderr
    assert f"POST {sandbox.tenant_url('dev')}/token -> 200" in result.stderr
    assert secret not in result.stderr + result.stdout
    assert "eyJ" not in result.stderr + result.stdout


def test_sandbox_requests_all_came_from_configuration(sandbox, tmp_path, cli):
    (tmp_path / "e.toml").write_text(env_toml("e", sandbox.tenant_url("dev")))
    cli("check", str(tmp_path / "e.toml"))
    assert set(sandbox.requests) == {"GET /tenants/dev/.well-known/openid-configuration",
                                     "GET /tenants/dev/jwks"}
    assert Path(tmp_path / "e.toml").exists()
