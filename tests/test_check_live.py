"""`driftcheck check` end to end against real servers on loopback."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import jsonschema
import pytest
from joserfc import jwk

from driftcheck.resources import load_schema
from driftcheck.run import CheckOptions, run_check
from tests.conftest import env_toml
from tests.servers import StaticServer


def check(tmp_path: Path, cli, *files: tuple[str, str], extra: tuple[str, ...] = ()):
    folder = tmp_path / "envs"
    folder.mkdir(exist_ok=True)
    for name, text in files:
        (folder / f"{name}.toml").write_text(text)
    code, out, err = cli("check", str(folder), "--format", "json", *extra)
    report = json.loads(out) if out else None
    if report is not None:
        jsonschema.Draft202012Validator(load_schema("report.schema.json")).validate(report)
    return code, report, err


def rules_of(report, environment: str | None = None) -> list[str]:
    return [f["rule"] for f in report["findings"]
            if environment is None or f["environment"] == environment]


def test_clean_environments_exit_0(sandbox, tmp_path, cli):
    code, report, _ = check(tmp_path, cli, *[
        (n, env_toml(n, sandbox.tenant_url(n))) for n in ("dev", "prod")])
    assert code == 0
    assert report["findings"] == []
    assert [e["status"] for e in report["environments"]] == ["checked", "checked"]
    assert report["summary"]["exit_code"] == 0


def test_trailing_slash_is_dc102_with_marked_difference(sandbox, tmp_path, cli):
    sandbox.set_faults("staging", trailing_slash_issuer=True)
    code, report, _ = check(tmp_path, cli, ("staging", env_toml("staging",
                                                                sandbox.tenant_url("staging"))))
    assert code == 1
    (finding,) = report["findings"]
    assert finding["rule"] == "DC102"
    assert finding["slug"] == "issuer-trailing-slash"
    assert finding["step"] == "discovery"
    assert finding["component"] == "idp"
    assert finding["evidence"]["actual_marked"] == sandbox.tenant_url("staging") + "[/]"
    assert finding["evidence"]["expected"] == sandbox.tenant_url("staging")
    assert finding["key_path"] == "idp.issuer"
    assert finding["file"].endswith("staging.toml")
    assert report["environments"][0]["first_failing_step"] == "discovery"


def test_other_tenant_path_is_dc101(sandbox, tmp_path, cli):
    sandbox.set_faults("staging", advertised_issuer=sandbox.tenant_url("prod"))
    _, report, _ = check(tmp_path, cli, ("staging", env_toml("staging",
                                                             sandbox.tenant_url("staging"))))
    (finding,) = report["findings"]
    assert finding["rule"] == "DC101"
    assert "the path differs (/tenants/staging vs /tenants/prod)" in finding["message"]


def test_host_case_is_dc103(sandbox, tmp_path, cli):
    shouting = sandbox.tenant_url("dev").replace("http://", "HTTP://")
    sandbox.set_faults("dev", advertised_issuer=shouting)
    _, report, _ = check(tmp_path, cli, ("dev", env_toml("dev", sandbox.tenant_url("dev"))))
    assert rules_of(report) == ["DC103"]
    assert "scheme" in report["findings"][0]["message"]


def test_declared_jwks_404_is_dc010_http_status(sandbox, tmp_path, cli):
    body = f'jwks_uri = "{sandbox.tenant_url("dev")}/keys"'
    code, report, _ = check(tmp_path, cli, ("dev", env_toml("dev", sandbox.tenant_url("dev"),
                                                            body)))
    assert code == 1
    assert rules_of(report) == ["DC010", "DC106"]  # fetch first, then the declared-vs-discovered
    finding = report["findings"][0]
    assert finding["rule"] == "DC010"
    assert finding["step"] == "fetch"
    assert finding["evidence"] == {"url": sandbox.tenant_url("dev") + "/keys",
                                   "failure": "http-status", "status": 404}
    assert finding["key_path"] == "idp.jwks_uri"
    assert "HTTP 404" in finding["message"]


def test_refused_is_dc010_and_everything_unreachable_exits_3(closed_port, tmp_path, cli):
    issuer = f"http://127.0.0.1:{closed_port}/tenants/x"
    code, report, _ = check(tmp_path, cli, ("x", env_toml("x", issuer)))
    assert code == 3
    (finding,) = report["findings"]
    assert finding["evidence"]["failure"] == "refused"
    assert report["environments"][0]["status"] == "unreachable"


def test_unreachable_environment_does_not_stop_the_others(sandbox, closed_port, tmp_path, cli):
    sandbox.set_faults("staging", trailing_slash_issuer=True)
    code, report, _ = check(
        tmp_path, cli,
        ("down", env_toml("down", f"http://127.0.0.1:{closed_port}/t")),
        ("staging", env_toml("staging", sandbox.tenant_url("staging"))),
    )
    assert code == 1
    assert rules_of(report, "down") == ["DC010"]
    assert rules_of(report, "staging") == ["DC102"]


@pytest.mark.parametrize(
    ("body", "content_type", "status", "failure", "detail"),
    [
        ("<html>login</html>", "text/html", 200, "not-json", "response is not JSON (text/html)"),
        ("[1, 2]", "application/json", 200, "not-json", "expected a JSON object, got a JSON list"),
        ("{}", "application/json", 500, "http-status", "HTTP 500"),
    ],
)
def test_failure_classes_from_a_real_server(static_server, tmp_path, cli, body, content_type,
                                            status, failure, detail):
    static_server.route("/t/.well-known/openid-configuration", status, body,
                        Content_Type=content_type)
    _, report, _ = check(tmp_path, cli, ("x", env_toml("x", static_server.url + "/t")))
    (finding,) = report["findings"]
    assert finding["evidence"]["failure"] == failure
    assert detail in finding["message"]


def test_5xx_is_retried_with_backoff(static_server, tmp_path, cli):
    static_server.route("/t/.well-known/openid-configuration", 503, "{}")
    check(tmp_path, cli, ("x", env_toml("x", static_server.url + "/t")))
    assert static_server.requests.count("/t/.well-known/openid-configuration") == 3


def test_redirects_followed_on_the_same_host_only(static_server, sandbox, tmp_path, cli):
    # Same host (127.0.0.1), other port: the sandbox's discovery.
    static_server.route("/same/.well-known/openid-configuration", 302, "",
                        Location=f"{sandbox.tenant_url('dev')}/.well-known/openid-configuration")
    # Off host: this very server under the name localhost, so a followed redirect would show
    # in its request log.
    static_server.route("/off/.well-known/openid-configuration", 302, "",
                        Location=static_server.url.replace("127.0.0.1", "localhost")
                        + "/elsewhere")
    _, report, _ = check(
        tmp_path, cli,
        ("same", env_toml("same", sandbox.tenant_url("dev"),
                          f'discovery_url = "{static_server.url}/same/.well-known/'
                          'openid-configuration"')),
        ("off", env_toml("off", static_server.url + "/off")),
    )
    assert rules_of(report, "same") == []
    (finding,) = [f for f in report["findings"] if f["environment"] == "off"]
    assert finding["evidence"]["failure"] == "off-host-redirect"
    assert "/elsewhere" not in static_server.requests


def test_too_large_body(static_server, tmp_path, cli):
    static_server.route("/t/.well-known/openid-configuration", 200,
                        '{"pad": "' + "x" * (2 * 1024 * 1024) + '"}')
    _, report, _ = check(tmp_path, cli, ("x", env_toml("x", static_server.url + "/t")))
    assert report["findings"][0]["evidence"]["failure"] == "too-large"


def test_plain_http_outside_loopback_is_not_fetched(tmp_path, cli):
    code, report, _ = check(tmp_path, cli, ("x", env_toml("x", "http://idp.example.test/t")))
    (finding,) = report["findings"]
    assert finding["evidence"]["failure"] == "insecure-url"
    assert "allow_insecure_http" in finding["message"]
    assert code == 3


def test_each_url_fetched_once_per_run(sandbox, tmp_path):
    folder = tmp_path / "envs"
    folder.mkdir()
    for index in range(6):
        (folder / f"e{index}.toml").write_text(env_toml(
            f"e{index}", sandbox.tenant_url("dev"), "[isolation]\nallow_shared = ['idp.issuer']"))
    result = run_check(CheckOptions(paths=[folder]))
    assert {(f.rule, f.severity.value) for f in result.findings} == {("DC502", "info")}
    assert sandbox.requests["GET /tenants/dev/.well-known/openid-configuration"] == 1
    assert sandbox.requests["GET /tenants/dev/jwks"] == 1


def test_bad_file_exits_2_and_other_environments_are_still_checked(sandbox, tmp_path, cli):
    sandbox.set_faults("staging", trailing_slash_issuer=True)
    code, report, _ = check(
        tmp_path, cli,
        ("staging", env_toml("staging", sandbox.tenant_url("staging"))),
        ("broken", 'name = "broken"\n[idp]\nissuer = 42\n'),
    )
    assert code == 2
    assert rules_of(report, "staging") == ["DC102"]
    (problem,) = [f for f in report["findings"] if f["rule"] == "DC001"]
    assert problem["message"].endswith("broken.toml: idp.issuer: expected a string, got number 42")
    assert problem["environment"] == "broken"
    assert problem["step"] == "config"
    statuses = {e["name"]: e["status"] for e in report["environments"]}
    assert statuses == {"staging": "checked", "broken": "invalid"}


def test_select_ignore_and_fail_on(sandbox, tmp_path, cli):
    sandbox.set_faults("staging", trailing_slash_issuer=True)
    files = ("staging", env_toml("staging", sandbox.tenant_url("staging"),
                                 f'jwks_uri = "{sandbox.tenant_url("staging")}/old"'))
    _, report, _ = check(tmp_path, cli, files)
    assert sorted(rules_of(report)) == ["DC010", "DC102", "DC106"]
    _, report, _ = check(tmp_path, cli, files, extra=("--select", "DC1"))
    assert sorted(rules_of(report)) == ["DC102", "DC106"]
    _, report, _ = check(tmp_path, cli, files, extra=("--select", "DC1", "--ignore", "DC106"))
    assert rules_of(report) == ["DC102"]
    _, report, _ = check(tmp_path, cli, files, extra=("--ignore", "DC0,DC1"))
    assert rules_of(report) == []
    code, report, _ = check(tmp_path, cli, files, extra=("--fail-on", "critical"))
    assert code == 0
    assert len(report["findings"]) == 3


def test_env_filter_and_unknown_env(sandbox, tmp_path, cli):
    files = [(n, env_toml(n, sandbox.tenant_url(n))) for n in ("dev", "prod")]
    _, report, _ = check(tmp_path, cli, *files, extra=("--env", "prod"))
    assert [e["name"] for e in report["environments"]] == ["prod"]
    code, out, err = cli("check", str(tmp_path / "envs"), "--env", "qa")
    assert code == 2
    assert out == ""
    assert "--env qa: no such environment (known: dev, prod)" in err


def test_offline_runs_no_network_rule(closed_port, tmp_path, cli):
    code, report, _ = check(tmp_path, cli, ("x", env_toml("x", f"http://127.0.0.1:{closed_port}")),
                            extra=("--offline",))
    assert code == 0
    assert report["findings"] == []
    assert report["environments"][0]["status"] == "offline"


def test_output_files_and_console_are_plain_when_not_a_terminal(sandbox, tmp_path, cli):
    sandbox.set_faults("staging", trailing_slash_issuer=True)
    folder = tmp_path / "envs"
    folder.mkdir()
    (folder / "staging.toml").write_text(env_toml("staging", sandbox.tenant_url("staging")))
    code, out, _ = cli("check", str(folder), "--output", f"json={tmp_path}/r.json",
                       "--output", f"console={tmp_path}/r.txt")
    assert code == 1
    assert "\x1b[" not in out
    assert "DC102 issuer-trailing-slash" in out
    assert out.rstrip().endswith("1 environment · 1 finding: 1 high · fail-on high → exit 1")
    assert json.loads((tmp_path / "r.json").read_text())["findings"][0]["rule"] == "DC102"
    assert (tmp_path / "r.txt").read_text() == out


def test_bad_output_flag_is_a_usage_error(cli):
    code, _, err = cli("check", "--output", "yaml=x.yaml")
    assert code == 2
    assert "--output 'yaml=x.yaml': expected FORMAT=FILE" in err


class _InFlight(StaticServer):
    """Counts requests being served at once; each takes 50 ms."""

    def __init__(self) -> None:
        super().__init__()
        self.now = self.peak = 0
        self._lock = threading.Lock()

    def handle_get(self, handler: BaseHTTPRequestHandler) -> None:
        with self._lock:
            self.now += 1
            self.peak = max(self.peak, self.now)
        try:
            time.sleep(0.05)
            super().handle_get(handler)
        finally:
            with self._lock:
                self.now -= 1


def test_concurrency_bounds_requests_in_flight_and_never_changes_the_result(tmp_path, cli):
    with _InFlight() as server:
        keys = {"keys": [jwk.RSAKey.generate_key(2048, parameters={"kid": "k"}).as_dict(
            private=False)]}
        folder = tmp_path / "envs"
        folder.mkdir()
        for index in range(8):
            issuer = server.serve_idp(f"/t{index}", keys)
            (folder / f"e{index}.toml").write_text(env_toml(f"e{index}", issuer))
        reports = {}
        for concurrency in ("1", "3", "128"):
            server.peak = 0
            _, out, _ = cli("check", str(folder), "--format", "json", "--concurrency",
                            concurrency)
            reports[concurrency] = sorted(
                (f["environment"], f["rule"], f["component"], f["message"])
                for f in json.loads(out)["findings"])
            assert server.peak <= int(concurrency)
            if concurrency == "3":
                assert server.peak == 3  # 16 requests, 50 ms each: the bound is reached
        assert reports["1"] == reports["3"] == reports["128"]
        assert {r[1] for r in reports["1"]} == {"DC501"}  # the one key is shared by all
