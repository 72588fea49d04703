"""Hardening II (#16), attacked the way the hostile trial did: echoing token endpoints,
credentials steered to other origins, private keys in odd shapes, secrets substituted into
secret-naming keys, escape sequences from servers, interrupted output files, untrusted files."""

from __future__ import annotations

import base64
import json
import os
import resource
import signal
import subprocess
import sys
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import pytest

from driftcheck.redact import Redactor, redact_private_members, sent_forms
from tests.conftest import env_toml
from tests.servers import LoopbackServer
from tests.test_secrets import FORMATS, assert_clean

# Characters that URL-, form-, JSON- and base64-encoding each change.
CANARY = "Zq9Canary/s3cr+t=%&x\"tail-7c1f"
CLIENT_ID = "client id:1"


def _unsigned_jwt(claims: dict[str, Any]) -> str:
    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."


class EchoIdp(LoopbackServer):
    """An IdP whose token endpoint echoes what it received, in the shape `mode` names."""

    def __init__(self) -> None:
        super().__init__()
        self.mode = "description"
        self.posts: list[dict[str, str]] = []

    def issuer(self) -> str:
        return self.url + "/t"

    def handle_get(self, handler: BaseHTTPRequestHandler) -> None:
        issuer = self.issuer()
        if handler.path.endswith("/openid-configuration"):
            self._json(handler, 200, {"issuer": issuer, "jwks_uri": issuer + "/jwks",
                                      "token_endpoint": issuer + "/token",
                                      "response_types_supported": ["code"],
                                      "subject_types_supported": ["public"],
                                      "id_token_signing_alg_values_supported": ["RS256"]})
        elif handler.path.endswith("/jwks"):
            self._json(handler, 200, {"keys": []})
        else:
            self._json(handler, 404, {"error": "not found"})

    def handle_post(self, handler: BaseHTTPRequestHandler, body: str) -> None:
        header = handler.headers.get("Authorization", "")
        self.posts.append({"authorization": header, "body": body})
        received = f"Authorization: {header}; body: {body}"
        if self.mode == "description":
            self._json(handler, 401, {"error": "invalid_client", "error_description": received})
        elif self.mode == "straddle":  # the secret sits across the 200-character cut
            self._json(handler, 401, {"error": "invalid_client",
                                      "error_description": "x" * 190 + received})
        elif self.mode == "error-field":
            self._json(handler, 400, {"error": received})
        elif self.mode == "json-escaped":
            self._json(handler, 401, {"error": "invalid_request",
                                      "error_description": json.dumps({"got": received})})
        elif self.mode == "in-token":  # the echo inside the claims of the token it issues
            self._json(handler, 200, {"access_token": _unsigned_jwt(
                {"iss": self.issuer(), "echo": received, "sub": "x", "exp": 4102444800})})
        else:
            raise AssertionError(self.mode)

    @staticmethod
    def _json(handler: BaseHTTPRequestHandler, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)


@pytest.fixture
def echo_idp(monkeypatch: pytest.MonkeyPatch):
    server = EchoIdp()

    def do_post(handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        server.handle_post(handler, handler.rfile.read(length).decode())

    # The base server discards POST bodies; this one needs them to echo.
    monkeypatch.setattr(server._server.RequestHandlerClass, "do_POST", do_post)
    with server:
        yield server


def _every_form(secret: str, client_id: str) -> list[str]:
    pair = f"{quote_plus(client_id)}:{quote_plus(secret)}"
    return [secret, quote(secret, safe=""), quote_plus(secret), json.dumps(secret)[1:-1],
            base64.b64encode(pair.encode()).decode(),
            base64.b64encode(f"{client_id}:{secret}".encode()).decode(),
            secret[:9]]  # a prefix that a cut would leave behind


def _outputs_of_every_kind(cli, folder: Path, tmp_path: Path) -> list[str]:
    texts = []
    for fmt in FORMATS:
        _code, out, err = cli("check", str(folder), "--format", fmt, "--output",
                              f"{fmt}={tmp_path}/{fmt}.out", "--verbose")
        texts += [out, err, (tmp_path / f"{fmt}.out").read_text()]
    _code, out, err = cli("snapshot", str(folder), "-o", f"{tmp_path}/snap.toml")
    texts += [out, err, (tmp_path / "snap.toml").read_text()]
    _code, out, err = cli("baseline", "create", str(folder), "-o", f"{tmp_path}/base.toml",
                          "--reason", "canary", "--accept-critical")
    texts += [out, err, (tmp_path / "base.toml").read_text()]
    _code, out, err = cli("check", "--from-snapshot", f"{tmp_path}/snap.toml", str(folder),
                          "--format", "json")
    return [*texts, out, err]


@pytest.mark.parametrize("auth_method", ["client_secret_basic", "client_secret_post"])
@pytest.mark.parametrize("mode", ["description", "straddle", "error-field", "json-escaped",
                                  "in-token"])
def test_echoing_token_endpoint_never_gets_the_secret_out(echo_idp, cli, tmp_path, monkeypatch,
                                                          mode, auth_method):
    echo_idp.mode = mode
    monkeypatch.setenv("CANARY_SECRET", CANARY)
    folder = tmp_path / "envs"
    folder.mkdir()
    (folder / "x.toml").write_text(env_toml(
        "x", echo_idp.issuer(),
        f'[tokens.probe]\nsource = "client_credentials"\nclient_id = "{CLIENT_ID}"\n'
        f'client_secret_env = "CANARY_SECRET"\nauth_method = "{auth_method}"\n'))
    texts = _outputs_of_every_kind(cli, folder, tmp_path)
    sent = echo_idp.posts[0]
    assert CANARY in base64.b64decode(sent["authorization"][6:]).decode().replace(
        quote_plus(CANARY), CANARY) or quote_plus(CANARY) in sent["body"]  # it was sent
    # Its echo was seen and scrubbed (straddling the cut: scrubbed, then cut away).
    assert any(("x" * 150 if mode == "straddle" else "[redacted]") in text for text in texts)
    assert_clean(texts, _every_form(CANARY, CLIENT_ID))


def test_redactor_covers_every_sent_form():
    redactor = Redactor()
    redactor.add(CANARY, CLIENT_ID)
    for form in _every_form(CANARY, CLIENT_ID)[:-1]:
        assert form in sent_forms(CANARY, CLIENT_ID)
        assert redactor.text(f"<<{form}>>") == "<<[redacted]>>"
    assert redactor.value({"a": [f"x{CANARY}"], "b": 1}) == {"a": ["x[redacted]"], "b": 1}


def test_token_endpoint_on_another_port_gets_no_secret(static_server, cli, tmp_path, monkeypatch):
    with EchoIdp() as other:  # same host name, another port
        issuer = static_server.serve_idp("/t", {"keys": []}, token_endpoint=other.url + "/token")
        monkeypatch.setenv("CANARY_SECRET", CANARY)
        (tmp_path / "x.toml").write_text(env_toml(
            "x", issuer, '[tokens.p]\nsource = "client_credentials"\nclient_id = "c"\n'
            'client_secret_env = "CANARY_SECRET"\n'))
        _code, out, _err = cli("check", str(tmp_path / "x.toml"), "--format", "json")
        assert other.requests == []
    (finding,) = [f for f in json.loads(out)["findings"] if f["rule"] == "DC301"]
    assert "does not name: not fetched" in finding["message"]


def test_jwks_uri_on_another_port_is_not_fetched(static_server, cli, tmp_path):
    with EchoIdp() as other:
        issuer = static_server.serve_idp("/t", {"keys": []}, jwks_uri=other.url + "/t/jwks")
        (tmp_path / "x.toml").write_text(env_toml("x", issuer))
        _code, out, _err = cli("check", str(tmp_path / "x.toml"), "--format", "json")
        assert other.requests == []
    assert "off-host-url" in out


@pytest.mark.parametrize("location", [
    "http://localhost\\@127.0.0.1:{port}/t/.well-known/openid-configuration",
    "http://user:pass@127.0.0.1:{port}/t/.well-known/openid-configuration",
])
def test_redirect_with_userinfo_is_never_followed(static_server, cli, tmp_path, location):
    with EchoIdp() as target:
        port = target.url.rsplit(":", 1)[1]
        static_server.route("/t/.well-known/openid-configuration", 302, "",
                            Location=location.format(port=port))
        text = env_toml("x", static_server.url + "/t",
                        allowed_hosts=[f"127.0.0.1:{port}", f"localhost:{port}"])
        (tmp_path / "x.toml").write_text(text)
        _code, out, _err = cli("check", str(tmp_path / "x.toml"), "--format", "json")
        assert target.requests == []
    assert "user information" in out


def test_userinfo_in_a_configured_url_is_refused(cli, tmp_path, static_server):
    issuer = static_server.url.replace("http://", "http://me:Pw0rd1@") + "/t"
    (tmp_path / "x.toml").write_text(env_toml("x", issuer))
    code, out, err = cli("check", str(tmp_path / "x.toml"), "--format", "json")
    assert code == 2
    assert static_server.requests == []
    assert "idp.issuer" in out
    assert "user information" in out
    assert "Pw0rd1" not in out + err


PRIVATE = {"kty": "RSA", "kid": "leak", "n": "sXchDaQebSXKcvL", "e": "AQAB",
           "d": "PRIVATE-D-VALUE-0001", "p": "PRIVATE-P-VALUE-0002", "q": "PRIVATE-Q-VALUE-0003"}
SHAPES = {
    "single-jwk": ({"keys": []}, PRIVATE, {}),
    "keys-object": ({"keys": []}, {"keys": {"leak": PRIVATE}}, {}),
    "nested-list": ({"keys": []}, {"keys": [[PRIVATE]]}, {}),
    "discovery-embeds-jwks": ({"keys": []}, {"keys": []}, {"jwks": {"keys": [PRIVATE]}}),
}


@pytest.mark.parametrize("shape", SHAPES)
def test_private_keys_in_any_shape_are_redacted_and_reported(static_server, cli, tmp_path,
                                                              shape):
    _unused, served, extra = SHAPES[shape]
    issuer = static_server.serve_idp("/t", served)
    if extra:  # serve_idp's own `jwks` argument is the JWKS: add the embedded one by hand
        static_server.route("/t/.well-known/openid-configuration", body={
            "issuer": issuer, "jwks_uri": issuer + "/jwks", **extra})
    (tmp_path / "x.toml").write_text(env_toml("x", issuer))
    texts = []
    for fmt in FORMATS:
        _code, out, err = cli("check", str(tmp_path / "x.toml"), "--format", fmt,
                              "--snapshot-out", str(tmp_path / "snap.toml"))
        texts += [out, err, (tmp_path / "snap.toml").read_text()]
    report = json.loads(texts[3])
    assert any(f["rule"] == "DC202" for f in report["findings"]), shape
    assert_clean(texts, ["PRIVATE-D-VALUE", "PRIVATE-P-VALUE", "PRIVATE-Q-VALUE"])


def test_deep_redaction_keeps_member_names():
    redacted = redact_private_members({"a": [{"b": {"jwk": PRIVATE}}]})
    assert redacted["a"][0]["b"]["jwk"]["d"] == "[redacted]"
    assert redacted["a"][0]["b"]["jwk"]["n"] == PRIVATE["n"]
    # Objects that are not JWK-like keep a member that happens to be called "k".
    assert redact_private_members({"k": "v"}) == {"k": "v"}
    assert redact_private_members({"k": "v"}, everywhere=True) == {"k": "[redacted]"}


def test_a_substituted_secret_name_is_never_printed(cli, tmp_path, monkeypatch, sandbox):
    monkeypatch.setenv("SECRET", "Sup3rSecretValue")  # would pass the name pattern
    (tmp_path / "x.toml").write_text(env_toml(
        "x", sandbox.tenant_url("dev"),
        '[tokens.p]\nsource = "client_credentials"\nclient_id = "c"\n'
        'client_secret_env = "${SECRET}"\n'))
    code, out, err = cli("validate", str(tmp_path / "x.toml"))
    assert code == 2
    assert "tokens.p.client_secret_env" in err
    texts = [out, err]
    for fmt in FORMATS:
        code, out, err = cli("check", str(tmp_path / "x.toml"), "--format", fmt)
        assert code == 2
        texts += [out, err]
    assert_clean(texts, ["Sup3rSecretValue"])


def test_escape_sequences_from_servers_are_shown_not_obeyed(static_server, cli, tmp_path):
    evil = static_server.url + "/t\x1b]0;pwned\x07\x1b[2J\u202e"
    static_server.route("/t/.well-known/openid-configuration",
                        body={"issuer": evil, "jwks_uri": static_server.url + "/t/jwks"})
    static_server.route("/t/jwks", body={"keys": []})
    (tmp_path / "x.toml").write_text(env_toml("x", static_server.url + "/t"))
    for fmt in ("console", "markdown", "github", "junit"):
        _code, out, _err = cli("check", str(tmp_path / "x.toml"), "--format", fmt)
        assert "\x1b" not in out, fmt
        assert "\x07" not in out, fmt
        assert "\u202e" not in out, fmt
        assert "x1b]0;pwned" in out, fmt  # shown as an escape (Markdown doubles the backslash)
    _code, out, _err = cli("check", str(tmp_path / "x.toml"), "--format", "json")
    assert "\x1b]0;pwned" in json.dumps(json.loads(out)["findings"], ensure_ascii=False) or \
        "\\u001b]0;pwned" in out  # machine formats keep the exact value, escaped by JSON


# Output files: whole or not at all.

def _many_environments(folder: Path, count: int) -> None:
    folder.mkdir()
    for i in range(count):
        (folder / f"e{i:04}.toml").write_text(env_toml(
            f"e{i:04}", f"https://idp{i}.example.test/t",
            '[apis.orders]\nurl = "https://api.example.test"\n'
            'audiences = ["api://orders"]\nalgorithms = ["RS256", "HS256"]\n'))


def _driftcheck(*args: str, **kwargs: Any) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "driftcheck", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)


def test_interrupted_writes_keep_the_previous_file_whole(tmp_path):
    folder = tmp_path / "envs"
    _many_environments(folder, 150)
    report = tmp_path / "report.json"
    previous = '{"previous": true}\n'
    report.write_text(previous)
    for attempt in range(12):
        process = _driftcheck("check", str(folder), "--offline", "--format", "console",
                              "--output", f"json={report}", "--output",
                              f"sarif={tmp_path / 'r.sarif'}")
        time.sleep(0.4 + 0.15 * attempt)  # somewhere in loading, rules or the writes
        process.send_signal(signal.SIGTERM if attempt % 2 else signal.SIGINT)
        process.communicate(timeout=60)
        text = report.read_text()
        if text != previous:
            assert json.loads(text)["findings"]  # complete, never cut short
        assert not list(tmp_path.glob(".report.json.*.tmp"))  # no temporary file left


def test_a_file_size_limit_leaves_the_previous_file_and_prints_the_report(tmp_path):
    folder = tmp_path / "envs"
    _many_environments(folder, 40)
    report = tmp_path / "report.json"
    report.write_text("PREVIOUS")

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))

    process = _driftcheck("check", str(folder), "--offline", "--format", "markdown",
                          "--output", f"json={report}", preexec_fn=limit)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 2
    assert report.read_text() == "PREVIOUS"
    assert "## driftcheck" in out[:4096]  # the report itself still came out first
    assert f"{report}: cannot write the json report" in err
    assert "Traceback" not in err


def test_a_failing_snapshot_out_does_not_hide_the_report(sandbox, cli, tmp_path):
    (tmp_path / "x.toml").write_text(env_toml("x", sandbox.tenant_url("dev")))
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    code, out, err = cli("check", str(tmp_path / "x.toml"), "--format", "json",
                         "--snapshot-out", str(not_a_folder / "snap.toml"))
    assert code == 2
    assert json.loads(out)["environments"][0]["status"] == "checked"
    assert "--snapshot-out" in err
    assert "cannot write the snapshot" in err


@pytest.mark.parametrize("command", [
    ("init", "--issuer", "{issuer}", "--name", "x", "-o", "{target}"),
    ("sandbox", "--port", "0", "--env-file", "{target}"),
])
def test_unwritable_targets_are_clear_errors(cli, tmp_path, sandbox, command):
    target = tmp_path / "file" / "out"
    (tmp_path / "file").write_text("")  # a file where a folder should be
    args = [a.format(issuer=sandbox.tenant_url("dev"), target=target) for a in command]
    code, _out, err = cli(*args)
    assert code == 2
    assert "cannot write" in err
    assert "Traceback" not in err


# Untrusted mode.

def test_untrusted_files_run_no_command_and_read_only_listed_variables(static_server, cli,
                                                                       tmp_path, monkeypatch):
    marker = tmp_path / "ran"
    monkeypatch.setenv("CI_SECRET", "ci-secret-value-42")
    monkeypatch.setenv("ALLOWED_TOKEN", "not.a.token")
    folder = tmp_path / "envs"
    folder.mkdir()
    issuer = static_server.serve_idp("/t", {"keys": []})
    command = json.dumps([sys.executable, "-c", f"open({str(marker)!r}, 'w')"])
    (folder / "a.toml").write_text(env_toml(
        "a", issuer + "/${CI_SECRET}",
        f'[tokens.cmd]\nsource = "command"\ncommand = {command}\n'
        '[tokens.sec]\nsource = "client_credentials"\nclient_id = "c"\n'
        'client_secret_env = "CI_SECRET"\n'
        '[tokens.ok]\nsource = "env"\nenv = "ALLOWED_TOKEN"\n'))
    _code, out, err = cli("check", str(folder), "--format", "json", "--untrusted",
                          "--allow-env", "ALLOWED_TOKEN")
    assert not marker.exists()
    assert not any("ci-secret-value" in r for r in static_server.requests)
    assert "ci-secret-value-42" not in out + err
    findings = json.loads(out)["findings"]
    assert [f["rule"] for f in findings] == ["DC002"]  # ${CI_SECRET} is not expanded
    # With the reference gone, the sources themselves are refused, each with its reason.
    (folder / "a.toml").write_text((folder / "a.toml").read_text().replace("/${CI_SECRET}", ""))
    _code, out, err = cli("check", str(folder), "--format", "json", "--untrusted",
                          "--allow-env", "ALLOWED_TOKEN")
    assert not marker.exists()
    assert "/t/token" not in static_server.requests
    messages = {f["component"]: f["message"] for f in json.loads(out)["findings"]
                if f["rule"] == "DC301"}
    assert "runs no commands" in messages["tokens.cmd"]
    assert "CI_SECRET, which is not on the allow-list" in messages["tokens.sec"]
    assert "tokens.ok" not in messages  # an allow-listed variable is read


def test_untrusted_files_read_no_file_outside_the_checked_folders(cli, tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("secret-file-contents")
    folder = tmp_path / "envs"
    folder.mkdir()
    (folder / "a.toml").write_text(env_toml(
        "a", "https://idp.example.test/t",
        '[tokens.f]\nsource = "file"\npath = "../outside.txt"\n'))
    code, _out, err = cli("validate", str(folder), "--untrusted")
    assert code == 2
    assert "tokens.f.path" in err
    assert "outside the folders" in err
    code, _out, err = cli("validate", str(folder))
    assert code == 0, err
    # Inside the checked folder but in a .git folder (a checkout's credentials live there).
    (folder / ".git").mkdir()
    (folder / ".git" / "config").write_text("[http]\n\textraheader = AUTHORIZATION: basic x\n")
    (folder / "a.toml").write_text((folder / "a.toml").read_text().replace(
        "../outside.txt", ".git/config"))
    code, _out, err = cli("validate", str(folder), "--untrusted")
    assert code == 2
    assert "tokens.f.path" in err


def test_allow_env_without_untrusted_is_a_usage_error(cli, tmp_path):
    code, _out, err = cli("validate", str(tmp_path), "--allow-env", "X")
    assert code == 2
    assert "--untrusted" in err


def test_action_uses_untrusted_mode_on_pull_requests(tmp_path):
    import yaml

    action = yaml.safe_load((Path(__file__).parents[1] / "action.yml").read_text())
    step = next(s for s in action["runs"]["steps"] if s.get("id") == "check")
    marker = tmp_path / "ran"
    folder = tmp_path / "envs"
    folder.mkdir()
    command = json.dumps([sys.executable, "-c", f"open({str(marker)!r}, 'w')"])
    (folder / "a.toml").write_text(env_toml("a", "http://127.0.0.1:9/t",
                                            f'[tokens.c]\nsource = "command"\n'
                                            f"command = {command}\n"))
    for event, ran in (("pull_request", False), ("push", True)):
        env = {**os.environ, "DRIFTCHECK_PATHS": str(folder), "DRIFTCHECK_FAIL_ON": "critical",
               "DRIFTCHECK_SARIF": "", "DRIFTCHECK_BASELINE": "", "INPUT_UNTRUSTED": "auto",
               "DRIFTCHECK_ARGS": "", "GITHUB_EVENT_NAME": event,
               "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
        subprocess.run(["bash", "-c", step["run"]], env=env, capture_output=True, text=True,
                       timeout=120, check=False)
        assert marker.exists() == ran, event
        marker.unlink(missing_ok=True)


def test_untrusted_mode_sends_no_probe(cli, tmp_path, sandbox, monkeypatch):
    from driftcheck.demo import sandbox_variables

    for name, value in sandbox_variables(sandbox).items():
        monkeypatch.setenv(name, value)
    probe_url = sandbox.url + "/apis/dev/orders/ping"
    (tmp_path / "dev.toml").write_text(env_toml(
        "dev", sandbox.tenant_url("dev"),
        f'[apis.orders]\nurl = "{sandbox.url}/apis/dev"\n[apis.orders.probe]\nurl = "{probe_url}"\n'
        '[tokens.p]\nsource = "env"\nenv = "DEV_TOKEN"\n'))
    monkeypatch.setenv("DEV_TOKEN", sandbox.issue_token("dev", "probe-dev"))
    _code, out, _err = cli("check", str(tmp_path), "--format", "json", "--untrusted",
                           "--allow-env", "DEV_TOKEN")
    assert not json.loads(out)["environments"][0].get("probes")
    _code, out, _err = cli("check", str(tmp_path), "--format", "json")
    assert json.loads(out)["environments"][0].get("probes")  # the same file, trusted: probed


def test_the_audit_page_shows_the_demo_probes_in_its_grid(cli, tmp_path):
    from driftcheck.demo import demo_sandbox, exported, sandbox_variables
    from driftcheck.resources import data_dir

    sandbox = demo_sandbox().start()
    try:
        with exported(sandbox_variables(sandbox)):
            cli("check", str(data_dir("environments")), "--format", "html", "--output",
                f"html={tmp_path}/page.html")
    finally:
        sandbox.stop()
    page = (tmp_path / "page.html").read_text()
    assert "own token" in page
    assert "alg none" in page
