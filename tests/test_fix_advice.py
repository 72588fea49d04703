"""Issue 17: fixes name what to change for this component and its validator. For every rule
family, a run where the fix names the component's key path and its validator framework's own
setting (from the profile's sourced `*_setting` fields), and one where a component with the
default profile gets the key path and no framework setting."""

from __future__ import annotations

import time
from dataclasses import fields
from typing import Any

import pytest

from driftcheck.models import Api, Environment, Gateway, Idp
from driftcheck.profiles import DEFAULT_PROFILE, Profile, Sourced, profiles
from driftcheck.rules.advice import ASPECTS, where_to_change
from driftcheck.rules.token.times import ISSUED_EXPIRED_FIX
from tests.conftest import check_folder, env_toml
from tests.test_tokens import client_credentials, environment, secrets  # noqa: F401

check = check_folder
DEPLOYED = "where apis.orders is deployed"
ISSUER_URI = "spring.security.oauth2.resourceserver.jwt.issuer-uri"


def fixes(report: dict[str, Any], rule: str) -> list[str]:
    found = [f["fix"] for f in report["findings"] if f["rule"] == rule]
    assert found, f"{rule} did not fire: {[f['rule'] for f in report['findings']]}"
    return found


def with_validator(text: str, validator: str, drop_skew: bool = False) -> str:
    text = text.replace('accepts = "access"\n', f'accepts = "access"\nvalidator = "{validator}"\n')
    return text.replace('clock_skew = "60s"\n', "") if drop_skew else text


def in_idp(text: str, line: str) -> str:
    """`line` added to the [idp] table."""
    head, _, tail = text.partition("[idp]\n")
    return f"{head}[idp]\n{line}\n{tail}"


# -- the helper and the profile data ----------------------------------------------------------

def test_every_profile_names_every_setting_with_a_source():
    names = {f.name for f in fields(Profile)}
    for aspect in ASPECTS.values():
        assert aspect.setting in names
    for profile in profiles().values():
        for aspect in ASPECTS.values():
            sourced = getattr(profile, aspect.setting)
            assert isinstance(sourced, Sourced), (profile.name, aspect)
            assert sourced.source, (profile.name, aspect)
    # The default profile's setting is the environment file itself.
    strict = profiles()[DEFAULT_PROFILE]
    assert all(getattr(strict, a.setting).value == "" for a in ASPECTS.values())


def _env(validator: str) -> Environment:
    return Environment(name="dev", file="dev.toml", tier="nonprod",
                       idp=Idp(issuer="https://idp/dev",
                               discovery_url="https://idp/dev/.well-known/openid-configuration"),
                       apis={"orders": Api(name="orders", validator=validator)},
                       gateways={"edge": Gateway(name="edge", validator="kong-jwt")})


def test_the_snapshot_only_marker_is_runs():
    from driftcheck.rules import advice
    from driftcheck.run import SNAPSHOT_ONLY

    assert advice.SNAPSHOT_ONLY == SNAPSHOT_ONLY


def test_where_to_change_names_the_setting_or_says_there_is_none():
    assert where_to_change(_env("spring-security"), "apis.orders", "audiences") == (
        ", and the same in spring-security's `spring.security.oauth2.resourceserver.jwt."
        "audiences` where apis.orders is deployed")
    assert where_to_change(_env("strict"), "gateways.edge", "audiences") == (
        " (kong-jwt has no audience setting)")
    assert where_to_change(_env("strict"), "apis.orders", "audiences") == ""
    assert where_to_change(_env("strict"), "frontends.web", "audiences") == ""


# -- issuers: DC102 (and DC101/DC103 through the same helper), DC309 --------------------------

@pytest.mark.parametrize(("validator", "setting"), [
    ("spring-security", "spring.security.oauth2.resourceserver.jwt.issuer-uri"),
    ("microsoft-identitymodel", "TokenValidationParameters.ValidIssuer(s)"),
    ("strict", None)])
@pytest.mark.usefixtures("secrets")
def test_issuer_fixes(sandbox, tmp_path, cli, validator, setting):
    sandbox.set_faults("dev", trailing_slash_issuer=True)
    issuer = sandbox.tenant_url("dev")
    text = with_validator(environment(sandbox, "dev", client_credentials("dev")), validator)
    report = check(cli, tmp_path, ("dev", text))
    (dc102,) = fixes(report, "DC102")
    assert f'Set `idp.issuer = "{issuer}/"`' in dc102
    assert "the same in `apis.orders.issuers`" in dc102
    (dc309,) = fixes(report, "DC309")
    assert f'Set `apis.orders.issuers = ["{issuer}/"]`' in dc309
    for fix in (dc102, dc309):
        if setting:
            assert f"{validator}'s `{setting}` {DEPLOYED}" in fix
        else:
            assert DEPLOYED not in fix
            assert "'s `" not in fix


@pytest.mark.parametrize(("validator", "setting"), [
    ("envoy-jwt-authn", "JwtProvider.issuer"), ("strict", None)])
def test_another_tenants_issuer_also_names_the_discovery_url(
        sandbox, tmp_path, cli, validator, setting):
    """DC101: the discovered issuer is another tenant's; an API that inherits idp.issuer is
    named by its framework's setting only."""
    other = sandbox.tenant_url("staging")
    sandbox.set_faults("dev", advertised_issuer=other)
    dev = sandbox.tenant_url("dev")
    text = with_validator(environment(sandbox, "dev", ""), validator).replace(
        f'issuers = ["{dev}"]\n', "")
    (fix,) = fixes(check(cli, tmp_path, ("dev", text)), "DC101")
    assert fix.startswith(f'Set `idp.issuer = "{other}"`')
    assert fix.endswith("or point `idp.discovery_url` at the tenant that mints this "
                        "environment's tokens.")
    assert "`apis.orders.issuers`" not in fix
    assert (f"{validator}'s `{setting}` {DEPLOYED} (it inherits idp.issuer)" in fix) if setting \
        else DEPLOYED not in fix


@pytest.mark.usefixtures("secrets")
def test_a_token_from_another_environment_keeps_the_token_advice(
        sandbox, tmp_path, cli):
    """DC309 for staging's token at dev's API: the API's issuers are right, so the fix does
    not tell anyone to add staging's issuer to them."""
    issuer = sandbox.tenant_url("dev")
    staging = sandbox.tenant_url("staging")
    text = with_validator(environment(sandbox, "dev", client_credentials("dev")),
                          "spring-security").replace(f'issuers = ["{issuer}"]',
                                                     f'issuers = ["{issuer}"]', 1)
    text = text.replace(f'issuer = "{issuer}"\n', f'issuer = "{staging}"\n', 1)
    text = text.replace('client_id = "probe-dev"', 'client_id = "probe-staging"').replace(
        "SECRET_DEV", "SECRET_STAGING")
    other = environment(sandbox, "staging", "")
    report = check(cli, tmp_path, ("dev", text), ("staging", other))
    dc309 = [f for f in report["findings"] if f["rule"] == "DC309" and f["environment"] == "dev"]
    assert dc309
    assert all("Set `apis.orders.issuers" not in f["fix"] for f in dc309)


# -- audiences: DC310, DC504, DC505 -----------------------------------------------------------

@pytest.mark.parametrize(("validator", "setting"), [
    ("microsoft-identitymodel", "TokenValidationParameters.ValidAudience(s)"),
    ("envoy-jwt-authn", "JwtProvider.audiences"),
    ("strict", None)])
@pytest.mark.usefixtures("secrets")
def test_audience_fix(sandbox, tmp_path, cli, validator, setting):
    text = with_validator(environment(sandbox, "dev", client_credentials("dev")), validator)
    text = text.replace('audiences = ["api://orders-dev"]', 'audiences = ["api://orders-v2"]')
    report = check(cli, tmp_path, ("dev", text))
    (fix,) = fixes(report, "DC310")
    assert "Request the token for one of `apis.orders.audiences`" in fix
    assert '"api://orders-dev" is this API\'s own audience, add it to `apis.orders.audiences`' \
        in fix
    if setting:
        assert f"{validator}'s `{setting}` {DEPLOYED}" in fix
    else:
        assert DEPLOYED not in fix


def _isolated(name: str, validator: str, issuer: str, audience: str) -> str:
    return env_toml(name, issuer, f"""
        [apis.orders]
        url = "https://api.{name}.example.com"
        issuers = ["{issuer}"]
        audiences = ["{audience}"]
        validator = "{validator}"
        """, tier="prod" if name == "prod" else "nonprod")


@pytest.mark.parametrize(("validator", "setting"), [
    ("spring-security", "spring.security.oauth2.resourceserver.jwt.audiences"),
    ("strict", None)])
def test_a_graded_shared_audience_names_the_key_and_setting(tmp_path, cli, validator, setting):
    shared = "https://idp.example.com/shared"
    report = check(cli, tmp_path, ("staging", _isolated("staging", validator, shared, "api://o")),
                   ("prod", _isolated("prod", validator, shared, "api://o")),
                   extra=("--offline",))
    for fix in fixes(report, "DC504"):
        assert fix.startswith("Give `apis.orders.audiences` an audience of ")
        assert (f"spring-security's `{setting}`" in fix) if setting else "'s `" not in fix


def test_an_info_shared_audience_keeps_the_rules_fix(tmp_path, cli):
    report = check(cli, tmp_path,
                   ("staging", _isolated("staging", "spring-security",
                                         "https://idp.example.com/staging", "api://o")),
                   ("prod", _isolated("prod", "spring-security",
                                      "https://idp.example.com/prod", "api://o")),
                   extra=("--offline",))
    for fix in fixes(report, "DC504"):
        assert "apis.orders.audiences" not in fix
        assert fix.startswith("Give each environment")


@pytest.mark.parametrize(("validator", "setting"), [
    ("spring-security", "spring.security.oauth2.resourceserver.jwt.issuer-uri"),
    ("strict", None)])
def test_crossover_names_the_key_and_setting(sandbox, tmp_path, cli, validator, setting):
    dev, staging = sandbox.tenant_url("dev"), sandbox.tenant_url("staging")
    text = with_validator(environment(sandbox, "dev", ""), validator).replace(
        f'issuers = ["{dev}"]', f'issuers = ["{dev}", "{staging}"]')
    report = check(cli, tmp_path, ("dev", text), ("staging", environment(sandbox, "staging", "")))
    (fix,) = [f["fix"] for f in report["findings"]
              if f["rule"] == "DC505" and f["key_path"] == "apis.orders.issuers"]
    assert fix.startswith("Replace staging's issuer in `apis.orders.issuers` with dev's own")
    assert (f"{validator}'s `{setting}` {DEPLOYED}" in fix) if setting else DEPLOYED not in fix


@pytest.mark.usefixtures("secrets")
def test_a_deployed_value_is_named_with_its_file_and_line(
        sandbox, write, tmp_path, cli):
    """dev's Spring Boot file sets staging's issuer; the environment file declares none: the
    fix of dev's token at that API names the key path, Spring's property, and the file and
    line that set it."""
    dev, staging = sandbox.tenant_url("dev"), sandbox.tenant_url("staging")
    write("app/application-dev.yml", f"""\
        spring:
          security:
            oauth2:
              resourceserver:
                jwt:
                  issuer-uri: {staging}
        """)
    text = environment(sandbox, "dev", client_credentials("dev")).replace(
        f'issuers = ["{dev}"]\n', "").replace(
        "[frontends.web]", '[apis.orders.deployed]\nkind = "spring-boot"\n'
        'paths = ["../app/application*.yml"]\nprofile = "dev"\n\n[frontends.web]')
    report = check(cli, tmp_path, ("dev", text), ("staging", environment(sandbox, "staging", "")))
    (fix,) = fixes(report, "DC309")
    assert f'Set `apis.orders.issuers = ["{dev}"]`' in fix
    assert f"spring-security's `{ISSUER_URI}` {DEPLOYED}" in fix
    assert "(deployed: " in fix
    assert "application-dev.yml:6" in fix
    # The deployed crossover itself is DC412's (it names the file and line in its message).
    assert [f["file"].endswith("application-dev.yml") for f in report["findings"]
            if f["rule"] == "DC412"] == [True]


def _layers(validator: str) -> str:
    return env_toml("dev", "https://idp.example.com/dev", f"""
        [apis.orders]
        url = "https://api.dev.example.com"
        audiences = ["api://orders-dev"]
        validator = "{validator}"
        [gateways.edge]
        url = "https://edge.dev.example.com"
        audiences = ["api://orders-dev", "api://orders"]
        upstream_apis = ["orders"]
        validator = "envoy-jwt-authn"
        [frontends.web]
        api = "orders"
        audience = "api://orders"
        """)


@pytest.mark.parametrize(("validator", "setting"), [
    ("fast-jwt", "createVerifier({ allowedAud })"), ("strict", None)])
def test_layers_and_frontends_name_each_layers_setting(tmp_path, cli, validator, setting):
    report = check(cli, tmp_path, ("dev", _layers(validator)), extra=("--offline",))
    (dc403,) = fixes(report, "DC403")
    assert dc403.startswith('Make both layers accept the same audiences: drop "api://orders" '
                            "from `gateways.edge.audiences`, and the same in envoy-jwt-authn's "
                            "`JwtProvider.audiences` where gateways.edge is deployed, or add "
                            "it to `apis.orders.audiences`")
    (dc402,) = fixes(report, "DC402")
    assert dc402.startswith("Set `frontends.web.audience` to one of `apis.orders.audiences`")
    for fix in (dc403, dc402):
        assert (f"{validator}'s `{setting}` {DEPLOYED}" in fix) if setting \
            else DEPLOYED not in fix


# -- clocks and lifetimes: DC307, DC701, DC306, DC406, DC314 ----------------------------------

@pytest.mark.parametrize(("validator", "setting"), [
    ("envoy-jwt-authn", "JwtProvider.clock_skew_seconds"),
    ("pyjwt", "jwt.decode(..., leeway=...)"),
    ("strict", None)])
@pytest.mark.usefixtures("secrets")
def test_clock_fixes(sandbox, tmp_path, cli, validator, setting):
    sandbox.set_faults("dev", clock_offset=150)
    text = with_validator(environment(sandbox, "dev", client_credentials("dev")), validator)
    report = check(cli, tmp_path, ("dev", text))
    for rule in ("DC307", "DC701"):
        (fix,) = fixes(report, rule)
        assert "`apis.orders.clock_skew`" in fix
        if setting:
            assert f"{validator}'s `{setting}` {DEPLOYED}" in fix, rule
        else:
            assert DEPLOYED not in fix, rule


@pytest.mark.parametrize(("validator", "setting"), [
    ("panva-jose", "jwtVerify options.clockTolerance"), ("strict", None)])
@pytest.mark.usefixtures("secrets")
def test_a_token_expired_in_use_names_the_skew_setting(
        sandbox, tmp_path, cli, validator, setting):
    text = with_validator(environment(sandbox, "dev", client_credentials("dev")), validator)
    report = check(cli, tmp_path, ("dev", text), extra=("--now", str(int(time.time()) + 7200)))
    (fix,) = fixes(report, "DC306")
    assert fix.startswith("Request a new token before it expires")
    assert "`apis.orders.clock_skew`" in fix
    assert "access-token lifetime" not in fix
    assert (f"`{setting}` {DEPLOYED}" in fix) if setting else DEPLOYED not in fix


@pytest.mark.usefixtures("secrets")
def test_a_token_issued_expired_keeps_the_idp_advice(sandbox, tmp_path, cli):
    sandbox.set_faults("dev", expired_tokens=True)
    text = with_validator(environment(sandbox, "dev", client_credentials("dev")), "panva-jose")
    assert fixes(check(cli, tmp_path, ("dev", text)), "DC306") == [ISSUED_EXPIRED_FIX]


@pytest.mark.parametrize(("validator", "skew", "setting"), [
    ("pyjwt", None, "jwt.decode(..., leeway=...)"), ("strict", '"0s"', None)])
@pytest.mark.usefixtures("secrets")
def test_a_zero_skew_names_the_skew_setting(
        sandbox, tmp_path, cli, validator, skew, setting):
    sandbox.set_faults("dev", token_lifetime=300)
    text = with_validator(environment(sandbox, "dev", client_credentials("dev")), validator,
                          drop_skew=True)
    if skew:
        text = text.replace('accepts = "access"\n', f'accepts = "access"\nclock_skew = {skew}\n')
    (fix,) = fixes(check(cli, tmp_path, ("dev", text)), "DC406")
    assert fix.startswith("Allow 30-60 s of clock skew: set `apis.orders.clock_skew`")
    assert (f"`{setting}` {DEPLOYED}" in fix) if setting else DEPLOYED not in fix


@pytest.mark.parametrize(("validator", "setting"), [
    ("panva-jose", "jwtVerify options.maxTokenAge"), ("strict", None)])
@pytest.mark.usefixtures("secrets")
def test_a_token_outliving_max_token_age_names_the_setting(
        sandbox, tmp_path, cli, validator, setting):
    text = with_validator(environment(sandbox, "dev", client_credentials("dev")), validator)
    text = text.replace('accepts = "access"\n', 'accepts = "access"\nmax_token_age = "5m"\n')
    (fix,) = fixes(check(cli, tmp_path, ("dev", text)), "DC314")
    assert "access-token lifetime for this client or API to at most 5 min" in fix
    assert "`apis.orders.max_token_age`" in fix
    assert (f"`{setting}` {DEPLOYED}" in fix) if setting else DEPLOYED not in fix


# -- keys: DC209, DC211, DC106 ----------------------------------------------------------------

@pytest.mark.parametrize(("validator", "setting"), [
    ("envoy-jwt-authn", "JwtProvider.remote_jwks.cache_duration"), ("strict", None)])
@pytest.mark.usefixtures("secrets")
def test_key_set_cache_fixes(sandbox, tmp_path, cli, validator, setting):
    sandbox.set_faults("dev", jwks_max_age=60)
    text = with_validator(environment(sandbox, "dev", client_credentials("dev")), validator)
    if not setting:
        text = text.replace('accepts = "access"\n', 'accepts = "access"\njwks_cache_ttl = "1h"\n')
    report = check(cli, tmp_path, ("dev", in_idp(text, 'rotation_overlap = "5m"')))
    dc209 = [f["fix"] for f in report["findings"]
             if f["rule"] == "DC209" and f["component"] == "apis.orders"]
    assert len(dc209) == 1
    (dc211,) = fixes(report, "DC211")
    for fix in (dc209[0], dc211):
        assert "`idp.rotation_overlap`" in fix
        assert "`apis.orders.jwks_cache_ttl`" in fix
        assert (f"`{setting}` {DEPLOYED}" in fix) if setting else DEPLOYED not in fix


@pytest.mark.parametrize(("validator", "setting"), [
    ("spring-security", "spring.security.oauth2.resourceserver.jwt.jwk-set-uri"),
    ("strict", None)])
@pytest.mark.usefixtures("secrets")
def test_a_pinned_jwks_uri_names_the_setting(
        sandbox, tmp_path, cli, validator, setting):
    text = with_validator(environment(sandbox, "dev", client_credentials("dev")), validator)
    old = sandbox.tenant_url("staging") + "/jwks"
    (fix,) = fixes(check(cli, tmp_path, ("dev", in_idp(text, f'jwks_uri = "{old}"'))), "DC106")
    assert fix.startswith(f'Set `idp.jwks_uri = "{sandbox.tenant_url("dev")}/jwks"`')
    assert (f"the same URL in {validator}'s `{setting}` {DEPLOYED}" in fix) if setting \
        else DEPLOYED not in fix


# -- token type: DC312 ------------------------------------------------------------------------

@pytest.mark.parametrize(("validator", "setting"), [
    ("panva-jose", "jwtVerify options.typ"), ("strict", None)])
@pytest.mark.usefixtures("secrets")
def test_an_id_token_names_the_typ_setting(
        sandbox, tmp_path, cli, validator, setting):
    sandbox.set_faults("dev", id_tokens=True)
    text = with_validator(environment(sandbox, "dev", client_credentials("dev")), validator)
    (fix,) = fixes(check(cli, tmp_path, ("dev", text)), "DC312")
    assert fix.startswith("Send the access token")
    assert (f"require typ at+jwt in {validator}'s `{setting}`" in fix) if setting \
        else "reject ID tokens itself" not in fix


# -- drift: DC602, DC604 ----------------------------------------------------------------------

def _drift(sandbox, cli, tmp_path, validator: str, **faults: Any) -> dict[str, Any]:
    import json

    dev = sandbox.tenant_url("dev")
    folder = tmp_path / "envs"
    folder.mkdir(exist_ok=True)
    (folder / "dev.toml").write_text(env_toml("dev", dev, f"""
        [apis.orders]
        issuers = ["{dev}"]
        algorithms = ["RS256"]
        validator = "{validator}"
        """))
    assert cli("snapshot", str(folder), "-o", f"{tmp_path}/old.toml")[0] == 0
    sandbox.set_faults("dev", **faults)
    assert cli("snapshot", str(folder), "-o", f"{tmp_path}/new.toml")[0] == 0
    _, out, _ = cli("diff", f"{tmp_path}/old.toml", f"{tmp_path}/new.toml", str(folder),
                    "--format", "json")
    report: dict[str, Any] = json.loads(out)
    # Without environment files there is no key path to name: the rule's own fix.
    _, out, _ = cli("diff", f"{tmp_path}/old.toml", f"{tmp_path}/new.toml", "--format", "json")
    report["bare"] = json.loads(out)["findings"]
    return report


@pytest.mark.parametrize(("validator", "setting"), [
    ("spring-security", "spring.security.oauth2.resourceserver.jwt.issuer-uri"),
    ("strict", None)])
def test_an_issuer_change_names_every_key(sandbox, cli, tmp_path, validator, setting):
    report = _drift(sandbox, cli, tmp_path, validator, trailing_slash_issuer=True)
    (fix,) = fixes(report, "DC602")
    assert f'Set `idp.issuer = "{sandbox.tenant_url("dev")}/"`' in fix
    assert "the same in `apis.orders.issuers`" in fix
    assert fix.endswith("revert the IdP change.")
    assert (f"{validator}'s `{setting}` {DEPLOYED}" in fix) if setting else DEPLOYED not in fix
    assert [f["fix"] for f in report["bare"] if f["rule"] == "DC602"] == [
        "Update every API's and gateway's accepted issuers (and idp.issuer) to the new value, "
        "or revert the IdP change."]


@pytest.mark.parametrize(("validator", "setting"), [
    ("spring-security", "spring.security.oauth2.resourceserver.jwt.jws-algorithms"),
    ("strict", None)])
def test_an_algorithm_change_names_every_list(sandbox, cli, tmp_path, validator, setting):
    report = _drift(sandbox, cli, tmp_path, validator, alg="ES256")
    (fix,) = fixes(report, "DC604")
    assert fix.startswith('Before the IdP signs with the new algorithm: add "ES256" to '
                          "`apis.orders.algorithms`")
    assert (f"{validator}'s `{setting}` {DEPLOYED}" in fix) if setting else DEPLOYED not in fix
    assert all(f["fix"].startswith("Update every API's") for f in report["bare"]
               if f["rule"] == "DC604")
