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
    assert setting is not None
    assert [o.line for o in setting.overrode] == [8]
    assert value(found, "audiences") == ("api://orders-dev",)  # from the base file
    assert where(found, "audiences").startswith("app/application.yml:9")
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


def spring_env(write: Write, variables: dict[str, str], yaml: str = SPRING_BASE) -> Reading:
    write("app/application.yml", yaml)
    env = "".join(f"            - name: {k}\n              value: {v}\n"
                  for k, v in variables.items())
    write("k8s/prod.yaml", "kind: Deployment\nmetadata: {name: orders}\nspec:\n"
          "  template:\n    spec:\n      containers:\n        - name: orders\n"
          "          env:\n" + env)
    return reading(write, "apis.orders", 'kind = "spring-boot"\n'
                   'paths = ["../app/application.yml"]\nmanifests = ["../k8s/prod.yaml"]')


def test_spring_environment_variables_in_the_legacy_form_bind(write: Write):
    """Spring Boot 3's SystemEnvironmentPropertyMapper: `issuer-uri` is ISSUERURI or
    ISSUER_URI; list items by index in either form."""
    found = spring_env(write, {
        "SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_ISSUER_URI": "https://idp.example.com/prod",
        "SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_JWS_ALGORITHMS_0": "ES256",
        "SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_JWS_ALGORITHMS_1": "RS256",
        "SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_JWK_SET_URI": "https://idp.example.com/k",
        "SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_AUDIENCES": "api://x,api://y"})
    assert value(found, "issuers") == ("https://idp.example.com/prod",)
    assert where(found, "issuers").endswith("(env SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_"
                                            "ISSUER_URI)")
    assert value(found, "algorithms") == ("ES256", "RS256")
    assert value(found, "jwks_uri") == "https://idp.example.com/k"
    assert value(found, "audiences") == ("api://x", "api://y")


def test_spring_names_spring_boot_3_does_not_bind_change_nothing(write: Write):
    found = spring_env(write, {
        "SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_ISSUER_URL": "https://idp.example.com/x",
        "SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_AUDIENCE": "api://x",
        "SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_JWSALGORITHM": "ES256"},
        SPRING_BASE + "          jws-algorithm: ES512\n")
    assert value(found, "issuers") == ("https://idp.example.com/dev",)
    assert value(found, "audiences") == ("api://orders-dev",)
    algorithms = found.setting("algorithms")
    assert algorithms is not None
    assert algorithms.value == ("RS256",)
    assert algorithms.origin.file is None  # the default: jws-algorithm binds to nothing
    assert sum("not a Spring Boot 3 property" in n for n in found.notes) == 2


def test_spring_camel_case_and_underscore_keys_bind(write: Write):
    found = spring_env(write, {}, """\
        spring.security.oauth2.resourceserver.jwt:
          issuerUri: https://idp.example.com/camel
          jws_algorithms: [PS256]
          publicKeyLocation: classpath:key.pub
        """)
    assert value(found, "issuers") == ("https://idp.example.com/camel",)
    assert value(found, "algorithms") == ("PS256",)
    assert value(found, "public_key_location") == "classpath:key.pub"
    assert {d.check for d in found.disabled} == {"audience"}


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
    assert algorithms is not None
    assert algorithms.value == ("RS256",)
    assert algorithms.origin.file is None
    assert "RS256" in str(algorithms.origin)
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
    assert "api/appsettings.Staging.json" not in found.files


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
    assert not found.disabled
    assert not found.problems


def test_istio_without_audiences_or_principal_policy(write: Write):
    text = ISTIO.replace("{audiences}", "")
    write("istio/jwt.yaml", text.split("---")[0])
    found = reading(write, "gateways.edge", 'kind = "istio"\npaths = ["../istio/*.yaml"]')
    assert {d.check for d in found.disabled} == {"audience", "principal"}
    audience = next(d for d in found.disabled if d.check == "audience")
    assert audience.origin.file == "istio/jwt.yaml"
    assert audience.origin.line == 7


def istio_pair(namespace: str, target: str, policy_namespace: str, policy_target: str,
               extra: str = "") -> str:
    """A RequestAuthentication and an AuthorizationPolicy requiring a principal, each
    attached by `target` (a spec line: selector or targetRefs, or "" for none)."""
    return f"""\
apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata: {{name: edge, namespace: {namespace}}}
spec:
  {target}
  jwtRules:
    - issuer: https://idp.example.com/prod
      audiences: [api://edge]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {{name: require-jwt, namespace: {policy_namespace}}}
spec:
  {policy_target}
  rules:
    - from:
        - source: {{requestPrincipals: ["*"]}}
{extra}"""


GATEWAY_REF = "targetRefs: [{{group: gateway.networking.k8s.io, kind: Gateway, name: {}}}]"
ORDERS = "selector: {matchLabels: {app: orders}}"
MESH_ROOT = """---
apiVersion: v1
kind: ConfigMap
metadata: {name: istio, namespace: mesh-root}
data:
  mesh: |-
    rootNamespace: mesh-root
"""


@pytest.mark.parametrize(("text", "passes_without_token"), [
    # targetRefs: the same Gateway (or the Gateway whose pods the RA selects) is covered...
    (istio_pair("shop", GATEWAY_REF.format("edge"), "shop", GATEWAY_REF.format("edge")), False),
    (istio_pair("shop", "selector: {matchLabels: "
                "{gateway.networking.k8s.io/gateway-name: edge}}",
                "shop", GATEWAY_REF.format("edge")), False),
    # ... another Gateway, another namespace, or a sidecar workload is not.
    (istio_pair("shop", GATEWAY_REF.format("edge"), "shop", GATEWAY_REF.format("admin")), True),
    (istio_pair("shop", GATEWAY_REF.format("edge"), "other", GATEWAY_REF.format("edge")), True),
    (istio_pair("shop", ORDERS, "shop", GATEWAY_REF.format("edge")), True),
    # A selector matches a subset of the workload's labels; root-namespace policies match
    # in every namespace, other namespaces' do not.
    (istio_pair("shop", "selector: {matchLabels: {app: orders, version: v1}}", "shop",
                ORDERS), False),
    (istio_pair("shop", ORDERS, "istio-system", ORDERS), False),
    (istio_pair("shop", ORDERS, "other", ORDERS), True),
    (istio_pair("shop", ORDERS, "istio-system", ""), False),  # mesh-wide policy
    (istio_pair("shop", ORDERS, "shop", ""), False),  # namespace-wide policy
    # A mesh-wide RequestAuthentication is covered only by a mesh-wide policy.
    (istio_pair("istio-system", "", "shop", ""), True),
    (istio_pair("istio-system", "", "istio-system", ""), False),
    # The root namespace is MeshConfig.rootNamespace when the istio ConfigMap says so.
    (istio_pair("shop", ORDERS, "mesh-root", ORDERS, MESH_ROOT), False),
    (istio_pair("shop", ORDERS, "istio-system", ORDERS, MESH_ROOT), True),
])
def test_istio_authorization_policy_attachment(write: Write, text: str,
                                               passes_without_token: bool):
    write("istio/jwt.yaml", text)
    found = reading(write, "gateways.edge", 'kind = "istio"\npaths = ["../istio/*.yaml"]')
    assert not found.problems
    assert ("principal" in {d.check for d in found.disabled}) == passes_without_token


def test_istio_policy_with_selector_and_target_refs_is_refused(write: Write):
    write("istio/jwt.yaml", istio_pair("shop", ORDERS, "shop", ORDERS + "\n  "
                                       + GATEWAY_REF.format("edge")))
    found = reading(write, "gateways.edge", 'kind = "istio"\npaths = ["../istio/*.yaml"]')
    [problem] = found.problems
    assert "both selector and targetRefs" in problem.message
    assert problem.line == 15
    assert "principal" in {d.check for d in found.disabled}


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


def test_missing_files_oversized_files_and_empty_globs(write: Write):
    found = reading(write, "apis.orders", 'kind = "spring-boot"\n'
                    'paths = ["../app/application.yml", "../app/*.properties"]')
    messages = [p.message for p in found.problems]
    assert "file not found" in messages
    assert "the pattern matches no file" in messages
    write("app/application.yml", "a: " + "x" * (2 * 1024 * 1024 + 10) + "\n")
    found = reading(write, "apis.orders", 'kind = "spring-boot"\n'
                    'paths = ["../app/application.yml"]')
    assert "larger than" in found.problems[0].message


# Envoy ---------------------------------------------------------------------------------------

ENVOY = """\
static_resources:
  listeners:
    - name: ingress
      filter_chains:
        - filters:
            - name: envoy.filters.network.http_connection_manager
              typed_config:
                "@type": {HCM}
                http_filters:
                  - name: envoy.filters.http.jwt_authn
                    typed_config:
                      "@type": {JWT_AUTHN}
                      providers:
                        idp:
                          issuer: https://idp.example.com/prod
                          audiences: [api://orders]
                          clock_skew_seconds: 30
                          remote_jwks:
                            http_uri: {uri: https://idp.example.com/prod/keys, cluster: idp}
                            cache_duration: 300s
                      rules:
                        - match: {prefix: /}
                          requires: {provider_name: idp}
                  - name: envoy.filters.http.router
""".replace("{HCM}", "type.googleapis.com/envoy.extensions.filters.network."
            "http_connection_manager.v3.HttpConnectionManager").replace(
    "{JWT_AUTHN}", "type.googleapis.com/envoy.extensions.filters.http.jwt_authn.v3."
    "JwtAuthentication")


def test_envoy_provider_inside_the_connection_manager(write: Write):
    write("envoy/envoy.yaml", ENVOY)
    found = reading(write, "gateways.edge", 'kind = "envoy"\npaths = ["../envoy/envoy.yaml"]')
    assert not found.problems
    assert not found.disabled
    assert value(found, "issuers") == ("https://idp.example.com/prod",)
    assert where(found, "issuers").startswith("envoy/envoy.yaml:15")
    assert value(found, "audiences") == ("api://orders",)
    assert value(found, "clock_skew") == 30.0
    assert value(found, "jwks_cache_ttl") == 300.0
    assert value(found, "jwks_uri") == "https://idp.example.com/prod/keys"


def test_envoy_empty_issuer_audiences_and_allow_missing(write: Write):
    text = ENVOY.replace("issuer: https://idp.example.com/prod", "issuer: ''").replace(
        "audiences: [api://orders]", "audiences: []").replace(
        "requires: {provider_name: idp}",
        "requires: {requires_any: {requirements: [{provider_name: idp}, {allow_missing: {}}]}}")
    write("envoy/envoy.yaml", text)
    found = reading(write, "gateways.edge", 'kind = "envoy"\npaths = ["../envoy/envoy.yaml"]')
    assert {d.check for d in found.disabled} == {"issuer", "audience", "principal"}


def envoy_rules(rules: str, providers: str = "", requirement_map: str = "") -> str:
    """ENVOY with its rules (and more providers, a requirement_map) replaced; each given as
    YAML lines indented for the jwt_authn typed_config."""
    text = ENVOY.replace("""                      rules:
                        - match: {prefix: /}
                          requires: {provider_name: idp}
""", rules + requirement_map)
    return text.replace("                      rules:", providers + "                      rules:",
                        1) if providers else text


RULES = """\
                      rules:
                        - match: {prefix: /health}
                        - match: {path: /callback}
                          requires: {allow_missing_or_failed: {}}
                        - match: {safe_regex: {regex: "^/api/v[0-9]+/"}}
                          requires: {requires_all: {requirements: [{provider_name: idp},
                                                                   {allow_missing: {}}]}}
                        - match: {prefix: /legacy}
                          requires: {requires_any: {requirements: [{provider_name: idp},
                                                                   {allow_missing: {}}]}}
                        - match: {prefix: /}
                          requires:
                            provider_and_audiences: {provider_name: idp,
                                                     audiences: [api://orders-admin]}
"""


def test_envoy_each_rule_is_judged_with_its_match(write: Write):
    write("envoy/envoy.yaml", envoy_rules(RULES))
    found = reading(write, "gateways.edge", 'kind = "envoy"\npaths = ["../envoy/envoy.yaml"]')
    assert not found.problems
    open_routes = sorted((d.origin.line, d.message) for d in found.disabled)
    assert [(line, message.split(":")[0]) for line, message in open_routes] == [
        (22, "rules[0] (prefix /health)"), (24, "rules[1] (path /callback)"),
        (29, "rules[3] (prefix /legacy)")]
    assert "no requirement" in open_routes[0][1]
    assert "allow_missing_or_failed" in open_routes[1][1]
    # requires_all with allow_missing still needs idp's token (rules[2]); rules[4] needs
    # idp's token with the audiences it names.
    assert value(found, "route_audiences") == ("api://orders-admin",)
    assert where(found, "route_audiences") == (
        "envoy/envoy.yaml:32 (rules[4] (prefix /) provider_and_audiences)")
    route = found.setting("route_issuers")
    assert route is not None
    assert route.value == ("https://idp.example.com/prod",)


def test_envoy_requirement_map_unknown_names_and_unused_providers(write: Write):
    staging = """\
                        staging:
                          issuer: https://idp.example.com/staging
                          audiences: [api://orders]
"""
    requirement_map = """\
                      requirement_map:
                        strict: {provider_name: idp}
"""
    write("envoy/envoy.yaml", envoy_rules("""\
                      rules:
                        - match: {prefix: /}
                          requirement_name: strict
""", staging, requirement_map))
    found = reading(write, "gateways.edge", 'kind = "envoy"\npaths = ["../envoy/envoy.yaml"]')
    assert not found.problems
    assert not found.disabled
    assert value(found, "issuers") == ("https://idp.example.com/prod",)
    assert any("provider staging" in n and "never verified" in n for n in found.notes)
    write("envoy/envoy.yaml", envoy_rules("""\
                      rules:
                        - match: {prefix: /a}
                          requirement_name: lax
                        - match: {prefix: /}
                          requires: {provider_name: nobody}
""", staging, requirement_map))
    found = reading(write, "gateways.edge", 'kind = "envoy"\npaths = ["../envoy/envoy.yaml"]')
    assert sorted(p.message.split(",")[0] for p in found.problems) == [
        "rules[0] (prefix /a) names requirement lax",
        "rules[1] (prefix /) requires provider nobody"]


# Kong ----------------------------------------------------------------------------------------

KONG = """\
_format_version: "3.0"
services:
  - name: orders
    url: http://orders.internal:8080
    routes:
      - name: orders-route
        paths: [/orders]
    plugins:
      - name: jwt
        config:
          key_claim_name: iss
          claims_to_verify: [exp]
consumers:
  - username: idp-prod
    jwt_secrets:
      - key: https://idp.example.com/prod
        algorithm: RS256
        rsa_public_key: |
          -----BEGIN PUBLIC KEY-----
          MIIB
          -----END PUBLIC KEY-----
"""


def test_kong_jwt_plugin_and_credentials(write: Write):
    write("kong/kong.yml", KONG)
    found = reading(write, "gateways.edge", 'kind = "kong"\npaths = ["../kong/kong.yml"]')
    assert value(found, "issuers") == ("https://idp.example.com/prod",)
    assert where(found, "issuers").startswith("kong/kong.yml:16")
    assert value(found, "algorithms") == ("RS256",)
    assert [d.check for d in found.disabled] == ["audience"]  # jwt never reads aud


def test_kong_jwt_without_exp_and_default_hs256(write: Write):
    write("kong/kong.yml", KONG.replace("claims_to_verify: [exp]", "claims_to_verify: [nbf]")
          .replace("        algorithm: RS256\n", ""))
    found = reading(write, "gateways.edge", 'kind = "kong"\npaths = ["../kong/kong.yml"]')
    assert {d.check for d in found.disabled} == {"audience", "exp"}
    algorithms = found.setting("algorithms")
    assert algorithms is not None
    assert algorithms.value == ("HS256",)


def test_kong_openid_connect(write: Write):
    write("kong/kong.yml", """\
        _format_version: "3.0"
        plugins:
          - name: openid-connect
            config:
              issuer: https://idp.example.com/prod/.well-known/openid-configuration
              audience_required: [api://orders]
              leeway: 5
        """)
    found = reading(write, "gateways.edge", 'kind = "kong"\npaths = ["../kong/kong.yml"]')
    assert value(found, "issuers") == ("https://idp.example.com/prod",)
    assert value(found, "audiences") == ("api://orders",)
    assert value(found, "clock_skew") == 5.0


def test_kong_maximum_expiration_is_a_lifetime_limit_and_requires_exp(write: Write):
    write("kong/kong.yml", KONG.replace("claims_to_verify: [exp]",
                                        "claims_to_verify: [exp]\n          "
                                        "maximum_expiration: 3600"))
    found = reading(write, "gateways.edge", 'kind = "kong"\npaths = ["../kong/kong.yml"]')
    assert value(found, "max_token_age") == 3600.0
    assert where(found, "max_token_age").startswith("kong/kong.yml:13")
    assert value(found, "require_exp") is True
    assert [d.check for d in found.disabled] == ["audience"]
    assert not found.problems


def test_kong_maximum_expiration_off_by_default_and_at_zero(write: Write):
    write("kong/kong.yml", KONG.replace("claims_to_verify: [exp]",
                                        "claims_to_verify: [exp]\n          "
                                        "maximum_expiration: 0"))
    found = reading(write, "gateways.edge", 'kind = "kong"\npaths = ["../kong/kong.yml"]')
    assert found.setting("max_token_age") is None
    assert not found.problems
    write("kong/kong.yml", KONG)
    found = reading(write, "gateways.edge", 'kind = "kong"\npaths = ["../kong/kong.yml"]')
    assert found.setting("max_token_age") is None


@pytest.mark.parametrize(("config", "message"), [
    ("claims_to_verify: [nbf]\n          maximum_expiration: 600",
     "maximum_expiration above 0 requires exp in claims_to_verify"),
    ("claims_to_verify: [exp]\n          maximum_expiration: 40000000",
     "between 0 and 31536000"),
    ("claims_to_verify: [exp]\n          maximum_expiration: one hour",
     "between 0 and 31536000"),
])
def test_kong_maximum_expiration_kong_refuses(write: Write, config: str, message: str):
    write("kong/kong.yml", KONG.replace("claims_to_verify: [exp]", config))
    found = reading(write, "gateways.edge", 'kind = "kong"\npaths = ["../kong/kong.yml"]')
    [problem] = found.problems
    assert message in problem.message
    assert problem.line == 13
    assert found.setting("max_token_age") is None
    assert "exp" not in {d.check for d in found.disabled}  # one cause, one headline


def test_kong_openid_connect_extra_jwks_uris(write: Write):
    write("kong/kong.yml", """\
        _format_version: "3.0"
        plugins:
          - name: openid-connect
            config:
              issuer: https://idp.example.com/prod
              extra_jwks_uris:
                - https://idp.example.com/prod/keys
        """)
    found = reading(write, "gateways.edge", 'kind = "kong"\npaths = ["../kong/kong.yml"]')
    assert value(found, "extra_jwks_uris") == ("https://idp.example.com/prod/keys",)
    assert where(found, "extra_jwks_uris").startswith("kong/kong.yml:6")


# oauth2-proxy ----------------------------------------------------------------------------------

def test_oauth2_proxy_file_and_environment(write: Write):
    write("proxy/oauth2-proxy.cfg", """\
        provider = "oidc"
        oidc_issuer_url = "https://idp.example.com/staging"
        client_id = "proxy"
        skip_jwt_bearer_tokens = true
        extra_jwt_issuers = ["https://idp.example.com/other=api://other"]
        """)
    write("k8s/proxy.yaml", """\
        kind: Deployment
        metadata: {name: proxy}
        spec:
          template:
            spec:
              containers:
                - name: oauth2-proxy
                  env:
                    - name: OAUTH2_PROXY_OIDC_ISSUER_URL
                      value: https://idp.example.com/prod
                    - name: OAUTH2_PROXY_CLIENT_SECRET
                      valueFrom: {secretKeyRef: {name: proxy, key: secret}}
        """)
    found = reading(write, "gateways.edge", 'kind = "oauth2-proxy"\n'
                    'paths = ["../proxy/oauth2-proxy.cfg"]\nmanifests = ["../k8s/proxy.yaml"]')
    assert value(found, "issuers") == ("https://idp.example.com/prod",
                                       "https://idp.example.com/other")
    assert where(found, "issuers").startswith("k8s/proxy.yaml:10")
    assert value(found, "audiences") == ("proxy", "api://other")


PROXY_MANIFEST = """\
    kind: Deployment
    metadata: {name: proxy}
    spec:
      template:
        spec:
          containers:
            - name: oauth2-proxy
              command: [/bin/oauth2-proxy]
              env:
                - name: OAUTH2_PROXY_OIDC_ISSUER_URL
                  value: https://idp.example.com/staging
                - name: ISSUER
                  value: https://idp.example.com/prod
                - name: CLIENT_ID
                  valueFrom: {secretKeyRef: {name: proxy, key: client-id}}
              args:
    """


def proxy_args(write: Write, *args: str) -> Reading:
    write("proxy/oauth2-proxy.cfg", """\
        provider = "oidc"
        oidc_issuer_url = "https://idp.example.com/dev"
        client_id = "proxy-file"
        oidc_extra_audiences = ["api://from-file"]
        skip_jwt_bearer_tokens = true
        """)
    items = "".join(f"                - {a!r}\n" for a in args)
    write("k8s/proxy.yaml", PROXY_MANIFEST.rstrip(" ") + items)
    return reading(write, "gateways.edge", 'kind = "oauth2-proxy"\n'
                   'paths = ["../proxy/oauth2-proxy.cfg"]\nmanifests = ["../k8s/proxy.yaml"]')


def test_oauth2_proxy_flags_win_over_environment_and_file(write: Write):
    found = proxy_args(write, "--oidc-issuer-url=$(ISSUER)", "--client-id", "proxy-args",
                       "--oidc-extra-audience=api://a,api://b", "--oidc-extra-audience",
                       "api://c", "--extra-jwt-issuers=https://idp.example.com/x=api://x",
                       "--upstream", "http://orders:8080")
    assert value(found, "issuers") == ("https://idp.example.com/prod",
                                       "https://idp.example.com/x")
    assert where(found, "issuers") == "k8s/proxy.yaml:17 (args --oidc-issuer-url)"
    # A list given as flags replaces the file's list (api://from-file is gone).
    assert value(found, "audiences") == ("proxy-args", "api://a", "api://b", "api://c",
                                         "api://x")
    assert where(found, "audiences") == "k8s/proxy.yaml:18 (args --client-id)"
    assert not found.disabled
    assert not found.problems


def test_oauth2_proxy_bool_flags_as_pflag_reads_them(write: Write):
    found = proxy_args(write, "--insecure-oidc-skip-issuer-verification",
                       "--skip-jwt-bearer-tokens=false")
    [check] = found.disabled
    assert check.check == "issuer"
    assert str(check.origin) == (
        "k8s/proxy.yaml:17 (args --insecure-oidc-skip-issuer-verification)")
    assert any("skip_jwt_bearer_tokens is not true" in n for n in found.notes)
    # `--bool value` is not a value for a bool flag: the flag alone is true.
    found = proxy_args(write, "--insecure-oidc-skip-issuer-verification=false",
                       "--skip-jwt-bearer-tokens", "--", "--client-id=ignored")
    assert not found.disabled
    assert not any("skip_jwt_bearer_tokens" in n for n in found.notes)
    assert value(found, "audiences") == ("proxy-file", "api://from-file")


def test_oauth2_proxy_flag_from_a_secret_is_not_read(write: Write):
    found = proxy_args(write, "--client-id=$(CLIENT_ID)")
    assert value(found, "audiences") == ("proxy-file", "api://from-file")
    assert any("--client-id" in n and "not inspected" in n for n in found.notes)
    assert value(found, "issuers") == ("https://idp.example.com/staging",)  # env over file


# AWS API Gateway ------------------------------------------------------------------------------

SAM = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Parameters:
  Stage: {Type: String}
Resources:
  OrdersApi:
    Type: AWS::Serverless::HttpApi
    Properties:
      Auth:
        DefaultAuthorizer: OrdersJwt
        Authorizers:
          OrdersJwt:
            IdentitySource: $request.header.Authorization
            JwtConfiguration:
              issuer: https://idp.example.com/prod
              audience:
                - !Sub "api://orders-${Stage}"
  Legacy:
    Type: AWS::ApiGatewayV2::Authorizer
    Properties:
      ApiId: !Ref OrdersApi
      AuthorizerType: JWT
      Name: legacy
      JwtConfiguration:
        Issuer: https://idp.example.com/prod
        Audience: [api://legacy]
"""


def test_cloudformation_intrinsics_parse_and_are_reported_unresolved(write: Write):
    write("infra/template.yaml", SAM)
    found = reading(write, "gateways.edge", 'kind = "aws-apigw"\n'
                    'paths = ["../infra/template.yaml"]\nselect = "OrdersJwt"')
    assert value(found, "issuers") == ("https://idp.example.com/prod",)
    assert where(found, "issuers").startswith("infra/template.yaml:15")
    [problem] = found.problems
    assert problem.unresolved
    assert "!Sub" in problem.message
    assert problem.line == 16
    found = reading(write, "gateways.edge", 'kind = "aws-apigw"\n'
                    'paths = ["../infra/template.yaml"]\nselect = "legacy"')
    assert value(found, "audiences") == ("api://legacy",)
    assert not found.problems
    found = reading(write, "gateways.edge", 'kind = "aws-apigw"\n'
                    'paths = ["../infra/template.yaml"]')
    assert "several JWT authorizers" in found.problems[0].message


TERRAFORM = """\
variable "issuer" {
  type    = string
  default = "https://idp.example.com/dev"
}

variable "audience" {
  type = string
}

resource "aws_apigatewayv2_authorizer" "orders" {
  api_id           = aws_apigatewayv2_api.orders.id
  authorizer_type  = "JWT"
  identity_sources = ["$request.header.Authorization"]
  name             = "orders"

  jwt_configuration {
    issuer   = var.issuer
    audience = [var.audience, "api://orders-${var.stage}"]
  }
}
"""


def test_terraform_variables_from_tfvars_and_unresolved_references(write: Write):
    write("tf/main.tf", TERRAFORM)
    write("tf/prod.tfvars", 'issuer = "https://idp.example.com/prod"\n'
          'audience = "api://orders-prod"\nstage = "prod"\n')
    found = reading(write, "gateways.edge", 'kind = "aws-apigw"\n'
                    'paths = ["../tf/*.tf", "../tf/prod.tfvars"]')
    assert not found.problems
    assert value(found, "issuers") == ("https://idp.example.com/prod",)
    assert where(found, "issuers").startswith("tf/main.tf:17")
    assert value(found, "audiences") == ("api://orders-prod", "api://orders-prod")
    found = reading(write, "gateways.edge", 'kind = "aws-apigw"\npaths = ["../tf/*.tf"]')
    assert value(found, "issuers") == ("https://idp.example.com/dev",)  # the default
    [problem] = found.problems
    assert problem.unresolved
    assert problem.line == 18


def test_terraform_syntax_error_has_line_and_column(write: Write):
    write("tf/main.tf", 'resource "aws_apigatewayv2_authorizer" "x" {\n  name = \n}\n')
    found = reading(write, "gateways.edge", 'kind = "aws-apigw"\npaths = ["../tf/main.tf"]')
    assert found.problems[0].line == 2
    assert found.problems[0].column is not None


# express-oauth2-jwt-bearer -----------------------------------------------------------------------

def test_express_env_file_and_manifest_override(write: Write):
    write("svc/.env", "ISSUER_BASE_URL=https://idp.example.com/dev\nAUDIENCE=api://svc\n"
          "TOKEN_SIGNING_ALG=RS256\n")
    write("k8s/svc.yaml", """\
        kind: Deployment
        metadata: {name: svc}
        spec:
          template:
            spec:
              containers:
                - name: svc
                  env:
                    - {name: ISSUER_BASE_URL, value: "https://idp.example.com/prod"}
        """)
    found = reading(write, "apis.svc", 'kind = "express-oauth2-jwt-bearer"\n'
                    'paths = ["../svc/.env"]\nmanifests = ["../k8s/svc.yaml"]')
    assert value(found, "issuers") == ("https://idp.example.com/prod",)
    setting = found.setting("issuers")
    assert setting is not None
    assert setting.overrode[0].file == "svc/.env"
    assert value(found, "audiences") == ("api://svc",)
    assert value(found, "algorithms") == ("RS256",)


# Parse errors with their line, per format -------------------------------------------------------

@pytest.mark.parametrize(("kind", "file", "text", "line"), [
    ("oauth2-proxy", "proxy/oauth2-proxy.cfg", 'client_id = "a"\noidc_issuer_url = \n', 2),
    ("kong", "kong/kong.yml", "_format_version: '3.0'\nplugins:\n  - name: jwt\n   bad\n", 4),
    ("envoy", "envoy/envoy.yaml", "static_resources:\n  listeners: [\n", 3),
    ("express-oauth2-jwt-bearer", "svc/.env", "ISSUER_BASE_URL=https://x\nnot a line\n", 2),
    ("vite", "web/.env.production", "VITE_A=1\n=broken\n", 2),
])
def test_parse_errors_name_their_line(write: Write, kind: str, file: str, text: str,
                                      line: int):
    write(file, text)
    extra = '\nmap = { authority = "VITE_A" }' if kind == "vite" else ""
    family = "frontends.web" if kind == "vite" else "gateways.edge"
    found = reading(write, family, f'kind = "{kind}"\npaths = ["../{file}"]{extra}')
    problem = next(p for p in found.problems if p.line is not None)
    assert (problem.file, problem.line) == (file, line)


def test_spring_placeholders_resolve_from_the_environment_or_are_reported(write: Write):
    write("app/application.yml", """\
        spring.security.oauth2.resourceserver.jwt:
          issuer-uri: ${OIDC_BASE}/realms/${REALM:shop}
          audiences: ${ORDERS_AUDIENCE}
        """)
    write("k8s/prod.yaml", """\
        kind: Deployment
        metadata: {name: orders}
        spec:
          template:
            spec:
              containers:
                - name: orders
                  env:
                    - {name: HOST, value: idp.example.com}
                    - {name: OIDC_BASE, value: "https://$(HOST)"}
        """)
    found = reading(write, "apis.orders", 'kind = "spring-boot"\n'
                    'paths = ["../app/application.yml"]\nmanifests = ["../k8s/prod.yaml"]')
    assert value(found, "issuers") == ("https://idp.example.com/realms/shop",)
    assert where(found, "issuers").startswith("app/application.yml:2")
    [problem] = found.problems
    assert problem.unresolved
    assert problem.line == 3
    assert "${ORDERS_AUDIENCE}" in problem.message
    assert found.setting("audiences") is None


def test_dotenv_variable_references_expand_or_are_reported(write: Write):
    write("web/.env", "IDP_HOST=idp.example.com\n")
    write("web/.env.production", "VITE_OIDC_AUTHORITY=https://${IDP_HOST}/prod\n"
          "VITE_OIDC_CLIENT_ID=$CLIENT\n")
    found = reading(write, "frontends.web", 'kind = "vite"\npaths = ["../web/.env*"]\n'
                    'map = { authority = "VITE_OIDC_AUTHORITY", '
                    'client_id = "VITE_OIDC_CLIENT_ID" }')
    assert value(found, "authority") == "https://idp.example.com/prod"
    [problem] = found.problems
    assert problem.unresolved
    assert problem.line == 2


def test_aspnetcore_booleans_as_bool_parse_reads_them(write: Write):
    write("api/appsettings.json", """\
        {"Authentication": {"Schemes": {"Bearer": {
          "ValidIssuer": "https://idp.example.com/prod",
          "ValidAudience": "api://billing",
          "RefreshOnIssuerKeyNotFound": "False",
          "IncludeErrorDetails": "yes"
        }}}}
        """)
    found = reading(write, "apis.billing", 'kind = "aspnetcore"\n'
                    'paths = ["../api/appsettings.json"]')
    assert value(found, "refetch_on_unknown_kid") is False
    assert value(found, "audiences") == ("api://billing",)
    [problem] = found.problems
    assert "IncludeErrorDetails" in problem.message
    assert problem.line == 5
