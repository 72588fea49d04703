"""DC409-DC412 end to end: environment files pointing at deployed artifacts, checked offline
(artifacts are local files), each rule with a case where it fires and one where it must stay
silent; findings located at the artifact's line in SARIF and GitHub annotations; validate;
snapshot replay; the example repository."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from driftcheck.deployed.read import read_deployments
from driftcheck.deployed.record import readings_document, readings_from
from driftcheck.load import load_environments
from driftcheck.observations import Observations
from driftcheck.run import CheckOptions, run_check
from driftcheck.snapshot import write_snapshot
from tests.conftest import env_toml

Write = Callable[[str, str], Path]
Cli = Callable[..., tuple[int, str, str]]
ROOT = Path(__file__).resolve().parent.parent
IDP = "https://idp.example.com/tenants"


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def spring(write: Write, env: str, issuer: str, audiences: str | None = None) -> None:
    text = f"""\
        spring:
          security:
            oauth2:
              resourceserver:
                jwt:
                  issuer-uri: {issuer}
        """
    if audiences:
        text += f"          audiences: [{audiences}]\n"
    write(f"app/application-{env}.yml", text)


def environment(name: str, tier: str, api: str = "", extra: str = "") -> str:
    return env_toml(name, f"{IDP}/{name}", f"""
        [apis.orders]
        url = "https://api.{name}.example.com"
        {api}
        [apis.orders.deployed]
        kind = "spring-boot"
        paths = ["../app/application*.yml"]
        profile = "{name}"
        {extra}
        """, tier=tier)


def check(cli: Cli, *files: tuple[str, str], fmt: str = "json") -> tuple[int, Any]:
    folder = Path("envs")
    folder.mkdir(exist_ok=True)
    for name, text in files:
        (folder / f"{name}.toml").write_text(text)
    code, out, err = cli("check", "envs", "--offline", "--format", fmt)
    assert code in (0, 1), err
    return code, json.loads(out) if fmt == "json" else out


def rules(report: dict[str, Any], env: str | None = None) -> list[str]:
    return sorted(f["rule"] for f in report["findings"]
                  if f["step"] == "deployed" and (env is None or f["environment"] == env))


def test_dc409_drift_points_at_the_artifact_line(write: Write, cli: Cli):
    spring(write, "prod", f"{IDP}/prod", "api://orders-prod")
    _, report = check(cli, ("prod", environment(
        "prod", "prod", f'issuers = ["{IDP}/prod"]\naudiences = ["api://orders"]')))
    [finding] = [f for f in report["findings"] if f["rule"] == "DC409"]
    assert finding["file"] == "app/application-prod.yml"
    assert finding["line"] == 7
    assert finding["evidence"]["declared"] == ["api://orders"]
    assert finding["evidence"]["deployed"] == ["api://orders-prod"]
    assert finding["severity"] == "high"


def test_dc409_silent_when_deployed_equals_declared(write: Write, cli: Cli):
    spring(write, "prod", f"{IDP}/prod", "api://orders-prod")
    _, report = check(cli, ("prod", environment(
        "prod", "prod", f'issuers = ["{IDP}/prod"]\naudiences = ["api://orders-prod"]\n'
        'algorithms = ["RS256"]\nclock_skew = "60s"')))
    assert rules(report) == []


def test_dc409_names_a_trailing_slash(write: Write, cli: Cli):
    spring(write, "prod", f"{IDP}/prod/", "api://orders-prod")
    _, report = check(cli, ("prod", environment("prod", "prod", f'issuers = ["{IDP}/prod"]')))
    [finding] = [f for f in report["findings"] if f["rule"] == "DC409"]
    assert "trailing slash" in finding["message"]


def test_deployed_values_stand_in_for_undeclared_ones(write: Write):
    spring(write, "prod", f"{IDP}/prod", "api://orders-prod")
    write("envs/prod.toml", environment("prod", "prod"))
    loaded = load_environments(["envs"])
    from driftcheck.deployed.apply import apply_all

    [filled] = apply_all(loaded.environments, read_deployments(loaded.environments))
    orders = filled.apis["orders"]
    assert orders.issuers == (f"{IDP}/prod",)
    assert orders.audiences == ("api://orders-prod",)
    assert orders.validator == "spring-security"
    assert filled.file_of("apis.orders.audiences") == "app/application-prod.yml"
    assert filled.line_of("apis.orders.audiences") == 7


def test_dc410_parse_error_with_line_and_column_in_sarif_and_github(write: Write, cli: Cli):
    write("app/application-prod.yml", "spring:\n  security: {oauth2\n  x: 1\n")
    files = [("prod", environment("prod", "prod"))]
    _, report = check(cli, *files)
    [finding] = [f for f in report["findings"] if f["rule"] == "DC410"]
    assert (finding["file"], finding["line"], finding["column"]) == (
        "app/application-prod.yml", 3, 4)
    _, out, _ = cli("check", "envs", "--offline", "--format", "sarif")
    results = [r for r in json.loads(out)["runs"][0]["results"] if r["ruleId"] == "DC410"]
    location = results[0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "app/application-prod.yml"
    assert location["region"] == {"startLine": 3, "startColumn": 4}
    _, out, _ = cli("check", "envs", "--offline", "--format", "github")
    assert "::error file=app/application-prod.yml,line=3,col=4,title=DC410" in out


def test_dc410_silent_and_validate_reports_unreadable(write: Write, cli: Cli):
    spring(write, "prod", f"{IDP}/prod", "api://orders-prod")
    _, report = check(cli, ("prod", environment("prod", "prod")))
    assert "DC410" not in rules(report)
    code, out, err = cli("validate", "envs")
    assert code == 0, err
    Path("app/application-prod.yml").unlink()
    code, out, err = cli("validate", "envs")
    assert code == 2
    assert "[DC410]" in err
    assert "matches no file" in err
    assert "1 deployed artifact problem" in out


def test_dc411_high_when_relied_on_medium_otherwise_silent_when_set(write: Write, cli: Cli):
    spring(write, "prod", f"{IDP}/prod")
    _, report = check(cli, ("prod", environment("prod", "prod",
                                                'audiences = ["api://orders-prod"]')))
    [finding] = [f for f in report["findings"] if f["rule"] == "DC411"]
    assert finding["severity"] == "high"
    assert finding["evidence"]["relied_on"] is True
    _, report = check(cli, ("prod", environment("prod", "prod")))
    [finding] = [f for f in report["findings"] if f["rule"] == "DC411"]
    assert finding["severity"] == "medium"
    spring(write, "prod", f"{IDP}/prod", "api://orders-prod")
    _, report = check(cli, ("prod", environment("prod", "prod")))
    assert "DC411" not in rules(report)


def test_dc412_prod_trusting_staging_is_critical_and_not_repeated_as_dc505(write: Write,
                                                                          cli: Cli):
    spring(write, "prod", f"{IDP}/staging", "api://orders-prod")
    spring(write, "staging", f"{IDP}/staging", "api://orders-staging")
    _, report = check(cli, ("prod", environment("prod", "prod")),
                      ("staging", environment("staging", "nonprod")))
    [finding] = [f for f in report["findings"] if f["rule"] == "DC412"]
    assert finding["environment"] == "prod"
    assert finding["severity"] == "critical"
    assert finding["evidence"]["belongs_to"] == "staging"
    assert finding["file"] == "app/application-prod.yml"
    assert finding["line"] == 6
    assert not [f for f in report["findings"] if f["rule"] == "DC505"]
    # Silent when each environment's deployment names its own values.
    spring(write, "prod", f"{IDP}/prod", "api://orders-prod")
    _, report = check(cli, ("prod", environment("prod", "prod")),
                      ("staging", environment("staging", "nonprod")))
    assert "DC412" not in rules(report)


def test_snapshot_replays_the_readings_without_the_files(write: Write):
    spring(write, "prod", f"{IDP}/staging")
    spring(write, "staging", f"{IDP}/staging", "api://orders-staging")
    write("envs/prod.toml", environment("prod", "prod"))
    write("envs/staging.toml", environment("staging", "nonprod"))
    loaded = load_environments(["envs"])
    deployed = read_deployments(loaded.environments)
    assert readings_from(readings_document(deployed), "x") == deployed
    write_snapshot("snap.toml", Observations(collected_at=0.0, deployed=deployed))
    shutil.rmtree("app")
    result = run_check(CheckOptions(paths=["envs"], from_snapshots=["snap.toml"]))
    found = {(f.environment, f.rule) for f in result.findings if f.rule.startswith("DC41")}
    assert ("prod", "DC412") in found
    assert ("prod", "DC411") in found
    assert not any(f.rule == "DC410" for f in result.findings)


def test_example_repository_finds_exactly_its_deliberate_drifts(cli: Cli,
                                                                monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(ROOT)
    code, out, err = cli("check", "examples/deployment/environments", "--offline",
                         "--format", "json")
    assert code == 1, err
    report = json.loads(out)
    found = sorted((f["environment"], f["rule"], f["component"], f["file"])
                   for f in report["findings"])
    assert found == [
        ("prod", "DC409", "apis.billing",
         "examples/deployment/billing-api/appsettings.Production.json"),
        ("prod", "DC409", "apis.orders",
         "examples/deployment/deploy/k8s/overlays/prod/rendered.yaml"),
        ("prod", "DC411", "gateways.edge", "examples/deployment/deploy/istio/prod/jwt.yaml"),
        ("prod", "DC412", "apis.orders",
         "examples/deployment/deploy/k8s/overlays/prod/rendered.yaml"),
    ]


def test_init_from_deployment_writes_files_check_accepts(cli: Cli, tmp_path: Path):
    repository = tmp_path / "repo"
    shutil.copytree(ROOT / "examples/deployment", repository,
                    ignore=shutil.ignore_patterns("environments"))
    (repository / "charts/orders").mkdir(parents=True)
    (repository / "charts/orders/values-prod.yaml").write_text("image: {tag: 1.0}\n")
    code, out, err = cli("init", "--from-deployment", str(repository), "-o", "generated")
    assert code == 0, err
    assert sorted(p.name for p in Path("generated").glob("*.toml")) == [
        "dev.toml", "prod.toml", "staging.toml"]
    assert "not placed: charts/orders/values-prod.yaml: Helm values" in out
    assert "not placed: deploy/k8s/overlays/prod/env-patch.yaml: a kustomize input" in out
    prod = Path("generated/prod.toml").read_text()
    assert 'issuer = "https://login.example.com/tenants/prod"' in prod
    assert 'tier = "prod"' in prod
    assert 'profile = "Production"' in prod
    code, out, err = cli("check", "generated", "--offline", "--format", "json")
    assert code == 1, err  # findings, not a configuration error
    report = json.loads(out)
    found = {(f["environment"], f["rule"]) for f in report["findings"]}
    assert ("prod", "DC412") in found
    assert not {rule for _, rule in found} & {"DC001", "DC002", "DC410"}
    assert not [f for f in report["findings"] if f["environment"] != "prod"]
    code, _, err = cli("init", "--from-deployment", str(repository), "-o", "generated")
    assert code == 2
    assert "exists" in err


def test_dc411_istio_without_principal_policy_and_kong_without_exp(write: Write, cli: Cli):
    write("istio/jwt.yaml", """\
        apiVersion: security.istio.io/v1
        kind: RequestAuthentication
        metadata: {name: edge, namespace: istio-system}
        spec:
          selector: {matchLabels: {istio: ingressgateway}}
          jwtRules:
            - issuer: https://idp.example.com/tenants/prod
              audiences: [api://edge]
        """)
    write("kong/kong.yml", """\
        _format_version: "3.0"
        plugins:
          - name: jwt
            config: {claims_to_verify: [nbf]}
        """)
    _, report = check(cli, ("prod", env_toml("prod", f"{IDP}/prod", """
        [gateways.edge.deployed]
        kind = "istio"
        paths = ["../istio/jwt.yaml"]
        [gateways.partner.deployed]
        kind = "kong"
        paths = ["../kong/kong.yml"]
        """, tier="prod")))
    checks = sorted((f["component"], f["evidence"]["check"], f["severity"], f["line"])
                    for f in report["findings"] if f["rule"] == "DC411")
    assert checks == [("gateways.edge", "principal", "high", 1),
                      ("gateways.partner", "audience", "medium", 3),
                      ("gateways.partner", "exp", "high", 4)]


def test_build_time_env_disagreeing_with_the_served_runtime_config(write: Write):
    from driftcheck.observations import EnvironmentObservation, HttpObservation
    from driftcheck.run import evaluate

    write("web/.env.production", "VITE_OIDC_AUTHORITY=https://idp.example.com/tenants/prod\n"
          "VITE_OIDC_CLIENT_ID=web\n")
    write("envs/prod.toml", env_toml("prod", f"{IDP}/prod", """
        [frontends.web]
        runtime_config_url = "https://app.example.com/config.json"
        runtime_config_map = { authority = "/authority", client_id = "/clientId" }
        [frontends.web.deployed]
        kind = "vite"
        paths = ["../web/.env*"]
        map = { authority = "VITE_OIDC_AUTHORITY", client_id = "VITE_OIDC_CLIENT_ID" }
        """, tier="prod"))
    loaded = load_environments(["envs"])
    url = "https://app.example.com/config.json"
    observations = Observations(
        collected_at=0.0,
        responses={url: HttpObservation(url, url, 200, 1.0, 0.0, body={
            "authority": f"{IDP}/staging", "clientId": "web"})},
        environments={"prod": EnvironmentObservation("prod", f"{IDP}/prod/.well-known/x",
                                                     runtime_config_urls={"web": url})})
    result = evaluate(loaded, loaded.environments, observations, CheckOptions(),
                      deployed=read_deployments(loaded.environments))
    [finding] = [f for f in result.findings if f.rule == "DC409"]
    assert "inlined at build time" in finding.message
    assert finding.file == "web/.env.production"
    assert finding.line == 1
    assert finding.evidence["runtime"] == f"{IDP}/staging"


def test_dc410_low_for_a_value_decided_at_deploy_time_and_for_an_alias_bomb(write: Write,
                                                                           cli: Cli):
    write("tf/main.tf", """\
        resource "aws_apigatewayv2_authorizer" "api" {
          authorizer_type = "JWT"
          jwt_configuration {
            issuer   = var.issuer
            audience = ["api://reports"]
          }
        }
        """)
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(8))
    write("istio/bomb.yaml", bomb)
    _, report = check(cli, ("prod", env_toml("prod", f"{IDP}/prod", """
        [gateways.reports.deployed]
        kind = "aws-apigw"
        paths = ["../tf/main.tf"]
        [gateways.edge.deployed]
        kind = "istio"
        paths = ["../istio/bomb.yaml"]
        """, tier="prod")))
    found = [(f["component"], f["severity"], f["message"]) for f in report["findings"]
             if f["rule"] == "DC410"]
    [(_, severity, message)] = [f for f in found if f[0] == "gateways.reports"]
    assert severity == "low"
    assert "var.issuer" in message
    assert "not compared" in message
    edge = [f for f in found if f[0] == "gateways.edge"]
    assert all(severity == "high" for _, severity, _ in edge)
    assert any("alias expansion" in message for _, _, message in edge)


def test_discovery_groups_by_namespace_mode_and_tfvars(tmp_path: Path):
    from driftcheck.deployed.discover import discover

    root = tmp_path / "repo"
    (root / "rendered").mkdir(parents=True)
    (root / "rendered/all.yaml").write_text(
        "kind: Deployment\nmetadata: {name: orders, namespace: shop-stage}\n"
        "spec: {template: {spec: {containers: [{name: orders}]}}}\n")
    (root / "site").mkdir()
    (root / "site/package.json").write_text('{"dependencies": {"next": "14.2.0"}}')
    (root / "site/.env.production").write_text("NEXT_PUBLIC_OIDC_AUTHORITY=https://idp/p\n")
    (root / "site/.env.production.local").write_text("NEXT_PUBLIC_OIDC_CLIENT_ID=x\n")
    (root / "cra").mkdir()
    (root / "cra/package.json").write_text('{"dependencies": {"react-scripts": "5.0.1"}}')
    (root / "cra/.env.development").write_text("REACT_APP_AUTHORITY=https://idp/d\n")
    found = discover(root)
    assert found.manifests == {"staging": [root / "rendered/all.yaml"]}
    kinds = {(c.name, c.kind): dict(c.profiles) for c in found.components}
    assert kinds == {("site", "nextjs"): {"prod": "production"},
                     ("cra", "create-react-app"): {"dev": "development"}}
    site = next(c for c in found.components if c.name == "site")
    assert site.map == {"authority": "NEXT_PUBLIC_OIDC_AUTHORITY"}


# Kong: maximum_expiration against the IdP's token lifetime; extra_jwks_uris crossover ------

KONG_LIMIT = """\
    _format_version: "3.0"
    plugins:
      - name: jwt
        config:
          claims_to_verify: [exp]
          maximum_expiration: 3600
    """


def kong_environment(sandbox: Any, family: str) -> str:
    deployed = f"""
        [{family}.{'orders' if family == 'apis' else 'edge'}.deployed]
        kind = "kong"
        paths = ["../kong/kong.yml"]
        """
    return env_toml("dev", sandbox.tenant_url("dev"), f"""
        [apis.orders]
        [gateways.edge]
        upstream_apis = ["orders"]
        {deployed}
        [tokens.probe]
        source = "env"
        env = "PROBE_DEV"
        for_api = "orders"
        """)


@pytest.mark.parametrize(("lifetime", "fires"), [(7200, True), (3600, False)])
def test_dc413_gateway_refuses_tokens_longer_than_maximum_expiration(
        sandbox: Any, cli: Cli, write: Write, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, lifetime: int, fires: bool):
    from tests.conftest import check_folder

    write("kong/kong.yml", KONG_LIMIT)
    sandbox.set_faults("dev", token_lifetime=lifetime)
    monkeypatch.setenv("PROBE_DEV", sandbox.issue_token("dev", "probe-dev"))
    report = check_folder(cli, tmp_path, ("dev", kong_environment(sandbox, "gateways")))
    found = [f for f in report["findings"] if f["rule"] == "DC413"]
    assert bool(found) == fires
    if fires:
        [finding] = found
        assert finding["step"] == "time"
        assert finding["component"] == "tokens.probe"
        assert (finding["file"], finding["line"]) == ("kong/kong.yml", 6)
        assert "exceeds 1 h" in finding["message"]
        assert "first 1 h" in finding["message"]
    [token] = report["environments"][0]["tokens"]
    assert token["steps"]["time"] == ("fail" if fires else "pass")


def test_kong_limit_on_an_api_is_its_max_token_age_for_dc314(
        sandbox: Any, cli: Cli, write: Write, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch):
    from tests.conftest import check_folder

    write("kong/kong.yml", KONG_LIMIT)
    sandbox.set_faults("dev", token_lifetime=7200)
    monkeypatch.setenv("PROBE_DEV", sandbox.issue_token("dev", "probe-dev"))
    report = check_folder(cli, tmp_path, ("dev", kong_environment(sandbox, "apis")))
    [finding] = [f for f in report["findings"] if f["rule"] == "DC314"]
    assert (finding["file"], finding["line"]) == ("kong/kong.yml", 6)
    assert "DC413" not in {f["rule"] for f in report["findings"]}  # one cause, one finding


def test_dc412_kong_extra_jwks_uri_of_another_environment(write: Write, cli: Cli):
    def kong(env: str, jwks: str) -> str:
        write(f"kong/{env}.yml", f"""\
            _format_version: "3.0"
            plugins:
              - name: openid-connect
                config:
                  issuer: {IDP}/{env}
                  extra_jwks_uris: [{jwks}]
            """)
        return env_toml(env, f"{IDP}/{env}", f"""
            jwks_uri = "{IDP}/{env}/keys"
            [gateways.edge.deployed]
            kind = "kong"
            paths = ["../kong/{env}.yml"]
            """, tier="prod" if env == "prod" else "nonprod")

    _, report = check(cli, ("prod", kong("prod", f"{IDP}/staging/keys")),
                      ("staging", kong("staging", f"{IDP}/staging/keys")))
    [finding] = [f for f in report["findings"] if f["rule"] == "DC412"]
    assert finding["environment"] == "prod"
    assert finding["severity"] == "critical"
    assert finding["evidence"]["field"] == "extra_jwks_uris"
    assert (finding["file"], finding["line"]) == ("kong/prod.yml", 6)
    _, report = check(cli, ("prod", kong("prod", f"{IDP}/prod/keys")),
                      ("staging", kong("staging", f"{IDP}/staging/keys")))
    assert "DC412" not in rules(report)


# oauth2-proxy: container args win over OAUTH2_PROXY_* variables and the config file -------

def test_oauth2_proxy_args_decide_dc409_and_dc411(write: Write, cli: Cli):
    def manifest(*args: str) -> None:
        lines = ["kind: Deployment", "metadata: {name: proxy}", "spec:", "  template:",
                 "    spec:", "      containers:", "        - name: oauth2-proxy",
                 "          env:",
                 f'            - {{name: OAUTH2_PROXY_OIDC_ISSUER_URL, value: "{IDP}/staging"}}',
                 '            - {name: OAUTH2_PROXY_SKIP_JWT_BEARER_TOKENS, value: "true"}',
                 "          args:"] + [f"            - {a!r}" for a in args]
        write("k8s/proxy.yaml", "\n".join(lines) + "\n")

    prod = env_toml("prod", f"{IDP}/prod", f"""
        [gateways.edge]
        issuers = ["{IDP}/prod"]
        [gateways.edge.deployed]
        kind = "oauth2-proxy"
        paths = ["../proxy/oauth2-proxy.cfg"]
        manifests = ["../k8s/proxy.yaml"]
        """, tier="prod")
    write("proxy/oauth2-proxy.cfg", f'provider = "oidc"\noidc_issuer_url = "{IDP}/dev"\n')
    manifest(f"--oidc-issuer-url={IDP}/prod", "--insecure-oidc-skip-issuer-verification")
    _, report = check(cli, ("prod", prod))
    [finding] = [f for f in report["findings"] if f["rule"] == "DC411"]
    assert finding["evidence"]["check"] == "issuer"
    assert finding["line"] == 13
    assert "DC409" not in rules(report)  # the flag overrides the staging variable
    manifest("--oidc-issuer-url", f"{IDP}/staging",
             "--insecure-oidc-skip-issuer-verification=false")
    _, report = check(cli, ("prod", prod))
    [finding] = [f for f in report["findings"] if f["rule"] == "DC409"]
    assert (finding["file"], finding["line"]) == ("k8s/proxy.yaml", 12)
    assert "DC411" not in rules(report)


# Spring Boot 3: the legacy environment-variable form binds; a name it does not bind is inert

@pytest.mark.parametrize(("variable", "fires"), [
    ("SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_ISSUER_URI", True),
    ("SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_ISSUERURI", True),
    ("SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_ISSUER_URL", False),
])
def test_dc409_spring_issuer_from_an_environment_variable(write: Write, cli: Cli,
                                                          variable: str, fires: bool):
    spring(write, "prod", f"{IDP}/prod", "api://orders-prod")
    write("k8s/prod.yaml", "kind: Deployment\nmetadata: {name: orders}\nspec:\n"
          "  template:\n    spec:\n      containers:\n        - name: orders\n"
          f"          env:\n            - name: {variable}\n"
          f"              value: {IDP}/prod-old\n")
    _, report = check(cli, ("prod", environment(
        "prod", "prod", f'issuers = ["{IDP}/prod"]', 'manifests = ["../k8s/prod.yaml"]')))
    found = [f for f in report["findings"] if f["rule"] == "DC409"]
    assert bool(found) == fires
    if fires:
        assert (found[0]["file"], found[0]["line"]) == ("k8s/prod.yaml", 10)


# Istio: policies attached by targetRefs or from the root namespace, matched as Istio does --

@pytest.mark.parametrize(("policy_namespace", "policy_target", "fires"), [
    ("istio-system", "selector: {matchLabels: {app: orders}}", False),
    ("other", "selector: {matchLabels: {app: orders}}", True),
    ("shop", "targetRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: edge}]",
     True),  # a sidecar workload ignores targetRefs
])
def test_dc411_istio_policy_attachment_end_to_end(write: Write, cli: Cli,
                                                  policy_namespace: str, policy_target: str,
                                                  fires: bool):
    from tests.test_deployed_readers import istio_pair

    write("istio/jwt.yaml", istio_pair("shop", "selector: {matchLabels: {app: orders}}",
                                       policy_namespace, policy_target))
    _, report = check(cli, ("prod", env_toml("prod", f"{IDP}/prod", """
        [apis.orders.deployed]
        kind = "istio"
        paths = ["../istio/jwt.yaml"]
        """, tier="prod")))
    found = [f for f in report["findings"] if f["rule"] == "DC411"
             and f["evidence"]["check"] == "principal"]
    assert bool(found) == fires


# Envoy: each rule's requirement, reported with its match ----------------------------------

def test_envoy_routes_dc411_and_dc412_per_rule(write: Write, cli: Cli):
    from tests.test_deployed_readers import envoy_rules

    staging = f"""\
                        staging:
                          issuer: {IDP}/staging
                          audiences: [api://orders]
"""

    def envoy_env(name: str, rules: str) -> str:
        write(f"envoy/{name}.yaml", envoy_rules(rules, staging).replace(
            "https://idp.example.com/prod", f"{IDP}/{name}"))
        return env_toml(name, f"{IDP}/{name}", f"""
            [gateways.edge.deployed]
            kind = "envoy"
            paths = ["../envoy/{name}.yaml"]
            """, tier="prod" if name == "prod" else "nonprod")

    open_admin = """\
                      rules:
                        - match: {prefix: /admin}
                          requires: {provider_name: staging}
                        - match: {prefix: /}
                          requires: {requires_any: {requirements: [{provider_name: idp},
                                                                   {allow_missing: {}}]}}
"""
    _, report = check(cli, ("prod", envoy_env("prod", open_admin)),
                      ("staging", envoy_env("staging", "")))
    [crossover] = [f for f in report["findings"] if f["rule"] == "DC412"
                   and f["environment"] == "prod"]
    assert crossover["severity"] == "critical"
    assert crossover["line"] == 26
    assert "rules[0] (prefix /admin) requires staging" in crossover["message"]
    [open_route] = [f for f in report["findings"] if f["rule"] == "DC411"
                    and f["environment"] == "prod"]
    assert open_route["line"] == 28
    assert "rules[1] (prefix /)" in open_route["message"]
    # Silent: every route requires this environment's provider (staging's is defined but
    # required by no rule).
    closed = """\
                      rules:
                        - match: {prefix: /}
                          requires: {provider_name: idp}
"""
    _, report = check(cli, ("prod", envoy_env("prod", closed)),
                      ("staging", envoy_env("staging", "")))
    assert not [f for f in report["findings"] if f["environment"] == "prod"
                and f["rule"] in ("DC411", "DC412")]
