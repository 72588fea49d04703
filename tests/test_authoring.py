"""Authoring that catches mistakes before `check` (issue 17): validate, init, schema,
baseline create, command token sources."""

from __future__ import annotations

import tomllib

import pytest

GOOD = 'name = "good"\n[idp]\nissuer = "https://idp.test/good"\n'


def _bad(body: str) -> str:
    return 'name = "bad"\n[idp]\nissuer = "https://idp.test/bad"\n' + body


@pytest.mark.parametrize(("body", "expected"), [
    ('[apis.orders]\n[tokens.p]\nsource = "env"\nenv = "T"\nfor_api = "ordres"\n',
     "tokens.p.for_api: names API 'ordres', which this file does not declare (apis: orders)"),
    ('[apis.orders]\n[frontends.web]\napi = "billing"\n',
     "frontends.web.api: names API 'billing'"),
    ('[apis.orders]\n[gateways.edge]\nupstream_apis = ["orders", "ghost"]\n',
     "gateways.edge.upstream_apis[1]: names API 'ghost'"),
    ('[apis.orders]\nurl = "api.test/orders"\n',
     "apis.orders.url: expected an absolute http(s) URL"),
    ('[apis.orders]\nissuers = ["login.example.com"]\n',
     "apis.orders.issuers[0]: expected an absolute http(s) URL"),
    ('[frontends.web]\nauthority = "https://"\n',
     "frontends.web.authority: expected a URL with a host name"),
    ('[apis.a]\n[apis.b]\n[tokens.p]\nsource = "env"\nenv = "T"\n',
     "tokens.p: expected for_api: the environment has several APIs (apis: a, b)"),
], ids=["for_api", "frontend-api", "upstream", "url", "issuer", "no-host", "several-apis"])
def test_validate_catches_broken_references_and_non_urls(write, tmp_path, cli, monkeypatch,
                                                          body, expected):
    monkeypatch.setenv("T", "x")
    write("envs/good.toml", GOOD)
    write("envs/bad.toml", _bad(body))
    code, out, err = cli("validate", str(tmp_path / "envs"))
    assert code == 2
    assert expected in err
    assert "[DC001]" in err
    lines = out.splitlines()
    assert any(line.startswith("invalid ") and "bad.toml (bad)" in line for line in lines)
    assert any(line.startswith("ok ") and "good.toml (good)" in line for line in lines)


def test_a_single_api_needs_no_for_api(write, tmp_path, cli, monkeypatch):
    monkeypatch.setenv("T", "x")
    write("envs/bad.toml", _bad('[apis.orders]\n[tokens.p]\nsource = "env"\nenv = "T"\n'))
    assert cli("validate", str(tmp_path / "envs"))[0] == 0


def test_unset_secret_variables_fail_validate_and_warn_under_allow_unset(write, tmp_path, cli,
                                                                       monkeypatch):
    monkeypatch.delenv("NOT_SET_SECRET_17", raising=False)
    write("envs/bad.toml", _bad(
        '[apis.orders]\n[tokens.p]\nsource = "client_credentials"\nfor_api = "orders"\n'
        'client_id = "c"\nclient_secret_env = "NOT_SET_SECRET_17"\n'))
    code, out, err = cli("validate", str(tmp_path / "envs"))
    assert code == 2
    assert "error: tokens.p.client_secret_env: NOT_SET_SECRET_17 is not set" in err
    assert out.splitlines()[-1] == "1 environment valid, 1 secret variable not set"
    code, out, _ = cli("validate", str(tmp_path / "envs"), "--allow-unset")
    assert code == 0
    assert "warning: tokens.p.client_secret_env: NOT_SET_SECRET_17 is not set" in out
    assert any(line.startswith("warning ") for line in out.splitlines())


def test_check_reports_a_broken_reference_as_a_configuration_error(write, tmp_path, cli):
    write("envs/bad.toml", _bad('[apis.orders]\n[gateways.edge]\nupstream_apis = ["x"]\n'))
    write("envs/good.toml", GOOD)
    code, out, _ = cli("check", str(tmp_path / "envs"), "--offline")
    assert code == 2
    assert "upstream_apis[0]" in out
    assert "good" in out


# -- init -------------------------------------------------------------------------------------

def test_init_writes_no_invented_values_and_no_profile_overrides(sandbox, cli):
    code, out, _ = cli("init", "--issuer", sandbox.tenant_url("dev"), "--name", "dev")
    assert code == 0
    document = tomllib.loads(out)
    api = document["apis"]["api"]
    assert "clock_skew" not in api
    assert "jwks_cache_ttl" not in api
    assert "tenant" not in document["idp"]
    assert "rotation_overlap" not in document["idp"]
    assert "idp.rotation_overlap" in out  # named as left to fill in


def test_init_says_when_the_discovered_issuer_differs(sandbox, cli):
    sandbox.set_faults("staging", trailing_slash_issuer=True)
    code, out, err = cli("init", "--issuer", sandbox.tenant_url("staging"), "--name", "s")
    assert code == 0
    assert f"the IdP says its issuer is '{sandbox.tenant_url('staging')}/'" in err
    assert "# NOTE: the IdP says its issuer" in out


def test_init_hints_name_the_flag_that_exists(cli):
    code, _, err = cli("init", "--issuer", "http://idp.example.test/t", "--name", "x")
    assert code == 3
    assert "--allow-insecure-http" in err


# -- schema -----------------------------------------------------------------------------------

def test_schema_command_prints_and_writes_the_schemas(cli, tmp_path):
    import json

    from driftcheck.resources import load_schema

    code, out, _ = cli("schema")
    assert code == 0
    assert json.loads(out) == load_schema("environment.schema.json")
    code, out, _ = cli("schema", "--partial", "-o", str(tmp_path / "p.json"))
    assert code == 0
    assert "p.json: JSON Schema written" in out
    partial = json.loads((tmp_path / "p.json").read_text())
    assert '"required": [' not in json.dumps(partial, indent=1)
    assert partial["properties"].keys() == load_schema("environment.schema.json")[
        "properties"].keys()


def test_generated_schema_files_are_in_sync():
    from pathlib import Path

    from driftcheck.schema_doc import environment_file_markdown, schema_text, undocumented_keys

    root = Path(__file__).resolve().parent.parent
    assert (root / "schemas" / "environment.partial.schema.json").read_text(
        encoding="utf-8") == schema_text(partial=True), (
        "run `driftcheck schema --partial -o schemas/environment.partial.schema.json`")
    assert (root / "docs" / "environment-file.md").read_text(
        encoding="utf-8") == environment_file_markdown(), (
        "run `driftcheck schema --markdown -o docs/environment-file.md`")
    assert undocumented_keys() == []  # every key of the schema has a description
    assert "docs/environment-file.md" in (root / "README.md").read_text(encoding="utf-8")


def test_the_shipped_defaults_file_validates_against_the_partial_schema():
    import jsonschema

    from driftcheck.resources import data_dir, load_schema

    defaults = data_dir("environments") / "_defaults.toml"
    text = defaults.read_text(encoding="utf-8")
    assert text.startswith("#:schema ../schemas/environment.partial.schema.json")
    document = tomllib.loads(text)
    jsonschema.Draft202012Validator(
        load_schema("environment.partial.schema.json")).validate(document)
    full = jsonschema.Draft202012Validator(load_schema("environment.schema.json"))
    assert not full.is_valid(document)  # what editors flagged before


# -- baseline create --------------------------------------------------------------------------

def _pair(tmp_path, port: int, tier_b: str = "nonprod"):
    """Two environments sharing an issuer (DC502) that nothing serves."""
    folder = tmp_path / "envs"
    folder.mkdir(exist_ok=True)
    for name, tier in (("a", "nonprod"), ("b", tier_b)):
        (folder / f"{name}.toml").write_text(
            f'name = "{name}"\ntier = "{tier}"\n[idp]\n'
            f'issuer = "http://127.0.0.1:{port}/main"\n')
    return folder


def test_baseline_create_counts_refuses_overwrite_and_past_expiry(cli, tmp_path, closed_port):
    folder = _pair(tmp_path, closed_port)
    target = tmp_path / "baseline.toml"
    code, out, _ = cli("baseline", "create", str(folder), "--select", "DC502", "-o", str(target),
                       "--reason", "r")
    assert code == 0
    assert "2 finding(s) accepted until" in out
    assert "(2 high)" in out
    code, _, err = cli("baseline", "create", str(folder), "--select", "DC502", "-o", str(target),
                       "--reason", "r")
    assert code == 2
    assert "the file exists (use --force to replace it)" in err
    assert cli("baseline", "create", str(folder), "--select", "DC502", "-o", str(target),
               "--reason", "r", "--force")[0] == 0
    code, _, err = cli("baseline", "create", str(folder), "--select", "DC502", "-o",
                       str(tmp_path / "new.toml"), "--reason", "r", "--expires", "2020-01-01")
    assert code == 2
    assert "the date is in the past" in err
    assert not (tmp_path / "new.toml").exists()


def test_baseline_create_accepts_critical_findings_only_when_told(cli, tmp_path, closed_port):
    folder = _pair(tmp_path, closed_port, tier_b="prod")  # a shared issuer across tiers: critical
    target = tmp_path / "baseline.toml"
    code, _, err = cli("baseline", "create", str(folder), "--select", "DC502", "-o", str(target),
                       "--reason", "r")
    assert code == 2
    assert "2 critical finding(s) (DC502 in a, DC502 in b)" in err
    assert "--accept-critical" in err
    assert not target.exists()
    code, out, _ = cli("baseline", "create", str(folder), "--select", "DC502", "-o", str(target),
                       "--reason", "r", "--accept-critical")
    assert code == 0
    assert "(2 critical)" in out


# -- a command that prints the token endpoint's JSON ------------------------------------------

def _command_env(sandbox, tmp_path, script: str) -> str:
    import sys

    from tests.test_tokens import environment

    (tmp_path / "cmd.py").write_text(script)
    return environment(sandbox, "dev", '[tokens.probe]\nsource = "command"\nfor_api = "orders"\n'
                       f'command = ["{sys.executable}", "{tmp_path / "cmd.py"}"]\n')


def test_a_command_printing_the_token_endpoints_json_is_understood(sandbox, tmp_path, cli):
    import json

    from tests.conftest import check_folder

    client = sandbox.client("dev")
    script = ("import base64, json, urllib.request\n"
              f"request = urllib.request.Request('{sandbox.tenant_url('dev')}/token', data="
              "b'grant_type=client_credentials&scope=orders.read', headers={'Authorization': "
              f"'Basic ' + base64.b64encode(b'{client.client_id}:{client.secret}').decode()}})\n"
              "print(urllib.request.urlopen(request).read().decode())\n")
    report = check_folder(cli, tmp_path, ("dev", _command_env(sandbox, tmp_path, script)))
    assert report["findings"] == []
    assert report["environments"][0]["tokens"][0]["fingerprint"] is not None
    assert client.secret not in json.dumps(report)


def test_a_command_printing_json_without_access_token_gets_a_hint(sandbox, tmp_path, cli):
    from tests.conftest import check_folder

    script = 'print(\'{"error": "invalid_client", "error_description": "canary-secret"}\')\n'
    report = check_folder(cli, tmp_path, ("dev", _command_env(sandbox, tmp_path, script)))
    (finding,) = report["findings"]
    assert finding["rule"] == "DC301"
    assert "JSON object without access_token (keys: error, error_description)" in \
        finding["message"]
    assert "jq -r .access_token" in finding["message"]
    assert "canary-secret" not in str(report)
