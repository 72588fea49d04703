"""Collection: real TLS (trustme), timeouts, proxies and redirects against loopback servers;
a mock transport only for DNS failure, which no loopback server can produce."""

from __future__ import annotations

import asyncio
import json
import socket
import ssl
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import trustme

from driftcheck.collect.http import FetchPolicy
from driftcheck.collect.live import collect_live_async
from driftcheck.load import load_environments
from driftcheck.run import CheckOptions, evaluate
from driftcheck.sandbox import Sandbox, default_tenant
from tests.conftest import env_toml


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


def tls_sandbox(ca: trustme.CA, *names: str) -> Sandbox:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(*names).configure_cert(context)
    return Sandbox([default_tenant("dev")], ssl_context=context)


@pytest.fixture
def https_sandbox(ca: trustme.CA) -> Iterator[Sandbox]:
    with tls_sandbox(ca, "127.0.0.1", "localhost") as running:
        yield running


@pytest.fixture
def ca_file(ca: trustme.CA, tmp_path: Path) -> Path:
    path = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return path


def check_json(cli, tmp_path: Path, text: str, *extra: str) -> dict:
    path = tmp_path / "envs" / "x.toml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text)
    _code, out, err = cli("check", str(path.parent), "--format", "json", *extra)
    assert out, err
    report: dict = json.loads(out)
    return report


def failures(report: dict) -> list[str]:
    return [f["evidence"]["failure"] for f in report["findings"] if f["rule"] == "DC010"]


def test_tls_trusted_through_environment_ca_bundle(https_sandbox, ca_file, tmp_path, cli):
    assert https_sandbox.url.startswith("https://")
    text = env_toml("x", https_sandbox.tenant_url("dev"), ca_bundle=str(ca_file))
    report = check_json(cli, tmp_path, text)
    assert report["findings"] == []
    assert report["summary"]["exit_code"] == 0


def test_tls_ca_bundle_relative_to_the_file(https_sandbox, ca_file, tmp_path, cli):
    (tmp_path / "envs").mkdir()
    (tmp_path / "envs" / "ca.pem").write_bytes(ca_file.read_bytes())
    report = check_json(cli, tmp_path, env_toml("x", https_sandbox.tenant_url("dev"),
                                                ca_bundle="ca.pem"))
    assert report["findings"] == []


def test_tls_untrusted_certificate(https_sandbox, tmp_path, cli):
    report = check_json(cli, tmp_path, env_toml("x", https_sandbox.tenant_url("dev")))
    assert failures(report) == ["tls"]
    assert "certificate verification failed: unable to get local issuer certificate" in \
        report["findings"][0]["message"]
    assert report["summary"]["exit_code"] == 3


def test_tls_certificate_for_another_name(ca, ca_file, tmp_path, cli):
    with tls_sandbox(ca, "idp.other.example") as sandbox:
        report = check_json(cli, tmp_path, env_toml("x", sandbox.tenant_url("dev"),
                                                    ca_bundle=str(ca_file)))
    assert failures(report) == ["tls"]
    assert "certificate verification failed: IP address mismatch" in \
        report["findings"][0]["message"]


def test_tls_global_ca_bundle_flag_and_system_trust(https_sandbox, ca_file, tmp_path, cli,
                                                    monkeypatch):
    text = env_toml("x", https_sandbox.tenant_url("dev"))
    assert check_json(cli, tmp_path, text, "--ca-bundle", str(ca_file))["findings"] == []
    # The system trust store is OpenSSL's default paths, which SSL_CERT_FILE points.
    monkeypatch.setenv("SSL_CERT_FILE", str(ca_file))
    assert check_json(cli, tmp_path, text)["findings"] == []


def test_missing_ca_bundle_file_is_a_tls_failure(https_sandbox, tmp_path, cli):
    report = check_json(cli, tmp_path, env_toml("x", https_sandbox.tenant_url("dev"),
                                                ca_bundle="nope.pem"))
    assert failures(report) == ["tls"]
    assert "cannot load CA bundle" in report["findings"][0]["message"]
    code, _, err = cli("check", str(tmp_path / "envs"), "--ca-bundle", "nope.pem")
    assert code == 2
    assert "--ca-bundle nope.pem: no such file" in err


def test_dns_failure_through_a_mock_transport(tmp_path):
    # A name that does not resolve would need a resolver; the fault comes from a transport.
    def handler(request: httpx.Request) -> httpx.Response:
        try:
            raise socket.gaierror(-2, "Name or service not known")
        except socket.gaierror as exc:
            raise httpx.ConnectError("[Errno -2] Name or service not known",
                                     request=request) from exc

    path = tmp_path / "x.toml"
    path.write_text(env_toml("x", "https://idp.nowhere.example/t"))
    loaded = load_environments([path], {})
    observations, _ = asyncio.run(collect_live_async(loaded.environments, FetchPolicy(),
                                                     httpx.MockTransport(handler)))
    result = evaluate(loaded, loaded.environments, observations, CheckOptions())
    (finding,) = result.findings
    assert finding.evidence["failure"] == "dns"
    assert "host name could not be resolved" in finding.message
    assert result.exit_code == 3


def test_read_timeout(static_server, tmp_path):
    static_server.route("/t/.well-known/openid-configuration", body={}, delay=1.0)
    path = tmp_path / "x.toml"
    path.write_text(env_toml("x", static_server.url + "/t"))
    loaded = load_environments([path], {})
    policy = FetchPolicy(read_timeout=0.2, retries=0)
    observations, _ = asyncio.run(collect_live_async(loaded.environments, policy))
    (finding,) = evaluate(loaded, loaded.environments, observations, CheckOptions()).findings
    assert finding.evidence["failure"] == "timeout"
    assert "timed out reading the response" in finding.message


def test_proxies_from_the_environment(static_server, tmp_path, cli, monkeypatch):
    # The "proxy" is a loopback server answering absolute-form request targets.
    target = "http://idp.example.test/t/.well-known/openid-configuration"
    static_server.route(target, body={"issuer": "http://idp.example.test/t"})
    monkeypatch.setenv("HTTP_PROXY", static_server.url)
    report = check_json(cli, tmp_path, env_toml("x", "http://idp.example.test/t",
                                                allow_insecure_http=True))
    assert static_server.requests == [target]
    assert failures(report) == []


def test_loopback_is_never_proxied(sandbox, closed_port, tmp_path, cli, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{closed_port}")
    monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{closed_port}")
    report = check_json(cli, tmp_path, env_toml("x", sandbox.tenant_url("dev")))
    assert report["findings"] == []


def test_redirect_to_an_allowed_host(static_server, sandbox, tmp_path, cli):
    location = sandbox.tenant_url("dev").replace("127.0.0.1", "localhost")
    static_server.route("/t/.well-known/openid-configuration", 302, "",
                        Location=location + "/.well-known/openid-configuration")
    text = env_toml("x", sandbox.tenant_url("dev"),
                    f'discovery_url = "{static_server.url}/t/.well-known/openid-configuration"')
    assert failures(check_json(cli, tmp_path, text)) == ["off-host-redirect"]
    # A bare host stands for its default ports only: the sandbox's port must be named.
    bare = text.replace('name = "x"', 'name = "x"\nallowed_hosts = ["localhost"]')
    assert failures(check_json(cli, tmp_path, bare)) == ["off-host-redirect"]
    port = location.split(":")[2].split("/")[0]
    allowed = text.replace('name = "x"', f'name = "x"\nallowed_hosts = ["localhost:{port}"]')
    assert failures(check_json(cli, tmp_path, allowed)) == []


def test_max_response_bytes_flag(sandbox, tmp_path, cli):
    report = check_json(cli, tmp_path, env_toml("x", sandbox.tenant_url("dev")),
                        "--max-response-bytes", "100")
    assert failures(report) == ["too-large"]
