"""Deployed-configuration readers on fixtures shaped like real projects: each framework's
precedence and defaults, the origin (file and line) of every value, parse errors with line."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from driftcheck.deployed.interface import Reading
from driftcheck.deployed.read import read_component
from driftcheck.load import load_environments
from tests.conftest import env_toml

Write = Callable[[str, str], Path]


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # file names in origins are relative to the working dir


def reading(write: Write, component: str, table: str) -> Reading:
    """Load an environment file whose `component` has this `deployed` table; read it."""
    family, name = component.split(".")
    write("envs/test.toml", env_toml("test", "https://idp.example.com/t",
                                     f"[{family}.{name}]\n[{family}.{name}.deployed]\n{table}"))
    loaded = load_environments(["envs/test.toml"])
    assert not loaded.problems, loaded.problems
    environment = loaded.environments[0]
    part = getattr(environment, family)[name]
    return read_component(component, part.deployed)


def value(found: Reading, field: str) -> object:
    setting = found.setting(field)
    return None if setting is None else setting.value


def where(found: Reading, field: str) -> str:
    setting = found.setting(field)
    assert setting is not None
    return str(setting.origin)


# Spring Boot ---------------------------------------------------------------------------

SPRING_BASE = """\
spring:
  application:
    name: orders
  security:
    oauth2:
      resourceserver:
        jwt:
          issuer-uri: https://idp.example.com/dev
          audiences:
            - api://orders-dev
"""


def test_spring_profile_file_overrides_base_and_other_profiles_are_skipped(write: Write):
    write("app/application.yml", SPRING_BASE)
    write("app/application-prod.yml", """\
        spring.security.oauth2.resourceserver.jwt:
          issuer-uri: https://idp.example.com/prod
        """)
    write("app/application-staging.yml", """\
        spring.security.oauth2.resourceserver.jwt.issuer-uri: https://idp.example.com/staging
        """)
    found = reading(write, "apis.orders", 'kind = "spring-boot"\n'
                    'paths = ["../app/application*.yml"]\nprofile = "prod"')
    assert value(found, "issuers") == ("https://idp.example.com/prod",)
    assert where(found, "issuers").startswith("app/application-prod.yml:2")
    setting = found.setting("issuers")
    assert setting is not None and [o.line for o in setting.overrode] == [8]
    assert value(found, "audiences") == ("api://orders-dev",)  # from the base file
    assert where(found, "audiences").startswith("app/application.yml:9")
    assert any("application-staging.yml" in n for n in found.notes)
    assert found.files == ("app/application.yml", "app/application-prod.yml")


def test_spring_properties_win_over_yaml_and_env_vars_over_files(write: Write):
    write("app/application.yml", SPRING_BASE)
    write("app/application.properties", "# ops\n"
          "spring.security.oauth2.resourceserver.jwt.audiences=api://a, api://b\n")
    write("k8s/prod.yaml", """\
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: orders}
        spec:
          template:
            spec:
              containers:
                - name: orders
                  env:
                    - name: SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_ISSUERURI
                      value: https://idp.example.com/prod
                    - name: SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_JWSALGORITHMS_0
                      value: ES256
        """)
    found = reading(write, "apis.orders", 'kind = "spring-boot"\n'
                    'paths = ["../app/application.yml", "../app/application.properties"]\n'
                    'manifests = ["../k8s/prod.yaml"]')
    assert value(found, "audiences") == ("api://a", "api://b")
    assert where(found, "audiences").startswith("app/application.properties:2")
    assert value(found, "issuers") == ("https://idp.example.com/prod",)
    assert where(found, "issuers") == (
        "k8s/prod.yaml:11 (env SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_ISSUERURI)")
    assert value(found, "algorithms") == ("ES256",)


def test_spring_defaults_and_checks_left_off(write: Write):
    write("app/application.yml", """\
        spring:
          security:
            oauth2:
              resourceserver:
                jwt:
                  jwk-set-uri: https://idp.example.com/keys
        """)
    found = reading(write, "apis.orders", 'kind = "spring-boot"\n'
                    'paths = ["../app/application.yml"]')
    algorithms = found.setting("algorithms")
    assert algorithms is not None and algorithms.value == ("RS256",)
    assert algorithms.origin.file is None and "RS256" in str(algorithms.origin)
    assert value(found, "clock_skew") == 60.0
    assert {d.check for d in found.disabled} == {"audience", "issuer"}
    assert found.setting("issuers") is None


def test_spring_profile_from_a_configmap_and_on_profile_documents(write: Write):
    write("app/application.yml", SPRING_BASE + textwrap.dedent("""\
        ---
        spring:
          config:
            activate:
              on-profile: prod
          security.oauth2.resourceserver.jwt.audiences: [api://orders-prod]
        ---
        spring.config.activate.on-profile: staging
        spring.security.oauth2.resourceserver.jwt.audiences: [api://orders-staging]
        """))
    write("k8s/all.yaml", """\
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: orders-config}
        data:
          SPRING_PROFILES_ACTIVE: prod
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: orders}
        spec:
          template:
            spec:
              containers:
                - name: orders
                  envFrom:
                    - configMapRef: {name: orders-config}
        """)
    found = reading(write, "apis.orders", 'kind = "spring-boot"\n'
                    'paths = ["../app/application.yml"]\nmanifests = ["../k8s/*.yaml"]')
    assert value(found, "audiences") == ("api://orders-prod",)
    assert where(found, "audiences").startswith("app/application.yml:16")


def test_spring_yaml_syntax_error_has_line_and_column(write: Write):
    write("app/application.yml", "spring:\n  security: [oauth2\n  other: 1\n")
    found = reading(write, "apis.orders", 'kind = "spring-boot"\n'
                    'paths = ["../app/application.yml"]')
    problem = found.problems[0]
    assert problem.file == "app/application.yml"
    assert (problem.line, problem.column) == (3, 8)
    assert "invalid YAML" in problem.message


# Kubernetes ------------------------------------------------------------------------------

def test_kubernetes_configmap_key_ref_resolves_and_secrets_are_never_read(write: Write):
    write("app/application.yml", SPRING_BASE)
    write("k8s/prod.yaml", """\
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: auth, namespace: shop}
        data:
          issuer: https://idp.example.com/prod
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: auth-secret, namespace: shop}
        stringData:
          audience: api://secret-value
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: orders, namespace: shop}
        spec:
          template:
            spec:
              containers:
                - name: orders
                  env:
                    - name: SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_ISSUERURI
                      valueFrom:
                        configMapKeyRef: {name: auth, key: issuer}
                    - name: SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_AUDIENCES
                      valueFrom:
                        secretKeyRef: {name: auth-secret, key: audience}
                - name: sidecar
        """)
    found = reading(write, "apis.orders", 'kind = "spring-boot"\n'
                    'paths = ["../app/application.yml"]\nmanifests = ["../k8s/prod.yaml"]\n'
                    'select = "orders"')
    assert value(found, "issuers") == ("https://idp.example.com/prod",)
    assert where(found, "issuers").startswith("k8s/prod.yaml:5 (ConfigMap auth key issuer")
    assert value(found, "audiences") == ("api://orders-dev",)  # the Secret's is unknown
    assert any("Secret auth-secret key audience" in n and "not inspected" in n
               for n in found.notes)
    assert "secret-value" not in repr(found)


def test_kubernetes_needs_select_when_several_containers(write: Write):
    write("app/application.yml", SPRING_BASE)
    write("k8s/prod.yaml", """\
        kind: Deployment
        metadata: {name: orders}
        spec: {template: {spec: {containers: [{name: a}, {name: b}]}}}
        """)
    found = reading(write, "apis.orders", 'kind = "spring-boot"\n'
                    'paths = ["../app/application.yml"]\nmanifests = ["../k8s/prod.yaml"]')
    assert "several containers" in found.problems[0].message
    found = reading(write, "apis.orders", 'kind = "spring-boot"\n'
                    'paths = ["../app/application.yml"]\nmanifests = ["../k8s/prod.yaml"]\n'
                    'select = "c"')
    assert "matches no workload or container" in found.problems[0].message


# ASP.NET Core ----------------------------------------------------------------------------

APPSETTINGS = """\
{
  // base settings
  "Authentication": {
    "Schemes": {
      "Bearer": {
        "ValidAudiences": [ "api://billing-dev", "api://billing-extra" ],
        "ValidIssuer": "https://idp.example.com/dev",
      }
    }
  }
}
"""


def test_aspnetcore_environment_file_env_vars_and_case_insensitive_keys(write: Write):
    write("api/appsettings.json", "\ufeff" + APPSETTINGS)  # Visual Studio's byte-order mark
    write("api/appsettings.Production.json", """\
        {
          /* production */
          "authentication": { "schemes": { "bearer": {
            "validissuer": "https://idp.example.com/prod",
          } } },
        }
        """)
    write("api/appsettings.Staging.json", '{"Authentication": {"Schemes": {"Bearer": '
          '{"ValidIssuer": "https://idp.example.com/staging"}}}}')
    write("k8s/prod.yaml", """\
        kind: Deployment
        metadata: {name: billing}
        spec:
          template:
            spec:
              containers:
                - name: billing
                  env:
                    - name: ASPNETCORE_ENVIRONMENT
                      value: Production
                    - name: Authentication__Schemes__Bearer__ValidAudiences__0
                      value: api://billing-prod
        """)
    found = reading(write, "apis.billing", 'kind = "aspnetcore"\n'
                    'paths = ["../api/appsettings*.json"]\nmanifests = ["../k8s/prod.yaml"]')
    assert not found.problems
    assert value(found, "issuers") == ("https://idp.example.com/prod",)
    assert where(found, "issuers").startswith("api/appsettings.Production.json:4")
    # ASP.NET configuration overrides key by key: item 0 from the env var, item 1 stays.
    assert value(found, "audiences") == ("api://billing-prod", "api://billing-extra")
    assert where(found, "audiences").startswith("k8s/prod.yaml:12")
    assert not found.disabled
    assert any("appsettings.Staging.json" in n and "not applied" in n for n in found.notes)


def test_aspnetcore_binds_only_what_jwtbearer_reads(write: Write):
    # `Audience` is a JwtBearerOptions property, but JwtBearerConfigureOptions never binds it:
    # it must not count as an audience check. Authority alone does not turn on ValidateIssuer.
    write("api/appsettings.json", """\
        {"Authentication": {"Schemes": {"Bearer": {
          "Authority": "https://idp.example.com/prod",
          "Audience": "api://billing-prod"
        }}}}
        """)
    found = reading(write, "apis.billing", 'kind = "aspnetcore"\n'
                    'paths = ["../api/appsettings.json"]\nprofile = "Production"')
    assert found.setting("audiences") is None
    assert {d.check for d in found.disabled} == {"audience", "issuer"}
    assert any("Audience" in n and "not read" in n for n in found.notes)
    assert value(found, "authority") == "https://idp.example.com/prod"


def test_aspnetcore_json_error_has_line_and_column(write: Write):
    write("api/appsettings.json", '{\n  "Authentication": {\n    "Schemes": }\n}\n')
    found = reading(write, "apis.billing", 'kind = "aspnetcore"\n'
                    'paths = ["../api/appsettings.json"]')
    problem = found.problems[0]
    assert (problem.file, problem.line, problem.column) == ("api/appsettings.json", 3, 16)


def test_identity_web_without_audience_accepts_client_id_and_api_uri(write: Write):
    write("api/appsettings.json", """\
        {"AzureAd": {"Instance": "https://login.microsoftonline.com/",
                     "TenantId": "11111111-2222-3333-4444-555555555555",
                     "ClientId": "6a1b"}}
        """)
    found = reading(write, "apis.billing", 'kind = "microsoft-identity-web"\n'
                    'paths = ["../api/appsettings.json"]')
    assert value(found, "audiences") == ("6a1b", "api://6a1b")
    assert value(found, "authority") == (
        "https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/v2.0")


# Istio ------------------------------------------------------------------------------------

ISTIO = """\
apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata: {name: edge, namespace: istio-system}
spec:
  selector: {matchLabels: {istio: ingressgateway}}
  jwtRules:
    - issuer: https://idp.example.com/prod
      jwksUri: https://idp.example.com/prod/keys
{audiences}---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: require-jwt, namespace: istio-system}
spec:
  selector: {matchLabels: {istio: ingressgateway}}
  rules:
    - from:
        - source: {requestPrincipals: ["*"]}
"""


def test_istio_rules_audiences_and_authorization_policy(write: Write):
    write("istio/jwt.yaml", ISTIO.replace("{audiences}", "      audiences: [api://edge]\n"))
    found = reading(write, "gateways.edge", 'kind = "istio"\npaths = ["../istio/*.yaml"]')
    assert value(found, "issuers") == ("https://idp.example.com/prod",)
    assert value(found, "audiences") == ("api://edge",)
    assert value(found, "jwks_uri") == "https://idp.example.com/prod/keys"
    assert not found.disabled and not found.problems


def test_istio_without_audiences_or_principal_policy(write: Write):
    text = ISTIO.replace("{audiences}", "")
    write("istio/jwt.yaml", text.split("---")[0])
    found = reading(write, "gateways.edge", 'kind = "istio"\npaths = ["../istio/*.yaml"]')
    assert {d.check for d in found.disabled} == {"audience", "principal"}
    audience = next(d for d in found.disabled if d.check == "audience")
    assert audience.origin.file == "istio/jwt.yaml" and audience.origin.line == 7


# Frontends ---------------------------------------------------------------------------------

ENV_MAP = 'map = { authority = "{p}AUTHORITY", client_id = "{p}CLIENT_ID" }'


@pytest.mark.parametrize(("kind", "prefix", "winner"), [
    ("vite", "VITE_", ".env.production.local"),
    ("nextjs", "NEXT_PUBLIC_", ".env.production.local"),
])
def test_dotenv_precedence(write: Write, kind: str, prefix: str, winner: str):
    write("web/.env", f"{prefix}AUTHORITY=https://idp.example.com/dev\n"
          f"{prefix}CLIENT_ID=web-dev\n")
    write("web/.env.local", f"{prefix}CLIENT_ID=web-local\n")
    write("web/.env.production", f"# prod\n{prefix}CLIENT_ID=web-prod\n")
    write("web/.env.staging", f"{prefix}AUTHORITY=https://idp.example.com/staging\n")
    table = (f'kind = "{kind}"\npaths = ["../web/.env*"]\n'
             + ENV_MAP.replace("{p}", prefix))
    found = reading(write, "frontends.web", table)
    assert value(found, "authority") == "https://idp.example.com/dev"
    # Vite: .env.[mode] beats .env.local; Next.js and CRA: .env.local beats .env.[mode].
    expected = {"vite": ("web-prod", "web/.env.production:2"),
                "nextjs": ("web-local", "web/.env.local:1")}[kind]
    assert value(found, "client_id") == expected[0]
    assert where(found, "client_id").startswith(expected[1])
    write(f"web/{winner}", f"{prefix}CLIENT_ID=web-prod-local\n")
    assert value(reading(write, "frontends.web", table), "client_id") == "web-prod-local"


def test_dotenv_variable_the_bundle_never_sees(write: Write):
    write("web/.env", "OIDC_AUTHORITY=https://idp.example.com/dev\n")
    found = reading(write, "frontends.web", 'kind = "vite"\npaths = ["../web/.env"]\n'
                    'map = { authority = "OIDC_AUTHORITY" }')
    assert "only VITE_* variables reach the browser bundle" in found.problems[0].message


def test_json_runtime_config_file(write: Write):
    write("web/public/config.json", '{\n  "auth": {\n    "authority": '
          '"https://idp.example.com/prod"\n  }\n}\n')
    found = reading(write, "frontends.web", 'kind = "json"\n'
                    'paths = ["../web/public/config.json"]\n'
                    'map = { authority = "/auth/authority", client_id = "/auth/clientId" }')
    assert value(found, "authority") == "https://idp.example.com/prod"
    assert where(found, "authority").startswith("web/public/config.json:3")
    assert "/auth/clientId" in found.problems[0].message


# Safe reading -------------------------------------------------------------------------------

def test_a_symlink_out_of_the_named_folder_is_not_followed(write: Write, tmp_path: Path):
    write("secret/application.yml", SPRING_BASE)
    (tmp_path / "app").mkdir()
    os.symlink(tmp_path / "secret/application.yml", tmp_path / "app/application.yml")
    found = reading(write, "apis.orders", 'kind = "spring-boot"\n'
                    'paths = ["../app/application.yml"]')
    assert "resolves outside the folders the environment file names" in \
        found.problems[0].message
    assert found.setting("issuers") is None


def test_missing_files_oversized_files_and_empty_globs(write: Write, tmp_path: Path):
    found = reading(write, "apis.orders", 'kind = "spring-boot"\n'
                    'paths = ["../app/application.yml", "../app/*.properties"]')
    messages = [p.message for p in found.problems]
    assert "file not found" in messages and "the pattern matches no file" in messages
    write("app/application.yml", "a: " + "x" * (2 * 1024 * 1024 + 10) + "\n")
    found = reading(write, "apis.orders", 'kind = "spring-boot"\n'
                    'paths = ["../app/application.yml"]')
    assert "larger than" in found.problems[0].message
