"""Issue 17, "a gate people can trust": no false alarms on clean setups, no silent passes,
one cause -> one headline. Every example of the issue is a regression test here."""

from __future__ import annotations

import json
import time

import pytest

from tests.conftest import check_folder
from tests.test_tokens import client_credentials, environment, secrets  # noqa: F401

check = check_folder


# -- false alarms on a clean setup ------------------------------------------------------------

@pytest.mark.usefixtures("secrets")
def test_a_fresh_token_is_judged_when_it_was_received_not_when_the_run_started(
        sandbox, tmp_path, cli):
    """A 0 s validator judged a token issued after the run started as "not valid yet, 0 ms
    ahead". Each token is judged at its own arrival, with one second of slack."""
    text = environment(sandbox, "dev", client_credentials("dev")).replace(
        'clock_skew = "60s"', 'validator = "pyjwt"')
    sandbox.set_faults("dev", latency=1.2)  # the token arrives well after the run started
    for _ in range(3):
        report = check(cli, tmp_path, ("dev", text))
        assert [f for f in report["findings"] if f["rule"] in ("DC306", "DC307")] == []


@pytest.mark.usefixtures("secrets")
def test_now_given_judges_every_token_at_it(sandbox, tmp_path, cli):
    text = environment(sandbox, "dev", client_credentials("dev"))
    report = check(cli, tmp_path, ("dev", text), extra=("--now", str(int(time.time()) - 600)))
    (finding,) = [f for f in report["findings"] if f["rule"] == "DC307"]
    assert "not valid yet" in finding["message"]


@pytest.mark.usefixtures("secrets")
def test_a_token_the_idp_issued_already_expired_gets_idp_advice(
        sandbox, tmp_path, cli):
    sandbox.set_faults("dev", expired_tokens=True)
    report = check(cli, tmp_path, ("dev", environment(sandbox, "dev", client_credentials("dev"))))
    (finding,) = [f for f in report["findings"] if f["rule"] == "DC306"]
    assert finding["message"].startswith("The IdP issued the token already expired")
    assert "access-token lifetime" in finding["fix"]
    assert "before it expires" not in finding["fix"]
    assert finding["evidence"]["issued_expired"] is True


# -- one cause, one headline ------------------------------------------------------------------

FOUR_RS256_APIS = "".join(
    f'[apis.{name}]\naudiences = ["api://orders-dev"]\nalgorithms = ["RS256"]\n'
    f'clock_skew = "60s"\n' for name in ("orders", "billing", "search", "users"))
TOKEN = ('[tokens.probe]\nfor_api = "orders"\nsource = "client_credentials"\n'
         'client_id = "probe-dev"\nclient_secret_env = "SECRET_DEV"\nscope = "orders.read"\n'
         'resource = "api://orders-dev"\n')


@pytest.mark.usefixtures("secrets")
def test_an_idp_signing_only_es256_under_rs256_apis_is_one_headline(
        sandbox, tmp_path, cli):
    """9 findings (4x DC107, 4x DC404, DC303) of one mistake: one headline, where the token
    line says the token failed, and every finding still in the JSON with its group."""
    sandbox.set_faults("dev", alg="ES256")
    text = (f'name = "dev"\n[idp]\nissuer = "{sandbox.tenant_url("dev")}"\n'
            + FOUR_RS256_APIS + TOKEN)
    report = check(cli, tmp_path, ("dev", text))
    findings = report["findings"]
    assert sorted(f["rule"] for f in findings) == ["DC107"] * 4 + ["DC303"] + ["DC404"] * 4
    groups = {f["cause"]["group"] for f in findings}
    assert groups == {"dev/algorithms"}
    (headline,) = [f for f in findings if f["cause"]["headline"]]
    assert headline["rule"] == "DC303"
    (env,) = report["environments"]
    assert env["headline"] == headline["fingerprint"]
    assert env["first_failing_step"] == env["tokens"][0]["first_failing_step"] == "algorithm"
    assert {f["cause"]["headline_fingerprint"] for f in findings} == {headline["fingerprint"]}

    code, out, _ = cli("check", str(tmp_path / "envs"))
    assert code == 1
    assert out.count("← first failing step") == 1
    marked = next(line for line in out.splitlines() if "← first failing step" in line)
    assert "DC303" in marked
    assert out.count("same cause (algorithms)") == 1
    assert out.count("      · ") == 8  # the others, one line each beneath the headline
    markdown = cli("check", str(tmp_path / "envs"), "--format", "markdown")[1]
    assert markdown.count("**← first failing step**") == 1
    assert "headline of 9 with one cause: algorithms" in markdown


def test_a_frontend_redeployed_with_another_environments_config_is_one_headline(
        sandbox, tmp_path, cli):
    """staging's frontend serves prod's configuration: each differing value is DC407 drift and
    a DC505 crossover; one cause, one headline."""
    url = sandbox.url
    sandbox.set_faults("staging", frontend_config_overrides={
        "auth": {"authority": sandbox.tenant_url("prod"), "clientId": "web-prod",
                 "audience": "api://orders-prod"},
        "apiBaseUrl": f"{url}/apis/prod"})

    def environment_file(name: str, tier: str) -> str:
        return (f'name = "{name}"\ntier = "{tier}"\n[idp]\nissuer = "{sandbox.tenant_url(name)}"\n'
                f'[frontends.web]\nurl = "{url}/apps/{name}"\n'
                f'runtime_config_url = "{url}/apps/{name}/config.json"\n'
                'runtime_config_map = { authority = "/auth/authority", client_id = '
                '"/auth/clientId", api_base_url = "/apiBaseUrl", audience = "/auth/audience" }\n'
                f'authority = "{sandbox.tenant_url(name)}"\nclient_id = "web-{name}"\n'
                f'api_base_url = "{url}/apis/{name}"\naudience = "api://orders-{name}"\n'
                f'[apis.orders]\nurl = "{url}/apis/{name}"\n'
                f'audiences = ["api://orders-{name}"]\nalgorithms = ["RS256"]\n')

    report = check(cli, tmp_path, ("staging", environment_file("staging", "nonprod")),
                   ("prod", environment_file("prod", "prod")))
    mine = [f for f in report["findings"] if f["environment"] == "staging"]
    frontend = [f for f in mine if f["component"] == "frontends.web"]
    rules = sorted(f["rule"] for f in frontend)
    assert rules.count("DC407") >= 3
    assert rules.count("DC505") >= 3
    assert {f["cause"]["group"] for f in frontend} == {"staging/frontend-config/frontends.web"}
    assert sum(f["cause"]["headline"] for f in frontend) == 1
    _code, out, _ = cli("check", str(tmp_path / "envs"), "--env", "staging")
    assert out.count("same cause (frontend-config)") == 1


# -- silent passes and wrong ticks ------------------------------------------------------------

def _offline_pair(tmp_path):
    shared = "https://idp.test/tenants/main"
    folder = tmp_path / "envs"
    folder.mkdir(exist_ok=True)
    for name in ("a", "b"):
        (folder / f"{name}.toml").write_text(
            f'name = "{name}"\n[idp]\nissuer = "{shared}"\n')
    return folder


@pytest.mark.parametrize("value", ["XYZ", "token-expird", "DC9"])
def test_select_or_ignore_matching_no_rule_is_a_usage_error(cli, tmp_path, value):
    folder = _offline_pair(tmp_path)
    for flag in ("--select", "--ignore"):
        code, out, err = cli("check", str(folder), "--offline", flag, value)
        assert code == 2
        assert out == ""
        assert f"{flag} {value!r}: no rule ID starts with it" in err


def test_slugs_are_accepted_wherever_ids_are(cli, tmp_path, monkeypatch):
    folder = _offline_pair(tmp_path)
    code, out, _ = cli("check", str(folder), "--offline", "--format", "json",
                       "--select", "shared-issuer")
    assert code == 1
    assert {f["rule"] for f in json.loads(out)["findings"]} == {"DC502"}
    code, out, _ = cli("check", str(folder), "--offline", "--format", "json",
                       "--ignore", "shared-issuer")
    assert code == 0
    assert json.loads(out)["findings"] == []
    monkeypatch.setenv("DRIFTCHECK_SELECT", "nope")
    assert cli("check", str(folder), "--offline")[0] == 2


@pytest.mark.usefixtures("secrets")
def test_token_steps_not_judged_under_select_are_never_ticked(sandbox, tmp_path, cli):
    sandbox.set_faults("dev", expired_tokens=True)
    folder_text = environment(sandbox, "dev", client_credentials("dev"))
    report = check(cli, tmp_path, ("dev", folder_text), extra=("--select", "DC309"))
    (verdict,) = report["environments"][0]["tokens"]
    assert verdict["steps"]["time"] == "skipped"
    assert "time" in verdict["not_judged"]
    assert verdict["steps"]["issuer"] == "pass"  # DC309 is the issuer step's only rule
    assert "pass" not in {verdict["steps"][s] for s in verdict["not_judged"]}
    folder = str(tmp_path / "envs")
    out = cli("check", folder, "--select", "DC309")[1]
    assert "time –" in out
    assert "time ✓" not in out
    assert "issuer ✓" in out
    junit = cli("check", folder, "--select", "DC309", "--format", "junit")[1]
    assert 'name="DC306 token-expired"' in junit
    case = junit[junit.index('name="DC306 token-expired"'):]
    assert case[:case.index("</testcase>")].count('<skipped message="not selected') == 1
    markdown = cli("check", folder, "--ignore", "DC306", "--format", "markdown")[1]
    assert "time –" in markdown
    assert "time ✅" not in markdown


@pytest.mark.usefixtures("secrets")
def test_diff_ticks_no_token_step(sandbox, tmp_path, cli):
    folder = tmp_path / "envs"
    folder.mkdir()
    (folder / "dev.toml").write_text(environment(sandbox, "dev", client_credentials("dev")))
    old, new = tmp_path / "old.toml", tmp_path / "new.toml"
    assert cli("snapshot", str(folder), "-o", str(old))[0] == 0
    assert cli("snapshot", str(folder), "-o", str(new))[0] == 0
    out = cli("diff", str(old), str(new), str(folder))[1]
    assert "parse –" in out
    assert "parse ✓" not in out
    assert "issuer ✓" not in out
    report = json.loads(cli("diff", str(old), str(new), str(folder), "--format", "json")[1])
    (verdict,) = report["environments"][0]["tokens"]
    assert set(verdict["steps"].values()) == {"skipped"}


def test_a_baseline_with_env_judges_staleness_in_scope_and_prints_every_counted_finding(
        cli, tmp_path):
    folder = _offline_pair(tmp_path)
    baseline = tmp_path / "baseline.toml"
    baseline.write_text(
        'version = "1"\n[[accepted]]\nfingerprint = "0000000000000000"\nrule = "DC502"\n'
        'environment = "a"\ncomponent = "idp"\nreason = "r"\nexpires = 2999-01-01\n')
    code, out, _ = cli("check", str(folder), "--offline", "--baseline", str(baseline))
    assert code == 1
    assert "DC005 baseline-stale" in out
    out = cli("check", str(folder), "--offline", "--baseline", str(baseline),
              "--env", "b", "--format", "json")[1]
    report = json.loads(out)
    assert [f["rule"] for f in report["findings"]] == ["DC502"]
    assert report["summary"]["findings"] == 1
    _code, out, _ = cli("check", str(folder), "--offline", "--baseline", str(baseline),
                       "--env", "b")
    assert "DC005" not in out
    assert "1 finding" in out


@pytest.mark.usefixtures("secrets")
def test_algorithm_fixes_name_the_key_path_and_the_frameworks_setting(
        sandbox, tmp_path, cli):
    sandbox.set_faults("dev", alg="ES256")
    text = (f'name = "dev"\n[idp]\nissuer = "{sandbox.tenant_url("dev")}"\n'
            '[apis.orders]\naudiences = ["api://orders-dev"]\nalgorithms = ["RS256"]\n'
            'validator = "spring-security"\n' + TOKEN)
    report = check(cli, tmp_path, ("dev", text))
    dc303 = next(f for f in report["findings"] if f["rule"] == "DC303")
    assert 'Set `apis.orders.algorithms = ["ES256"]`' in dc303["fix"]
    assert "spring.security.oauth2.resourceserver.jwt.jws-algorithms" in dc303["fix"]
    for rule in ("DC107", "DC404"):
        finding = next(f for f in report["findings"] if f["rule"] == rule)
        assert "`apis.orders.algorithms" in finding["fix"]
        assert "jws-algorithms" in finding["fix"]


def test_a_frontends_fetch_failure_gets_frontend_advice(sandbox, tmp_path, cli):
    sandbox.set_faults("dev", status_overrides={"config": 404})
    url = sandbox.url
    text = (f'name = "dev"\n[idp]\nissuer = "{sandbox.tenant_url("dev")}"\n'
            f'[frontends.web]\nruntime_config_url = "{url}/apps/dev/config.json"\n'
            'runtime_config_map = { authority = "/auth/authority" }\n')
    report = check(cli, tmp_path, ("dev", text))
    (finding,) = [f for f in report["findings"] if f["rule"] == "DC010"]
    assert finding["component"] == "frontends.web"
    assert "frontends.web.runtime_config_url" in finding["fix"]
    assert "IdP's documentation" not in finding["fix"]


# -- output a person can read -----------------------------------------------------------------

@pytest.fixture(scope="module")
def demo_folder():
    from driftcheck.demo import demo_sandbox, exported, sandbox_variables
    from driftcheck.resources import data_dir

    sandbox = demo_sandbox().start()
    with exported(sandbox_variables(sandbox)):
        yield str(data_dir("environments"))
    sandbox.stop()


def test_human_formats_show_no_python_reprs_and_align_evidence(demo_folder, cli):
    for fmt in ("console", "markdown", "github"):
        out = cli("check", demo_folder, "--format", fmt)[1]
        assert "{'" not in out, fmt
        assert "['" not in out, fmt
        assert "True" not in out, fmt
    markdown = cli("check", demo_folder, "--format", "markdown")[1]
    assert "`validators`: component: apis.orders, validator: spring-security" in markdown
    assert "accepts: no" in markdown
    out = cli("check", demo_folder)[1]
    # `related` lines up with the evidence keys above it.
    block = out[out.index("DC501 shared-signing-key"):].splitlines()[2:6]
    assert [line.index(line.split()[1]) for line in block if line.strip()] == [18] * 4


def test_diff_without_environment_files_says_tier_unknown_and_old_new(sandbox, tmp_path, cli):
    from tests.conftest import env_toml

    folder = tmp_path / "envs"
    folder.mkdir()
    (folder / "dev.toml").write_text(env_toml("dev", sandbox.tenant_url("dev")))
    old, new = tmp_path / "old.toml", tmp_path / "new.toml"
    assert cli("snapshot", str(folder), "-o", str(old))[0] == 0
    sandbox.set_faults("dev", trailing_slash_issuer=True)
    assert cli("snapshot", str(folder), "-o", str(new))[0] == 0
    code, out, _ = cli("diff", str(old), str(new))
    assert code == 1
    assert "dev (tier unknown)" in out
    assert "(nonprod)" not in out
    assert "      old " in out
    assert "      new " in out
    assert "expected" not in out
    report = json.loads(cli("diff", str(old), str(new), "--format", "json")[1])
    assert report["environments"][0]["tier"] is None
    dc602 = next(f for f in report["findings"] if f["rule"] == "DC602")
    assert dc602["evidence"]["old"] == sandbox.tenant_url("dev")
    assert cli("diff", str(old), str(new), "--format", "markdown")[1].count("| unknown |") == 1


@pytest.mark.parametrize(("environ", "tty", "wanted"), [
    ({}, False, False), ({}, True, True), ({"NO_COLOR": "1"}, True, False),
    ({"FORCE_COLOR": "1"}, False, True), ({"FORCE_COLOR": "0"}, False, False),
    ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, False, False), ({"NO_COLOR": ""}, True, True),
])
def test_colour_honours_force_color_and_no_color(environ, tty, wanted):
    import io

    from driftcheck.cli import colour_wanted

    class Stream(io.StringIO):
        def isatty(self) -> bool:
            return tty

    assert colour_wanted(Stream(), environ) is wanted


def test_force_color_colours_a_ci_log_and_the_matrix_legend_follows(demo_folder, cli,
                                                                    monkeypatch):
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.delenv("NO_COLOR", raising=False)
    out = cli("check", demo_folder, "--matrix")[1]
    assert "\x1b[" in out
    assert "red: the same value" in out
    monkeypatch.setenv("NO_COLOR", "1")
    out = cli("check", demo_folder, "--matrix")[1]
    assert "\x1b[" not in out
    assert "red: the same value" not in out
    assert "* the same value in another environment" in out


def test_matrix_cells_wrap_at_sensible_points():
    from driftcheck.report.matrix import wrap

    assert wrap("exact, spring-security default (apis.orders)", 16) == [
        "exact,", "spring-security", "default", "(apis.orders)"]
    assert wrap("api://orders-staging", 16) == ["api://orders-", "staging"]
    assert all(len(line) <= 10 for line in wrap("x" * 25 + " y", 10))


def test_verbose_logs_each_request_once(sandbox, tmp_path):
    import os
    import subprocess
    import sys

    folder = tmp_path / "envs"
    folder.mkdir()
    (folder / "dev.toml").write_text(environment(sandbox, "dev", client_credentials("dev")))
    env = {**os.environ, "SECRET_DEV": sandbox.client("dev").secret}
    process = subprocess.run([sys.executable, "-m", "driftcheck", "check", str(folder),
                              "--verbose"], capture_output=True, text=True, env=env,
                             timeout=60)
    lines = [line for line in process.stderr.splitlines() if "/tenants/dev/" in line]
    assert len(lines) == 3, lines  # discovery, JWKS, token: once each
    assert not any("HTTP Request" in line for line in lines)


@pytest.mark.usefixtures("secrets")
def test_progress_only_on_a_terminal(sandbox, tmp_path, cli):
    import os
    import pty
    import subprocess
    import sys

    folder = tmp_path / "envs"
    folder.mkdir()
    (folder / "dev.toml").write_text(environment(sandbox, "dev", client_credentials("dev")))
    _code, _out, err = cli("check", str(folder))  # stderr is not a terminal here
    assert err == ""
    sandbox.set_faults("dev", latency=0.5)  # long enough for the display to draw
    leader, follower = pty.openpty()
    env = {**os.environ, "SECRET_DEV": sandbox.client("dev").secret}
    for fmt, shown in (("console", True), ("json", False)):
        process = subprocess.run([sys.executable, "-m", "driftcheck", "check", str(folder),
                                  "--format", fmt], stdout=subprocess.PIPE, stderr=follower,
                                 env=env, timeout=60)
        os.set_blocking(leader, False)
        written = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except (BlockingIOError, OSError):
                break
            if not chunk:
                break
            written += chunk
        assert (b"collecting" in written) is shown, (fmt, written[:200])
        assert b"collecting" not in process.stdout
    os.close(leader)
    os.close(follower)
