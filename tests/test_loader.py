"""Every kind of bad environment file: a precise message, exit 2, and the good files load."""

from __future__ import annotations

from pathlib import Path

import pytest

from driftcheck.errors import UsageError
from driftcheck.load import load_environments

GOOD = """\
name = "{name}"
[idp]
issuer = "https://login.example.com/tenants/{name}"
"""


def messages(path: Path, env: dict[str, str] | None = None) -> list[str]:
    return [str(p) for p in load_environments([path], env or {}).problems]


def test_valid_file_loads_into_models(write, tmp_path):
    write("envs/_defaults.toml", """\
        tier = "nonprod"
        [idp]
        rotation_overlap = "24h"
        [apis.orders]
        algorithms = ["RS256"]
        clock_skew = "60s"
        """)
    write("envs/staging.toml", """\
        name = "staging"
        extends = "_defaults.toml"
        [idp]
        issuer = "https://login.example.com/tenants/staging/"
        [apis.orders]
        clock_skew = "1m30s"
        audiences = ["api://orders-staging"]
        [tokens.probe]
        source = "file"
        path = "tokens/probe.jwt"
        """)
    result = load_environments([tmp_path / "envs"], {})
    assert result.problems == ()
    (env,) = result.environments
    assert env.name == "staging"
    assert env.tier == "nonprod"
    assert env.idp.rotation_overlap == 86400
    # OIDC Discovery §4: a terminating '/' of the issuer is removed before appending.
    assert env.idp.discovery_url == (
        "https://login.example.com/tenants/staging/.well-known/openid-configuration"
    )
    orders = env.apis["orders"]
    assert orders.algorithms == ("RS256",)  # inherited
    assert orders.clock_skew == 90  # overridden
    assert orders.audiences == ("api://orders-staging",)
    assert env.tokens["probe"].path == str(Path(env.file).resolve().parent / "tokens/probe.jwt")
    assert env.file_of("apis.orders.algorithms").endswith("_defaults.toml")
    assert env.file_of("apis.orders.clock_skew").endswith("staging.toml")


def test_toml_syntax_error_names_line_and_column(write):
    path = write("bad.toml", 'name = "x"\n[idp]\nissuer = \n')
    (message,) = messages(path)
    assert message.startswith(f"{path}:3:10: invalid TOML:") or ":3:" in message
    assert "bad.toml:3:" in message


def test_wrong_type_names_key_path_and_expectation(write):
    path = write("bad.toml", GOOD.format(name="x") + '[apis.orders]\naudiences = "api://x"\n')
    (message,) = messages(path)
    assert message.endswith("bad.toml: apis.orders.audiences: expected an array, got string "
                            "'api://x'")


def test_unknown_key_suggests_the_close_one(write):
    path = write("bad.toml", GOOD.format(name="x") + '[apis.orders]\naudience = ["a"]\n')
    (message,) = messages(path)
    assert "apis.orders.audience: unknown key (did you mean 'audiences'?)" in message


def test_inline_secret_is_refused_with_the_indirection_to_use(write):
    path = write("bad.toml", GOOD.format(name="x") + '[tokens.probe]\nsource = "client_credentials"'
                 '\nclient_id = "c"\nclient_secret = "hunter2-canary"\n')
    problems = messages(path)
    assert any("tokens.probe.client_secret: unknown key (secrets are never inline" in m
               for m in problems)
    assert any("tokens.probe.client_secret_env: missing required key" in m for m in problems)
    assert not any("hunter2-canary" in m for m in problems)


def test_missing_issuer(write):
    path = write("bad.toml", 'name = "x"\n[idp]\ntenant = "x"\n')
    (message,) = messages(path)
    assert message.endswith("bad.toml: idp.issuer: missing required key: expected the exact iss "
                            "value expected")


def test_bad_duration(write):
    path = write("bad.toml", GOOD.format(name="x") + '[apis.orders]\nclock_skew = "60 sec"\n')
    (message,) = messages(path)
    assert message.endswith(
        'apis.orders.clock_skew: expected a duration such as "90s", "10m", "24h" or "1h30m", '
        "got string '60 sec'"
    )


def test_duration_as_number(write):
    path = write("bad.toml", GOOD.format(name="x") + "[apis.orders]\nclock_skew = 60\n")
    (message,) = messages(path)
    assert "apis.orders.clock_skew: expected a string, got number 60" in message


def test_unresolved_variable(write):
    path = write("bad.toml", 'name = "x"\n[idp]\nissuer = "${IDP_URL}/tenants/x"\n')
    problems = load_environments([path], {}).problems
    (problem,) = problems
    assert problem.rule == "DC002"
    assert str(problem).endswith("bad.toml: idp.issuer: ${IDP_URL} is not set in the environment "
                                 "(set IDP_URL, or write ${IDP_URL:-default})")


def test_variables_defaults_and_escapes(write):
    path = write("ok.toml", 'name = "x"\ndescription = "$${LITERAL}"\n[idp]\n'
                 'issuer = "${IDP_URL}/t/${TENANT:-main}"\n')
    result = load_environments([path], {"IDP_URL": "https://idp.example.com"})
    assert result.problems == ()
    assert result.environments[0].idp.issuer == "https://idp.example.com/t/main"


def test_extends_cycle(write):
    write("envs/_a.toml", 'extends = "_b.toml"\n')
    write("envs/_b.toml", 'extends = "_a.toml"\n')
    path = write("envs/x.toml", 'extends = "_a.toml"\n' + GOOD.format(name="x"))
    (message,) = messages(path)
    # The key that closes the cycle is _b.toml's own `extends`.
    assert "_b.toml (extended by " in message
    assert "x.toml): extends: extends cycle: " in message
    assert message.endswith("_b.toml -> " + str(path.parent.resolve() / "_a.toml"))


def test_extends_missing_file(write):
    path = write("x.toml", 'extends = "_nope.toml"\n' + GOOD.format(name="x"))
    (message,) = messages(path)
    assert "extends: extends '_nope.toml', which does not exist" in message


def test_error_in_defaults_file_names_that_file(write):
    write("envs/_defaults.toml", '[apis.orders]\nclock_skew = "soon"\n')
    path = write("envs/x.toml", 'extends = "_defaults.toml"\n' + GOOD.format(name="x"))
    (message,) = messages(path)
    assert "_defaults.toml (extended by " in message
    assert "apis.orders.clock_skew: expected a duration" in message


def test_token_source_requires_its_fields(write):
    path = write("x.toml", GOOD.format(name="x") + '[tokens.probe]\nsource = "env"\n')
    (message,) = messages(path)
    assert "tokens.probe.env: missing required key" in message


def test_all_bad_files_reported_and_good_ones_load(write, tmp_path):
    write("envs/good.toml", GOOD.format(name="good"))
    write("envs/syntax.toml", "name = \n")
    write("envs/type.toml", GOOD.format(name="type") + "[isolation]\nallow_shared = 3\n")
    write("envs/dup.toml", GOOD.format(name="good"))
    result = load_environments([tmp_path / "envs"], {})
    # Path order decides which of two same-named files is checked: dup.toml < good.toml.
    assert [(e.name, Path(e.file).name) for e in result.environments] == [("good", "dup.toml")]
    rules = sorted(p.rule for p in result.problems)
    assert rules == ["DC001", "DC001", "DC003"]
    dup = next(p for p in result.problems if p.rule == "DC003")
    assert "good.toml: name: environment name 'good' is already declared in " in str(dup)
    assert str(dup).endswith("dup.toml; each environment needs a unique name (this file was not "
                             "checked)")


def test_folder_without_environment_files_is_a_usage_error(tmp_path):
    (tmp_path / "_defaults.toml").write_text("")
    with pytest.raises(UsageError, match="no environment files"):
        load_environments([tmp_path], {})


def test_missing_file_is_reported_not_raised(tmp_path):
    (message,) = messages(tmp_path / "nope.toml")
    assert message.endswith("nope.toml: file not found")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('name = "x"\n[idp]\nissuer = "a"\n[apis.orders]\nalgorithms = ["RS257"]\n',
         'apis.orders.algorithms[0]: expected a JWS algorithm name from RFC 7518/8037 such as '
         '"RS256", got string \'RS257\''),
        ('name = "x"\ntier = "production"\n[idp]\nissuer = "a"\n',
         'tier: expected "prod" or "nonprod"'),
        ('name = "has space"\n[idp]\nissuer = "a"\n', "name: expected the environment's name"),
        ('name = "x"\n[idp]\nissuer = "a"\n[frontends.web]\nruntime_config_map = '
         '{ authority = "auth/authority" }\n',
         "frontends.web.runtime_config_map.authority: expected a JSON Pointer"),
    ],
)
def test_more_schema_messages(write, body, expected):
    (message,) = messages(write("x.toml", body))
    assert expected in message


def test_validate_command_exits_2_naming_file_and_key(write, tmp_path, cli):
    write("envs/good.toml", GOOD.format(name="good"))
    write("envs/bad.toml", GOOD.format(name="bad") + '[apis.orders]\nclock_skew = "1 minute"\n')
    code, out, err = cli("validate", str(tmp_path / "envs"))
    assert code == 2
    assert "bad.toml: apis.orders.clock_skew: expected a duration" in err
    assert "[DC001]" in err
    assert out.splitlines()[-1] == "1 environment valid, 1 file invalid (1 problem)"
    assert "invalid  " in out
    assert "bad.toml (bad): 1 problem" in out
    assert "ok       " in out
    assert "good.toml (good)" in out


def test_validate_command_exit_0_on_the_examples(cli, monkeypatch):
    monkeypatch.setenv("DRIFTCHECK_SANDBOX_URL", "http://127.0.0.1:1")
    for name in ("DEV", "STAGING", "PROD"):
        monkeypatch.setenv(f"SANDBOX_PROBE_SECRET_{name}", "s")
    code, out, _ = cli("validate", "environments")
    assert code == 0
    assert out.splitlines()[-1] == "3 environments valid"


def test_examples_need_the_sandbox_url(cli, monkeypatch):
    monkeypatch.delenv("DRIFTCHECK_SANDBOX_URL", raising=False)
    code, _, err = cli("validate", "environments")
    assert code == 2
    assert "${DRIFTCHECK_SANDBOX_URL} is not set" in err


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"bad.toml": 'name = "bad"\n[idp\n'}, "bad.toml:2:5: invalid TOML"),
        ({"bad.toml": 'name = "bad"\ntier = 1\n[idp]\nissuer = "a"\n'}, "bad.toml: tier: expected"),
        ({"bad.toml": GOOD.format(name="bad") + "colour = 1\n"},
         "bad.toml: idp.colour: unknown key"),
        ({"bad.toml": 'name = "bad"\n[idp]\n'}, "bad.toml: idp.issuer: missing required key"),
        ({"bad.toml": GOOD.format(name="bad") + '[apis.a]\njwks_cache_ttl = "ten minutes"\n'},
         "bad.toml: apis.a.jwks_cache_ttl: expected a duration"),
        ({"bad.toml": 'name = "bad"\n[idp]\nissuer = "${NOPE_NOT_SET}"\n'},
         "bad.toml: idp.issuer: ${NOPE_NOT_SET} is not set"),
        ({"bad.toml": 'extends = "_loop.toml"\n' + GOOD.format(name="bad"),
          "_loop.toml": 'extends = "_loop.toml"\n'}, "extends cycle"),
        ({"bad.toml": GOOD.format(name="good")}, "environment name 'good' is already declared"),
    ],
    ids=["syntax", "type", "unknown-key", "missing-issuer", "duration", "variable", "cycle",
         "duplicate"],
)
def test_each_bad_kind_exits_2_and_the_good_file_still_loads(write, tmp_path, cli, files,
                                                             expected):
    write("envs/good.toml", GOOD.format(name="good"))
    for name, text in files.items():
        write(f"envs/{name}", text)
    code, out, err = cli("validate", str(tmp_path / "envs"))
    assert code == 2
    assert expected in err
    assert out.splitlines()[-1].startswith("1 environment valid, 1 file invalid")
