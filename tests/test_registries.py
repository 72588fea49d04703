"""Registries instead of if-chains: output formats, token sources, shared CLI flag groups,
fetch-failure kinds. Each table is complete, and what is not in it cannot be used."""

from __future__ import annotations

import argparse
import inspect
import json
import re
import tomllib
from pathlib import Path
from typing import get_args

import pytest
import tomli_w

from driftcheck import cli as cli_module
from driftcheck.load.token_sources import UnknownTokenSource, token_source
from driftcheck.models import (
    TOKEN_SOURCE_CLASSES,
    ClientCredentialsSource,
    CommandSource,
    EnvSource,
    FileSource,
    TokenSourceKind,
)
from driftcheck.observations import FAILURE_KINDS, FailureKind, failure_kind
from driftcheck.report.formats import OutputFormat, format_spec
from driftcheck.resources import load_schema
from tests.conftest import env_toml

# -- output formats ---------------------------------------------------------------------------


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    """Every subcommand's parser by its full name ("baseline create")."""
    found: dict[str, argparse.ArgumentParser] = {}

    def walk(parser: argparse.ArgumentParser, prefix: str) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    found[prefix + name] = sub
                    walk(sub, prefix + name + " ")

    walk(cli_module.build_parser(), "")
    return found


def _option(parser: argparse.ArgumentParser, flag: str) -> argparse.Action | None:
    return next((a for a in parser._actions if flag in a.option_strings), None)


def test_every_output_format_has_a_renderer_and_a_cli_choice():
    assert tuple(f.value for f in OutputFormat) == cli_module.FORMATS
    for fmt in OutputFormat:
        spec = format_spec(fmt)
        assert callable(spec.text())
        if spec.draw is not None:
            assert callable(spec.draw())
    for name in ("check", "demo", "diff", "baseline create"):
        option = _option(_subcommands()[name], "--format")
        assert option is not None, name
        assert tuple(option.choices or ()) == cli_module.FORMATS, name


@pytest.mark.parametrize(("command", "choices"), [
    ("inspect", ("console", "json")), ("diagnose", ("console", "json")),
    ("history", ("console", "html")),
])
def test_commands_reporting_something_else_offer_their_own_views(command, choices, capsys):
    option = _option(_subcommands()[command], "--format")
    assert option is not None
    assert option.choices is not None
    assert tuple(option.choices) == choices
    assert all(type(c) is str for c in option.choices)  # argparse quotes them in its errors
    with pytest.raises(SystemExit):
        cli_module.main([command, "x", "--format", "xml"])
    assert "(choose from 'console', " in capsys.readouterr().err


def test_human_formats_are_the_ones_a_person_reads():
    """Server text is escaped in these (report.printable); machine formats keep it exact."""
    human = {f.value for f in OutputFormat if format_spec(f).human}
    assert human == {"console", "markdown", "github", "junit"}
    assert [f.value for f in OutputFormat if format_spec(f).draw] == ["console"]


def test_no_renderer_selection_by_format_name_in_the_cli():
    source = inspect.getsource(cli_module)
    for fmt in OutputFormat:
        assert f'format == "{fmt.value}"' not in source
    assert "HUMAN_FORMATS" not in source


def test_each_format_written_by_output_is_what_format_prints(cli, tmp_path):
    (tmp_path / "e.toml").write_text(env_toml("e", "https://idp.example.test"))
    outputs = [f"--output={fmt.value}={tmp_path / ('out.' + fmt.value)}" for fmt in OutputFormat]
    code, console, _ = cli("check", str(tmp_path / "e.toml"), "--offline", *outputs)
    assert code == 0
    for fmt in OutputFormat:
        written = (tmp_path / f"out.{fmt.value}").read_text()
        assert written, fmt
    assert (tmp_path / "out.console").read_text() == console  # not a terminal: plain text
    for fmt in (OutputFormat.SARIF, OutputFormat.JUNIT, OutputFormat.MARKDOWN,
                OutputFormat.GITHUB):
        _, printed, _ = cli("check", str(tmp_path / "e.toml"), "--offline", "--format",
                            fmt.value)
        assert printed == (tmp_path / f"out.{fmt.value}").read_text(), fmt


def test_an_unknown_output_format_is_a_usage_error(cli, tmp_path):
    (tmp_path / "e.toml").write_text(env_toml("e", "https://idp.example.test"))
    code, _, err = cli("check", str(tmp_path / "e.toml"), "--offline", "--output",
                       f"xml={tmp_path / 'x'}")
    assert code == 2
    assert f"FORMAT one of {', '.join(cli_module.FORMATS)}" in err


def test_a_bad_format_from_the_environment_is_a_usage_error(cli, tmp_path, monkeypatch):
    (tmp_path / "e.toml").write_text(env_toml("e", "https://idp.example.test"))
    monkeypatch.setenv("DRIFTCHECK_FORMAT", "xml")
    code, out, err = cli("check", str(tmp_path / "e.toml"), "--offline")
    assert code == 2
    assert out == ""
    assert "DRIFTCHECK_FORMAT='xml': expected one of console, json" in err


# -- shared flags: parent parsers, no phantom defaults ----------------------------------------


def test_snapshot_has_no_selection_or_report_flags():
    parser = _subcommands()["snapshot"]
    flags = {flag for action in parser._actions for flag in action.option_strings}
    for flag in ("--select", "--ignore", "--fail-on", "--now", "--format", "--offline"):
        assert flag not in flags
        assert f"[{flag}" not in parser.format_usage()
    args = parser.parse_args(["-o", "x.toml"])
    for phantom in ("select", "ignore", "fail_on", "now", "offline", "format"):
        assert not hasattr(args, phantom), phantom


@pytest.mark.parametrize(("command", "argv", "absent"), [
    ("inspect", ["a.b.c"], ("select", "ignore", "offline", "env")),
    ("diagnose", ["error"], ("select", "ignore", "offline", "env", "fail_on", "concurrency",
                             "ca_bundle", "max_response_bytes")),
    ("diff", ["a.toml", "b.toml"], ("offline",)),
    ("baseline create", ["-o", "b.toml", "--reason", "r"], ("offline",)),
    ("demo", [], ("paths", "offline")),
])
def test_commands_carry_no_defaults_for_flags_they_lack(command, argv, absent):
    args = cli_module.build_parser().parse_args([*command.split(), *argv])
    for phantom in absent:
        assert not hasattr(args, phantom), (command, phantom)


def test_every_command_has_the_flags_of_its_groups_and_reads_them_without_fallbacks():
    """A command's flag groups are its parents: every flag they read is on its parser, so
    building the run's options from a command's defaults never needs a fallback."""
    positional = {"check": [], "demo": [], "snapshot": ["-o", "x"], "diff": ["a", "b"],
                  "baseline create": ["-o", "x", "--reason", "r"], "inspect": ["a.b.c"],
                  "diagnose": ["e"], "validate": []}
    parser = cli_module.build_parser()
    for name, sub in _subcommands().items():
        if name not in positional:
            continue
        args = parser.parse_args([*name.split(), *positional[name]])
        groups = args.flag_groups
        assert groups, name
        dests = {a.dest for a in sub._actions}
        for group in groups:
            assert {a.dest for a in group.parent()._actions} <= dests, (name, group.name)
        cli_module._check_options(args, None)
    assert "getattr(args" not in inspect.getsource(cli_module)
    assert not re.search(r"set_defaults\([^)]*(select|ignore|offline|fail_on)=",
                         inspect.getsource(cli_module))


def test_every_group_is_read_and_probes_after_trust():
    used = {g for sub in _subcommands().values() for g in sub.get_default("flag_groups") or ()}
    assert used == set(cli_module.APPLY_ORDER)
    order = cli_module.APPLY_ORDER
    assert order.index(cli_module.TRUST) < order.index(cli_module.PROBES)


# -- token sources ----------------------------------------------------------------------------


def test_token_source_kinds_are_the_schemas():
    schema = load_schema("environment.schema.json")
    assert tuple(schema["$defs"]["token"]["properties"]["source"]["enum"]) == \
        tuple(TOKEN_SOURCE_CLASSES) == get_args(TokenSourceKind)
    for kind, cls in TOKEN_SOURCE_CLASSES.items():
        assert cls.source == kind


def test_an_unknown_token_kind_cannot_be_constructed():
    with pytest.raises(UnknownTokenSource) as raised:
        token_source("t", {"source": "ftp", "command": ["x"]}, path=None, timeout=None)
    assert raised.value.key == "tokens.t.source"
    assert "expected one of \"client_credentials\", \"env\", \"file\", \"command\"" in \
        str(raised.value)
    with pytest.raises(TypeError):  # the kind is the class, not a field to set
        CommandSource(name="t", command=("x",), source="env")  # type: ignore[call-arg]


def test_each_kind_loads_as_its_own_class_with_its_own_keys(tmp_path):
    from driftcheck.load import load_environments

    (tmp_path / "token").write_text("a.b.c\n")
    (tmp_path / "e.toml").write_text(env_toml("e", "https://idp.example.test", """
        [tokens.grant]
        source = "client_credentials"
        client_id = "c"
        client_secret_env = "S"
        resource = "api://r"
        [tokens.variable]
        source = "env"
        env = "T"
        [tokens.stored]
        source = "file"
        path = "token"
        [tokens.run]
        source = "command"
        command = ["echo", "a.b.c"]
        timeout = "5s"
        """))
    loaded = load_environments([tmp_path], {})
    assert loaded.problems == ()
    tokens = loaded.environments[0].tokens
    assert tokens["grant"] == ClientCredentialsSource(
        name="grant", client_id="c", client_secret_env="S", resource="api://r")
    assert tokens["variable"] == EnvSource(name="variable", env="T")
    assert tokens["stored"] == FileSource(name="stored", path=str(tmp_path / "token"))
    assert tokens["run"] == CommandSource(name="run", command=("echo", "a.b.c"), timeout=5.0)
    assert loaded.environments[0].client_credentials() == {"grant": tokens["grant"]}


@pytest.mark.parametrize("through_schema", [True, False])
def test_an_unknown_token_kind_is_a_config_error_with_file_and_key(
        cli, tmp_path, monkeypatch, through_schema):
    """Refused by the schema; and were the schema to let it through, by the loader too,
    never read as a command."""
    if not through_schema:
        monkeypatch.setattr("driftcheck.load.loader.schema_problems", lambda _document: [])
    marker = tmp_path / "ran"
    (tmp_path / "e.toml").write_text(env_toml("e", "https://idp.example.test", f"""
        [tokens.t]
        source = "ftp"
        command = ["touch", "{marker}"]
        """))
    code, _, err = cli("validate", str(tmp_path / "e.toml"))
    assert code == 2
    assert "e.toml" in err
    assert "tokens.t.source" in err
    assert "ftp" in err
    code, _, err = cli("check", str(tmp_path / "e.toml"), "--format", "json")
    assert code == 2
    assert not marker.exists()


# -- fetch-failure kinds ----------------------------------------------------------------------


def test_failure_kinds_are_the_snapshot_schemas():
    schema = load_schema("snapshot.schema.json")
    responses = schema["properties"]["responses"]["items"]["properties"]
    probes = schema["properties"]["environments"]["additionalProperties"]["properties"][
        "probes"]["items"]["properties"]["cases"]["items"]["properties"]["answer"]["properties"]
    for failure in (responses["failure"], probes["failure"]):
        assert tuple(failure["properties"]["kind"]["enum"]) == FAILURE_KINDS
    assert get_args(FailureKind) == FAILURE_KINDS
    assert failure_kind("dns") == "dns"
    with pytest.raises(ValueError, match="unknown failure class"):
        failure_kind("gremlins")


def test_failure_kinds_need_no_type_ignore_in_collect():
    """Every producer of a FetchFailure in collect is typed with FailureKind."""
    folder = Path(__file__).parents[1] / "driftcheck" / "collect"
    assert "type: ignore" not in (folder / "http.py").read_text()
    assert "FetchFailure(kind, redact(detail, secrets)))  # type" not in \
        (folder / "probes.py").read_text()


def test_a_recorded_failure_kind_round_trips_and_an_unknown_one_is_refused(
        cli, tmp_path, closed_port):
    (tmp_path / "e.toml").write_text(env_toml("e", f"http://127.0.0.1:{closed_port}/idp"))
    snapshot = tmp_path / "snap.toml"
    code, _, _ = cli("snapshot", str(tmp_path / "e.toml"), "-o", str(snapshot))
    document = tomllib.loads(snapshot.read_text())
    kinds = {r["failure"]["kind"] for r in document["responses"] if "failure" in r}
    assert kinds == {"refused"}
    _, live, _ = cli("check", str(tmp_path / "e.toml"), "--format", "json",
                     "--from-snapshot", str(snapshot))
    assert "connection refused" in json.dumps(json.loads(live)["findings"])
    for response in document["responses"]:
        if "failure" in response:
            response["failure"]["kind"] = "gremlins"
    snapshot.write_text(tomli_w.dumps(document))
    code, out, err = cli("check", str(tmp_path / "e.toml"), "--from-snapshot", str(snapshot))
    assert code == 2
    assert out == ""
    assert "snap.toml" in err
    assert "failure.kind" in err
    assert "gremlins" in err
