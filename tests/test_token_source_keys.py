"""A `[tokens.NAME]` key that belongs to another source kind (`command` on `source = "env"`)
is a DC001 error naming the file, the key path and the kind that reads it, never a key
dropped unread; every kind with its own keys stays silent."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from driftcheck.load import load_environments
from driftcheck.load.token_sources import (
    COMMON_KEYS,
    ForeignTokenKey,
    foreign_key_message,
    key_owner,
    own_keys,
    token_source,
)
from driftcheck.models import TOKEN_SOURCE_CLASSES, CommandSource, TokenSourceKind
from driftcheck.resources import load_schema
from tests.conftest import env_toml

ISSUER = "https://login.example.com/tenants/{name}"

# One valid value for every token key, by kind: each kind's table uses its own keys only.
OWN_VALUES: dict[str, str] = {
    "client_id": '"probe-client"',
    "client_secret_env": '"PROBE_SECRET"',
    "auth_method": '"client_secret_post"',
    "scope": '"orders.read"',
    "resource": '"https://api.example.com"',
    "audience": '"orders"',
    "env": '"PROBE_TOKEN"',
    "path": '"token.txt"',
    "command": '["print-token", "--env", "x"]',
    "timeout": '"10s"',
}


def token_table(kind: TokenSourceKind, *extra: str, name: str = "orders") -> str:
    """`[tokens.NAME]` of `kind` with all its own keys, plus the keys in `extra`."""
    keys = [*own_keys(kind), *extra]
    lines = [f"[tokens.{name}]", 'for_api = "orders"', f'source = "{kind}"']
    lines += [f"{key} = {OWN_VALUES[key]}" for key in keys]
    return "\n".join(lines)


def environment(name: str, tokens: str, **top: Any) -> str:
    return env_toml(name, ISSUER.format(name=name),
                    '[apis.orders]\nurl = "https://api.example.com"\n' + tokens, **top)


def problems(folder: Path) -> list[str]:
    return [str(p) for p in load_environments([folder], {}).problems]


FOREIGN = [(kind, key) for kind in TOKEN_SOURCE_CLASSES for other in TOKEN_SOURCE_CLASSES
           if other != kind for key in own_keys(other)]


@pytest.mark.parametrize(("kind", "key"), FOREIGN, ids=[f"{k}-{x}" for k, x in FOREIGN])
def test_a_key_of_another_kind_is_refused_naming_file_key_and_kind(tmp_path, kind, key):
    (tmp_path / "prod.toml").write_text(environment("prod", token_table(kind, key)))
    found = problems(tmp_path)
    owner = key_owner(key)
    expected = ", ".join((*own_keys(kind), *COMMON_KEYS))
    assert found == [f"{tmp_path / 'prod.toml'}: tokens.orders.{key}: belongs to source = "
                     f'"{owner}", but this token has source = "{kind}" (its keys: {expected})']


@pytest.mark.parametrize("kind", list(TOKEN_SOURCE_CLASSES))
def test_every_kind_with_all_its_own_keys_stays_silent(tmp_path, kind):
    (tmp_path / "prod.toml").write_text(environment("prod", token_table(kind)))
    loaded = load_environments([tmp_path], {})
    assert loaded.problems == ()
    [source] = loaded.environments[0].tokens.values()
    assert source.source == kind


def test_the_command_line_exits_2_and_one_broken_environment_hides_no_other(cli, tmp_path):
    (tmp_path / "prod.toml").write_text(environment(
        "prod", token_table("env", "command"), tier="prod"))
    (tmp_path / "staging.toml").write_text(environment(
        "staging", token_table("file", "client_secret_env", "timeout")))
    (tmp_path / "dev.toml").write_text(environment("dev", token_table("command")))

    code, out, err = cli("validate", str(tmp_path))
    assert code == 2
    text = out + err
    assert "tokens.orders.command: belongs to source = \"command\", but this token has " \
        "source = \"env\" (its keys: env, source, for_api)" in text
    # every problem of every file, not only the first
    assert "tokens.orders.client_secret_env: belongs to source = \"client_credentials\", " \
        "but this token has source = \"file\"" in text
    assert "tokens.orders.timeout: belongs to source = \"command\", but this token has " \
        "source = \"file\"" in text
    assert f"ok       {tmp_path / 'dev.toml'} (dev)" in text

    code, out, _ = cli("check", "--offline", "--format", "json", str(tmp_path))
    assert code == 2
    statuses = {e["name"]: e["status"] for e in json.loads(out)["environments"]}
    assert statuses == {"dev": "offline", "prod": "invalid", "staging": "invalid"}


def test_a_key_from_a_defaults_file_names_the_defaults_file(tmp_path):
    (tmp_path / "_defaults.toml").write_text('[tokens.orders]\ntimeout = "10s"\n')
    (tmp_path / "prod.toml").write_text(
        'extends = "_defaults.toml"\n' + environment("prod", token_table("env")))
    [problem] = load_environments([tmp_path / "prod.toml"], {}).problems
    assert problem.file.endswith("_defaults.toml")
    assert str(problem.environment_file).endswith("prod.toml")
    assert problem.key_path == "tokens.orders.timeout"
    assert problem.message == foreign_key_message("timeout", "env")


def test_a_defaults_file_without_source_stays_silent(tmp_path):
    # The defaults hold a kind's key; the environment file names the kind that reads it.
    (tmp_path / "_defaults.toml").write_text('[tokens.orders]\ntimeout = "10s"\n')
    (tmp_path / "prod.toml").write_text(
        'extends = "_defaults.toml"\n' + environment("prod", token_table("command")))
    loaded = load_environments([tmp_path / "prod.toml"], {})
    assert loaded.problems == ()
    source = loaded.environments[0].tokens["orders"]
    assert isinstance(source, CommandSource)
    assert source.timeout == 10.0
    # ...and the partial schema editors use for defaults files accepts them.
    jsonschema.Draft202012Validator(load_schema("environment.partial.schema.json")).validate(
        {"tokens": {"orders": {"timeout": "10s"}}})


def test_a_missing_source_is_one_problem_not_one_per_key(tmp_path):
    (tmp_path / "prod.toml").write_text(environment("prod", '[tokens.orders]\nenv = "X"\n'
                                                    'command = ["x"]\n'))
    found = problems(tmp_path)
    assert len(found) == 1
    assert "tokens.orders.source: missing required key" in found[0]


def test_the_loader_refuses_a_foreign_key_without_the_schema():
    # The schema refuses it first; the table -> class step refuses it again on its own, so
    # no path that skips the schema drops a key unread.
    with pytest.raises(ForeignTokenKey) as raised:
        token_source("orders", {"source": "env", "env": "X", "command": ["x"]}, path=None,
                     timeout=None)
    assert raised.value.key == "tokens.orders.command"
    assert str(raised.value) == foreign_key_message("command", "env")
    source = token_source("orders", {"source": "env", "env": "X", "for_api": "orders"},
                          path=None, timeout=None)
    assert source.source == "env"


def test_the_schema_forbids_exactly_the_keys_of_other_kinds():
    """The schema's per-kind blocks agree with the model classes (the kinds' own fields) and
    carry the loader's words: a new key or kind fails here until both say the same."""
    token = load_schema("environment.schema.json")["$defs"]["token"]
    keys = set(token["properties"])
    assert keys == {*COMMON_KEYS, *(k for kind in TOKEN_SOURCE_CLASSES for k in own_keys(kind))}
    blocks = token["dependentSchemas"]["source"]["allOf"]
    by_kind: dict[TokenSourceKind, dict[str, Any]] = {
        block["if"]["properties"]["source"]["const"]: block["then"] for block in blocks}
    assert set(by_kind) == set(TOKEN_SOURCE_CLASSES)
    for kind, then in by_kind.items():
        foreign = keys - {*COMMON_KEYS, *own_keys(kind)}
        assert then["properties"] == {
            key: {"not": {}, "description": foreign_key_message(key, kind)} for key in foreign}
        assert set(then["required"]) <= set(own_keys(kind))
        for key in own_keys(kind):
            assert f'(source = "{kind}" only)' in token["properties"][key]["description"]
