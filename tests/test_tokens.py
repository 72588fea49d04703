"""The known-good token: sources, and every validation step passing and failing, with real
tokens from the sandbox IdP (and joserfc for hand-made damage)."""

from __future__ import annotations

import base64
import json
import sys
import time
from typing import Any

import pytest
from joserfc import jwk, jwt

from driftcheck.sandbox import Sandbox
from tests.conftest import check_folder, env_toml

API = """
[apis.orders]
issuers = ["{issuer}"]
audiences = ["api://orders-{name}"]
algorithms = ["RS256"]
clock_skew = "60s"
required_claims = ["sub", "scope"]
accepts = "access"

[frontends.web]
client_id = "web-{name}"
"""


def environment(sandbox: Sandbox, name: str, token: str) -> str:
    """An environment of sandbox tenant `name` with one orders API and the token source."""
    issuer = sandbox.tenant_url(name)
    return env_toml(name, issuer, API.format(issuer=issuer, name=name) + token)


def client_credentials(name: str, **extra: str) -> str:
    lines = "".join(f'{k} = "{v}"\n' for k, v in extra.items())
    return (f'[tokens.probe]\nsource = "client_credentials"\nfor_api = "orders"\n'
            f'client_id = "probe-{name}"\nclient_secret_env = "SECRET_{name.upper()}"\n{lines}')


ENV_TOKEN = '[tokens.probe]\nsource = "env"\nenv = "PROBE_TOKEN"\nfor_api = "orders"\n'


check = check_folder


def token_rules(report: dict, environment: str = "dev") -> list[str]:
    return [f["rule"] for f in report["findings"] if f["environment"] == environment
            and f["component"].startswith("tokens.")]


def steps(report: dict, environment: str = "dev") -> dict[str, str]:
    status = next(e for e in report["environments"] if e["name"] == environment)
    result: dict[str, str] = status["tokens"][0]["steps"]
    return result


@pytest.fixture
def secrets(sandbox, monkeypatch):
    for name in sandbox.tenant_names:
        monkeypatch.setenv(f"SECRET_{name.upper()}", sandbox.client(name).secret)


def with_token(sandbox, cli, tmp_path, monkeypatch, token: str, name: str = "dev",
               extra: tuple[str, ...] = ()) -> dict:
    monkeypatch.setenv("PROBE_TOKEN", token)
    return check(cli, tmp_path, (name, environment(sandbox, name, ENV_TOKEN)), extra=extra)


def b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


# -- sources ----------------------------------------------------------------------------------

@pytest.mark.parametrize("method", ["client_secret_basic", "client_secret_post"])
@pytest.mark.usefixtures("secrets")
def test_client_credentials_token_passes_every_step(sandbox, tmp_path, cli, method):
    report = check(cli, tmp_path, ("dev", environment(
        sandbox, "dev", client_credentials("dev", auth_method=method, scope="orders.read",
                                           resource="api://orders-dev"))))
    assert report["findings"] == []
    assert set(steps(report).values()) == {"pass"}
    token = report["environments"][0]["tokens"][0]
    assert token["kind"] == "access"
    assert len(token["fingerprint"]) == 12


def test_dc301_missing_secret_variable(sandbox, tmp_path, cli, monkeypatch):
    monkeypatch.delenv("SECRET_DEV", raising=False)
    report = check(cli, tmp_path, ("dev", environment(sandbox, "dev", client_credentials("dev"))))
    (finding,) = report["findings"]
    assert finding["rule"] == "DC301"
    assert finding["step"] == "fetch"
    assert "client_secret_env SECRET_DEV is not set" in finding["message"]
    assert set(steps(report).values()) == {"skipped"}


@pytest.mark.parametrize(
    ("extra", "secret", "expected"),
    [
        ({}, "wrong-secret", "HTTP 401: invalid_client (client authentication failed)"),
        ({"resource": "api://orders-prod"}, None,
         "HTTP 400: invalid_target (resource 'api://orders-prod' is not registered"),
        ({"scope": "admin"}, None, "HTTP 400: invalid_scope (scope not allowed: admin)"),
    ],
)
def test_dc301_token_endpoint_errors(sandbox, tmp_path, cli, monkeypatch, extra, secret,
                                     expected):
    monkeypatch.setenv("SECRET_DEV", secret or sandbox.client("dev").secret)
    report = check(cli, tmp_path, ("dev", environment(sandbox, "dev",
                                                      client_credentials("dev", **extra))))
    (finding,) = report["findings"]
    assert finding["rule"] == "DC301"
    assert expected in finding["message"]


def test_env_file_and_command_sources(sandbox, tmp_path, cli, monkeypatch):
    token = sandbox.issue_token("dev", "probe-dev")
    (tmp_path / "envs").mkdir()
    (tmp_path / "envs" / "probe.jwt").write_text(token + "\n")
    monkeypatch.setenv("PROBE_TOKEN", token)
    sources = {
        "env": ENV_TOKEN,
        "file": '[tokens.probe]\nsource = "file"\npath = "probe.jwt"\n',
        "command": '[tokens.probe]\nsource = "command"\ncommand = ["{}", "-c", '
                   '"print(open(\'{}\').read())"]\n'.format(sys.executable, tmp_path / "envs" /
                                                       "probe.jwt"),
    }
    for kind, text in sources.items():
        report = check(cli, tmp_path, ("dev", environment(sandbox, "dev", text)))
        assert report["findings"] == [], kind
        assert report["environments"][0]["tokens"][0]["fingerprint"] is not None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[tokens.probe]\nsource = "env"\nenv = "NOT_SET_TOKEN"\n',
         "environment variable NOT_SET_TOKEN is not set"),
        ('[tokens.probe]\nsource = "file"\npath = "missing.jwt"\n', "missing.jwt not found"),
        ('[tokens.probe]\nsource = "command"\ncommand = ["no-such-command-xyz"]\n',
         "command not found: no-such-command-xyz"),
        (f'[tokens.probe]\nsource = "command"\ncommand = ["{sys.executable}", "-c", '
         '"import sys; print(\'canary-secret-output\'); sys.exit(3)"]\n',
         "exited with code 3 (its output is not shown"),
        (f'[tokens.probe]\nsource = "command"\ntimeout = "1s"\ncommand = ["{sys.executable}", '
         '"-c", "import time; time.sleep(30)"]\n', "did not finish within 1 s"),
    ],
    ids=["env", "file", "command-missing", "command-fails", "command-timeout"],
)
def test_dc301_for_each_source(sandbox, tmp_path, cli, text, expected):
    report = check(cli, tmp_path, ("dev", environment(sandbox, "dev", text)))
    (finding,) = report["findings"]
    assert finding["rule"] == "DC301"
    assert expected in finding["message"]
    assert "canary-secret-output" not in json.dumps(report)


# -- step by step -----------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("mangle", "kinds"),
    [
        (lambda t: f"Bearer {t}", ["bearer-prefix"]),
        (lambda t: f'"{t}"', ["quotes"]),
        (lambda t: f" {t}\n", ["whitespace"]),
        (lambda t: t.replace(".", "%2E"), ["url-encoded"]),
        (lambda t: t[:40] + "\n" + t[40:], ["line-breaks"]),
    ],
    ids=["bearer", "quotes", "whitespace", "url-encoding", "line-break"],
)
def test_dc302_transport_damage_named_and_the_rest_still_checked(sandbox, tmp_path, cli,
                                                                 monkeypatch, mangle, kinds):
    token = sandbox.issue_token("dev", "probe-dev")
    report = with_token(sandbox, cli, tmp_path, monkeypatch, mangle(token))
    (finding,) = report["findings"]
    assert finding["rule"] == "DC302"
    assert finding["evidence"]["damage"] == kinds
    assert steps(report)["parse"] == "fail"
    assert [r for s, r in steps(report).items() if s != "parse"] == ["pass"] * 8


@pytest.mark.parametrize(
    ("mangle", "kind", "fragment"),
    [
        (lambda t: t[: t.index(".") + 12], "segments", "signature segment is missing"),
        (lambda t: ".".join([*t.split(".")[:2], "x", "y", "z"]), "jwe", "encrypted token"),
        (lambda t: t.split(".")[0] + "." + t.split(".")[1][:-7] + "." + t.split(".")[2],
         "truncated", "ends early"),
        (lambda _t: "opaque-reference-token", "segments", "not a JWT"),
    ],
    ids=["two-segments", "jwe", "truncated-payload", "opaque"],
)
def test_dc302_unreadable_tokens(sandbox, tmp_path, cli, monkeypatch, mangle, kind, fragment):
    report = with_token(sandbox, cli, tmp_path, monkeypatch,
                        mangle(sandbox.issue_token("dev", "probe-dev")))
    (finding,) = report["findings"]
    assert finding["evidence"]["damage"][-1] == kind
    assert fragment in finding["message"]
    assert steps(report)["parse"] == "fail"
    assert {r for s, r in steps(report).items() if s != "parse"} == {"skipped"}


def test_dc302_claim_types(sandbox, tmp_path, cli, monkeypatch):
    token = sandbox.sign("dev", {"iss": sandbox.tenant_url("dev"), "sub": "x",
                                 "aud": 42, "exp": "tomorrow", "scope": "a"})
    report = with_token(sandbox, cli, tmp_path, monkeypatch, token)
    (finding,) = [f for f in report["findings"] if f["rule"] == "DC302"]
    assert "exp is str 'tomorrow', not a NumericDate" in finding["message"]
    assert "aud is int, not a string or an array of strings" in finding["message"]


def test_dc303_hs256_key_confusion(sandbox, tmp_path, cli, monkeypatch):
    sandbox.set_faults("dev", hs256=True)
    report = with_token(sandbox, cli, tmp_path, monkeypatch,
                        sandbox.issue_token("dev", "probe-dev"))
    (finding,) = report["findings"]
    assert finding["rule"] == "DC303"
    assert "key-confusion pattern" in finding["message"]
    assert steps(report)["key"] == steps(report)["signature"] == "skipped"
    assert steps(report)["issuer"] == "pass"


def test_dc303_alg_none_is_critical(sandbox, tmp_path, cli, monkeypatch):
    claims = {"iss": sandbox.tenant_url("dev"), "sub": "x", "aud": "api://orders-dev",
              "exp": int(time.time()) + 600, "scope": "a"}
    report = with_token(sandbox, cli, tmp_path, monkeypatch,
                        f"{b64({'alg': 'none'})}.{b64(claims)}.")
    (finding,) = report["findings"]
    assert finding["rule"] == "DC303"
    assert finding["severity"] == "critical"


def test_dc303_es256_outside_the_list(sandbox, tmp_path, cli, monkeypatch):
    sandbox.set_faults("dev", alg="ES256")
    report = with_token(sandbox, cli, tmp_path, monkeypatch,
                        sandbox.issue_token("dev", "probe-dev"))
    assert token_rules(report) == ["DC303"]
    (finding,) = [f for f in report["findings"] if f["rule"] == "DC303"]
    assert ("alg ES256 is not among the algorithms apis.orders accepts (RS256; "
            "apis.orders.algorithms)") in finding["message"]


def test_dc304_rotated_key(sandbox, tmp_path, cli, monkeypatch):
    sandbox.set_faults("dev", rotated_key=True)
    report = with_token(sandbox, cli, tmp_path, monkeypatch,
                        sandbox.issue_token("dev", "probe-dev"))
    (finding,) = report["findings"]
    assert finding["rule"] == "DC304"
    assert finding["evidence"]["kid"] == "dev-rs256-0"
    assert steps(report)["key"] == "fail"
    assert steps(report)["signature"] == "skipped"


@pytest.mark.usefixtures("secrets")
def test_dc304_and_friends_name_the_other_environment(sandbox, tmp_path, cli,
                                                      monkeypatch):
    monkeypatch.setenv("PROBE_TOKEN", sandbox.issue_token("prod", "probe-prod"))
    report = check(cli, tmp_path, ("staging", environment(sandbox, "staging", ENV_TOKEN)),
                   ("prod", environment(sandbox, "prod", client_credentials("prod"))))
    # The same crossover seen step by step (DC304, DC309, DC310) and as isolation (DC505).
    assert token_rules(report, "staging") == ["DC304", "DC309", "DC310", "DC505", "DC505"]
    by_rule = {f["rule"]: f for f in report["findings"] if f["environment"] == "staging"}
    assert "verifies under prod's key" in by_rule["DC304"]["message"]
    assert "It is prod's issuer" in by_rule["DC309"]["message"]
    assert "it is prod's audience" in by_rule["DC310"]["message"]
    assert all(f["related"] == ["prod"] for f in by_rule.values())
    assert by_rule["DC505"]["severity"] == "high"  # both nonprod in this test
    assert token_rules(report, "prod") == []


@pytest.mark.usefixtures("secrets")
def test_dc305_same_kid_other_environments_key(sandbox, tmp_path, cli, monkeypatch):
    claims = {"iss": sandbox.tenant_url("staging"), "sub": "x", "aud": "api://orders-staging",
              "exp": int(time.time()) + 600, "scope": "a"}
    forged = sandbox.sign("staging", claims, header={"kid": "staging-rs256-1"}, key_of="prod")
    monkeypatch.setenv("PROBE_TOKEN", forged)
    report = check(cli, tmp_path, ("staging", environment(sandbox, "staging", ENV_TOKEN)),
                   ("prod", environment(sandbox, "prod", client_credentials("prod"))))
    (finding,) = [f for f in report["findings"] if f["environment"] == "staging"]
    assert finding["rule"] == "DC305"
    assert "verifies under prod's key (kid 'prod-rs256-1')" in finding["message"]
    assert steps(report, "staging")["signature"] == "fail"


def test_dc305_truncated_signature_and_wrong_key_type(sandbox, tmp_path, cli, monkeypatch):
    token = sandbox.issue_token("dev", "probe-dev")
    head, body, signature = token.split(".")
    report = with_token(sandbox, cli, tmp_path, monkeypatch, f"{head}.{body}.{signature[:-8]}")
    (finding,) = report["findings"]
    assert finding["rule"] == "DC305"
    assert "the signature is 250 bytes where the key produces 256" in finding["message"]
    ec = jwk.ECKey.generate_key("P-256")
    claims = json.loads(base64.urlsafe_b64decode(body + "=="))
    confused = jwt.encode({"alg": "ES256", "kid": "dev-rs256-1"}, claims, ec)
    monkeypatch.setenv("PROBE_TOKEN", confused)
    text = environment(sandbox, "dev", ENV_TOKEN).replace('["RS256"]', '["RS256", "ES256"]')
    report = check(cli, tmp_path, ("dev", text))
    (finding,) = [f for f in report["findings"] if f["rule"] == "DC305"]
    assert "kid 'dev-rs256-1' is a RSA key, which cannot verify ES256" in finding["message"]


def test_dc306_expired_with_issue_time(sandbox, tmp_path, cli, monkeypatch):
    sandbox.set_faults("dev", expired_tokens=True)
    report = with_token(sandbox, cli, tmp_path, monkeypatch,
                        sandbox.issue_token("dev", "probe-dev"))
    (finding,) = report["findings"]
    assert finding["rule"] == "DC306"
    assert "The token expired 10 min" in finding["message"]
    assert "allows 60 s of skew (apis.orders.clock_skew)" in finding["message"]
    assert "lifetime 1 h" in finding["message"]


@pytest.mark.parametrize(("shift", "rule"), [(3 * 3600, "DC306"), (-120, "DC307"),
                                             (-30, None)])
def test_time_window_with_now(sandbox, tmp_path, cli, monkeypatch, shift, rule):
    report = with_token(sandbox, cli, tmp_path, monkeypatch,
                        sandbox.issue_token("dev", "probe-dev"),
                        extra=("--now", str(int(time.time()) + shift)))
    assert token_rules(report) == ([rule] if rule else [])


def test_dc307_explained_by_the_idp_clock(sandbox, tmp_path, cli, monkeypatch):
    sandbox.set_faults("dev", clock_offset=150)
    report = with_token(sandbox, cli, tmp_path, monkeypatch,
                        sandbox.issue_token("dev", "probe-dev"))
    (finding,) = [f for f in report["findings"] if f["rule"] == "DC307"]
    assert "runs 2 min 30 s ahead" in finding["message"] or "ahead of this machine's" in \
        finding["message"]
    assert "that explains it" in finding["message"]
    assert "DC701" in [f["rule"] for f in report["findings"]]


def test_dc308_milliseconds(sandbox, tmp_path, cli, monkeypatch):
    now_ms = int(time.time() * 1000)
    token = sandbox.sign("dev", {"iss": sandbox.tenant_url("dev"), "sub": "x",
                                 "aud": "api://orders-dev", "scope": "a", "iat": now_ms,
                                 "exp": now_ms + 3_600_000})
    report = with_token(sandbox, cli, tmp_path, monkeypatch, token)
    assert token_rules(report) == ["DC308"]
    assert "as milliseconds" in report["findings"][0]["message"]


def test_dc309_trailing_slash_names_the_configuration(sandbox, tmp_path, cli, monkeypatch):
    sandbox.set_faults("dev", trailing_slash_issuer=True)
    report = with_token(sandbox, cli, tmp_path, monkeypatch,
                        sandbox.issue_token("dev", "probe-dev"))
    finding = next(f for f in report["findings"] if f["rule"] == "DC309")
    assert finding["evidence"]["actual_marked"].endswith("[/]")
    assert "It is what this environment's IdP emits (discovery)" in finding["message"]


def test_dc311_required_claims(sandbox, tmp_path, cli, monkeypatch):
    token = sandbox.sign("dev", {"iss": sandbox.tenant_url("dev"), "aud": "api://orders-dev",
                                 "exp": int(time.time()) + 600, "client_id": "c"})
    report = with_token(sandbox, cli, tmp_path, monkeypatch, token)
    (finding,) = report["findings"]
    assert finding["rule"] == "DC311"
    assert finding["evidence"]["missing"] == ["sub", "scope"]


def test_dc312_id_token_sent_to_an_api(sandbox, tmp_path, cli, monkeypatch):
    sandbox.set_faults("dev", id_tokens=True)
    report = with_token(sandbox, cli, tmp_path, monkeypatch,
                        sandbox.issue_token("dev", "probe-dev"))
    assert token_rules(report) == ["DC310", "DC311", "DC312"]
    by_rule = {f["rule"]: f for f in report["findings"]}
    assert "it is a frontend's client_id: an ID token?" in by_rule["DC310"]["message"]
    assert "expects access tokens but the token is an ID token" in by_rule["DC312"]["message"]
    assert "nonce claim (OIDC ID token)" in by_rule["DC312"]["evidence"]["clues"]
    status = report["environments"][0]["tokens"][0]
    assert status["kind"] == "id"
    assert status["first_failing_step"] == "audience"


def test_dc313_unsafe_headers_never_fetched(sandbox, static_server, tmp_path, cli, monkeypatch):
    trap = static_server.url + "/keys"
    token = sandbox.sign("dev", {"iss": sandbox.tenant_url("dev"), "sub": "x", "scope": "a",
                                 "aud": "api://orders-dev", "exp": int(time.time()) + 600},
                         header={"jku": trap, "x5u": trap + "/cert", "crit": ["exp"],
                                 "exp": 1})
    report = with_token(sandbox, cli, tmp_path, monkeypatch, token)
    (finding,) = report["findings"]
    assert finding["rule"] == "DC313"
    assert finding["severity"] == "high"
    assert finding["evidence"]["parameters"] == ["jku", "x5u", "crit"]
    assert static_server.requests == []


def test_first_failing_step_is_the_headline(sandbox, tmp_path, cli, monkeypatch):
    """Expired and wrong audience together: both shown, time first."""
    sandbox.set_faults("dev", expired_tokens=True)
    token = sandbox.issue_token("dev", "probe-dev")
    sandbox.set_faults("dev", expired_tokens=False)
    monkeypatch.setenv("PROBE_TOKEN", token)
    text = environment(sandbox, "dev", ENV_TOKEN).replace("api://orders-dev",
                                                          "api://billing-dev")
    report = check(cli, tmp_path, ("dev", text))
    assert token_rules(report) == ["DC306", "DC310"]
    assert report["environments"][0]["tokens"][0]["first_failing_step"] == "time"
    _code, out, _ = cli("check", str(tmp_path / "envs"))
    assert "(first failing step: time)" in out
    assert out.index("DC306") < out.index("DC310")


@pytest.mark.parametrize(("validator", "two_keys", "fires"), [
    ("pyjwt", False, True),            # PyJWKClient: keys are found by kid only
    ("aws-jwt-verify", False, True),   # JwtWithoutValidKidError
    ("fast-jwt", False, True),         # get-jwks: key.kid === kid
    ("jwks-rsa-jsonwebtoken", False, False),  # one key: jwks-rsa takes it
    ("jwks-rsa-jsonwebtoken", True, True),    # two keys: "no KID specified"
    ("joserfc", True, True),
    ("panva-jose", True, False),       # every key of the type is tried
    ("strict", True, False),
])
def test_dc304_token_without_kid_judged_by_how_the_validator_finds_its_key(
        sandbox, tmp_path, cli, monkeypatch, validator, two_keys, fires):
    if two_keys:
        sandbox.set_faults("dev", publish_previous_key=True)
        sandbox.rotate_keys("dev")
    claims = {"iss": sandbox.tenant_url("dev"), "sub": "x", "aud": "api://orders-dev",
              "iat": int(time.time()), "exp": int(time.time()) + 600, "scope": "a"}
    monkeypatch.setenv("PROBE_TOKEN", sandbox.sign("dev", claims, header={"kid": None}))
    text = environment(sandbox, "dev", ENV_TOKEN).replace(
        'accepts = "access"', f'accepts = "access"\nvalidator = "{validator}"')
    report = check(cli, tmp_path, ("dev", text))
    found = [f for f in report["findings"] if f["rule"] == "DC304"]
    if not fires:
        assert found == []
        assert steps(report)["key"] == "pass"
        assert steps(report)["signature"] == "pass"
        return
    (finding,) = found
    assert finding["message"].startswith("The token has no kid; apis.orders: ")
    assert validator in finding["message"]
    assert finding["evidence"]["key_lookup"] in ("exact", "single")
    assert steps(report)["key"] == "fail"
    assert steps(report)["signature"] == "skipped"
