"""Snapshots round-trip by construction: any Observations survives write -> read unchanged.

The values are built from the observation dataclasses' own fields (the same walk the codec
uses), so a field added to any observation is generated, written and compared here without
touching this file. Where the snapshot schema narrows a type (a fingerprint's pattern, a
probe's method), `NARROWED` says so.
"""

from __future__ import annotations

import dataclasses
import json
import tomllib
import types
import typing
from collections.abc import Mapping
from enum import Enum
from pathlib import Path
from typing import Any, Literal

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from driftcheck import snapshot_codec
from driftcheck.deployed.interface import Origin
from driftcheck.errors import SnapshotError
from driftcheck.observations import (
    HttpObservation,
    Observations,
    ProbeObservation,
    TokenObservation,
)
from driftcheck.resources import load_schema
from driftcheck.snapshot import read_snapshots, write_snapshot
from driftcheck.snapshot_codec import Stored, plan, reachable
from tests.conftest import env_toml

PROPERTY = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow, HealthCheck.data_too_large])
INT64 = 2**63 - 1  # TOML integers are 64-bit

# Where the snapshot schema is narrower than the field's type: (strategy, witness value).
NARROWED: Mapping[tuple[type, str], tuple[st.SearchStrategy[Any], Any]] = {
    (TokenObservation, "fingerprint"): (st.from_regex(r"[0-9a-f]{12}", fullmatch=True),
                                        "0123456789ab"),
    (ProbeObservation, "method"): (st.sampled_from(("GET", "HEAD")), "HEAD"),
    (Origin, "line"): (st.integers(1, INT64), 3),
}

# JSON as a live fetch parses it: nulls anywhere, big integers, lone surrogates from \ud800.
JSON_TEXT = st.text() | st.sampled_from(("\ud800", "a\udfffb", ""))
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | JSON_TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(JSON_TEXT, inner, max_size=3),
    max_leaves=8)


def _inner(tp: Any) -> Any:
    args = [a for a in typing.get_args(tp) if a is not type(None)]
    return args[0] if len(args) == 1 else typing.Union[tuple(args)]  # noqa: UP007


def _optional(tp: Any) -> bool:
    return type(None) in typing.get_args(tp)


def values(tp: Any, context: Mapping[str, str]) -> st.SearchStrategy[Any]:
    """Every value of type `tp` a snapshot must keep."""
    if tp is Any:
        return JSON
    if _optional(tp):
        return st.none() | values(_inner(tp), context)
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        return st.one_of(*(values(a, context) for a in args))
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        return _instances(tp, context)
    if origin is tuple:
        return st.lists(values(args[0], context), max_size=2).map(tuple)
    if origin in (Mapping, dict):
        return st.dictionaries(st.text(max_size=8), values(args[1], context), max_size=2)
    if origin is Literal:
        return st.sampled_from(args)
    if isinstance(tp, type) and issubclass(tp, Enum):
        return st.sampled_from(list(tp))
    scalars: dict[Any, st.SearchStrategy[Any]] = {
        str: st.text(max_size=12), int: st.integers(0, INT64), bool: st.booleans(),
        float: st.floats(allow_nan=False)}
    return scalars[tp]


def _instances(cls: type, context: Mapping[str, str]) -> st.SearchStrategy[Any]:
    fields: dict[str, st.SearchStrategy[Any]] = {}
    for p in plan(cls):
        stored = p.stored
        if stored.implied:
            fields[p.name] = st.just(context[stored.implied])
        elif (cls, p.name) in NARROWED:
            strategy = NARROWED[cls, p.name][0]
            fields[p.name] = st.none() | strategy if _optional(p.type) else strategy
        elif stored.keyed_by:
            fields[p.name] = _keyed(p.type, stored.keyed_by, context)
        elif stored.names:
            fields[p.name] = _named(p.type, stored.names, context)
        else:
            fields[p.name] = values(p.type, context)
    return st.fixed_dictionaries(fields).map(lambda kwargs: cls(**kwargs))


def _keyed(tp: Any, key: str, context: Mapping[str, str]) -> st.SearchStrategy[Any]:
    items = st.lists(values(typing.get_args(tp)[1], context), max_size=2)
    return items.map(lambda found: {getattr(item, key): item for item in found})


def _named(tp: Any, name: str, context: Mapping[str, str]) -> st.SearchStrategy[Any]:
    value_type = typing.get_args(tp)[1]

    def entries(keys: list[str]) -> st.SearchStrategy[dict[str, Any]]:
        return st.fixed_dictionaries({k: values(value_type, {**context, name: k})
                                      for k in keys})
    return st.lists(st.text(max_size=8), max_size=2, unique=True).flatmap(entries)


def round_trip(observations: Observations, folder: Path) -> Observations:
    write_snapshot(folder / "snap.toml", observations)
    return read_snapshots([folder / "snap.toml"])


@PROPERTY
@given(observations=_instances(Observations, {}))
def test_any_observations_survive_write_and_read(observations: Observations,
                                                 tmp_path: Path) -> None:
    assert round_trip(observations, tmp_path) == observations


# One deterministic instance where every field of every stored dataclass differs from its
# default: a field the snapshot drops fails here by name.

def witness(tp: Any, owner: tuple[type, str] | None = None, default: Any = None,
            context: Mapping[str, str] | None = None) -> Any:
    context = context or {}
    if owner in NARROWED:
        return NARROWED[owner][1]
    if tp is Any:
        return {"list": [None, 1, 2.5, True, "\ud800"], "null": None}
    if _optional(tp):
        return witness(_inner(tp), owner, default, context)
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        arm = next((a for a in args if typing.get_origin(a) is tuple), args[0])
        return witness(arm, owner, default, context)
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        return _witness_instance(tp, context)
    if origin is tuple:
        return (witness(args[0], owner, None, context),)
    if origin in (Mapping, dict):
        return {"k": witness(args[1], owner, None, context)}
    if origin is Literal:
        return next(a for a in reversed(args) if a != default)
    if isinstance(tp, type) and issubclass(tp, Enum):
        return next(m for m in reversed(list(tp)) if m != default)
    name = owner[1] if owner else "value"
    scalars: dict[Any, Any] = {str: f"w-{name}", int: 7, float: 1.5, bool: default is not True}
    return scalars[tp]


def _witness_instance(cls: type, context: Mapping[str, str]) -> Any:
    kwargs: dict[str, Any] = {}
    for p in plan(cls):
        stored, default = p.stored, (None if p.default is snapshot_codec._MISSING else p.default)
        if stored.implied:
            kwargs[p.name] = context[stored.implied]
        elif stored.keyed_by:
            item = witness(typing.get_args(p.type)[1], None, None, context)
            kwargs[p.name] = {getattr(item, stored.keyed_by): item}
        elif stored.names:
            kwargs[p.name] = {"dev": witness(typing.get_args(p.type)[1], None, None,
                                             {**context, stored.names: "dev"})}
        else:
            kwargs[p.name] = witness(p.type, (cls, p.name), default, context)
    return cls(**kwargs)


FULL: Observations = witness(Observations)


def stored_fields() -> list[tuple[type, snapshot_codec.FieldPlan]]:
    return [(cls, p) for cls in reachable() for p in plan(cls)]


@pytest.mark.parametrize(("owner", "field"), stored_fields(),
                         ids=[f"{c.__name__}.{p.name}" for c, p in stored_fields()])
def test_every_field_is_written_and_read_back(owner: type, field: snapshot_codec.FieldPlan,
                                              tmp_path: Path) -> None:
    found = [value for value in _instances_in(FULL) if type(value) is owner]
    assert found, f"{owner.__name__} is not in the full witness"
    assert all(getattr(v, field.name) != field.default for v in found), \
        f"{owner.__name__}.{field.name} keeps its default in the witness"
    back = round_trip(FULL, tmp_path)
    document = tomllib.loads((tmp_path / "snap.toml").read_text())
    if not field.stored.implied:
        assert _key_written(document, owner, field.key), \
            f"{owner.__name__}.{field.name} is not in the snapshot"
    assert [getattr(v, field.name) for v in _instances_in(back) if type(v) is owner] == \
        [getattr(v, field.name) for v in found]


def _instances_in(value: Any) -> list[Any]:
    """Every dataclass instance inside `value`, depth first."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [value, *(x for f in dataclasses.fields(value)
                         for x in _instances_in(getattr(value, f.name)))]
    if isinstance(value, tuple | list):
        return [x for v in value for x in _instances_in(v)]
    if isinstance(value, Mapping):
        return [x for v in value.values() for x in _instances_in(v)]
    return []


def _key_written(document: Any, owner: type, key: str) -> bool:
    """Whether `key` is in some table of the document that holds only keys of `owner`
    (the tables where an `owner` is stored)."""
    expected = {p.key for p in plan(owner) if not p.stored.implied}
    tables: list[Any] = [document]
    while tables:
        table = tables.pop()
        if isinstance(table, dict):
            if key in table and set(table) <= expected | {"version", "tool", "written_at"}:
                return True
            tables.extend(table.values())
        elif isinstance(table, list):
            tables.extend(table)
    return False


def test_the_full_witness_round_trips(tmp_path: Path) -> None:
    assert round_trip(FULL, tmp_path) == FULL


def test_a_field_the_codec_drops_is_caught(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The guard is not vacuous: a codec that forgets one field fails the round trip."""
    real = plan.__wrapped__

    def forgetful(cls: type) -> tuple[snapshot_codec.FieldPlan, ...]:
        plans = real(cls)
        return tuple(p for p in plans if (cls, p.name) != (TokenObservation, "hmac"))

    monkeypatch.setattr(snapshot_codec, "plan", forgetful)
    back = round_trip(FULL, tmp_path)
    assert back != FULL
    assert back.environments["dev"].tokens[0].hmac is None


@pytest.mark.parametrize(("field_type", "default", "message"), [
    (Any, None, "declare it as JSON text"),
    (int | str, 0, "declare it as JSON text"),
    (int | None, 5, "None cannot be stored"),
    (dict[int, str], None, "declare it as JSON text"),
])
def test_a_field_the_walk_cannot_read_back_is_refused(field_type: Any, default: Any,
                                                      message: str) -> None:
    field = dataclasses.field() if default is None else dataclasses.field(default=default)
    cls = dataclasses.make_dataclass("NewObservation", [("value", field_type, field)],
                                     frozen=True)
    with pytest.raises(TypeError, match=message):
        plan(cls)


def test_json_text_with_a_lone_surrogate_is_written(tmp_path: Path) -> None:
    """`{"sub": "\\ud800"}` is valid JSON; the snapshot keeps it (as an ASCII escape)."""
    url = "https://idp.example.test/.well-known/openid-configuration"
    seen = Observations(1.0, {url: HttpObservation(url, url, 200, 1.0, 1.0,
                                                   body={"issuer": "a\ud800b"})})
    assert round_trip(seen, tmp_path) == seen
    assert "\\\\ud800" in (tmp_path / "snap.toml").read_text()


def test_json_text_that_is_not_json_names_its_key_path(tmp_path: Path) -> None:
    url = "https://idp.example.test/d"
    write_snapshot(tmp_path / "snap.toml", Observations(1.0, {url: HttpObservation(
        url, url, 200, 1.0, 1.0, body={"a": 1})}))
    text = (tmp_path / "snap.toml").read_text().replace('{\\"a\\": 1}', "{not json")
    (tmp_path / "snap.toml").write_text(text)
    with pytest.raises(SnapshotError, match=r"snap\.toml: responses\[0\]\.body_json: "
                                            r"expected JSON text"):
        read_snapshots([tmp_path / "snap.toml"])


def test_format_declares_only_real_fields() -> None:
    """Every exception to the plain walk names a field that exists (renames never dangle)."""
    for (cls, name), stored in snapshot_codec.FORMAT.items():
        assert name in {f.name for f in dataclasses.fields(cls)}, f"{cls.__name__}.{name}"
        assert stored != Stored(), f"{cls.__name__}.{name} declares nothing"



def test_a_live_document_with_a_lone_surrogate_is_recorded_and_replayed(static_server, cli,
                                                                        tmp_path: Path) -> None:
    """A server may send `"\\ud800"` (valid JSON, not valid UTF-8 once decoded): recording it
    used to fail with UnicodeEncodeError; now it is kept as an escape and replays the same."""
    issuer = static_server.serve_idp("/t", {"keys": []})
    document = json.dumps({"issuer": issuer, "jwks_uri": issuer + "/jwks",
                           "token_endpoint_auth_methods_supported": ["\ud800"]})
    static_server.route("/t/.well-known/openid-configuration", body=document)
    (tmp_path / "t.toml").write_text(env_toml("t", issuer))
    code, live, err = cli("check", str(tmp_path / "t.toml"), "--format", "json",
                          "--snapshot-out", str(tmp_path / "snap.toml"))
    assert code in (0, 1), err
    _, replayed, _ = cli("check", str(tmp_path / "t.toml"), "--format", "json",
                         "--from-snapshot", str(tmp_path / "snap.toml"))
    without_time = lambda report: {**json.loads(report), "generated_at": None}  # noqa: E731
    assert without_time(replayed) == without_time(live)
    seen = read_snapshots([tmp_path / "snap.toml"]).responses[
        issuer + "/.well-known/openid-configuration"]
    assert seen.body["token_endpoint_auth_methods_supported"] == ["\ud800"]


def test_the_snapshot_schema_names_exactly_the_stored_fields() -> None:
    """Both ways: every stored field has its key in `schemas/snapshot.schema.json` (else
    files with it are refused), and every key there is a field (none left after a rename)."""
    schema = load_schema("snapshot.schema.json")
    visited: set[type] = set()

    def resolve(node: Mapping[str, Any]) -> Mapping[str, Any]:
        while "$ref" in node:
            node = schema["$defs"][node["$ref"].rsplit("/", 1)[1]]
        return node

    def walk(node: Mapping[str, Any], tp: Any, where: str) -> None:
        node, inner = resolve(node), _inner(tp) if _optional(tp) else tp
        origin, args = typing.get_origin(inner), typing.get_args(inner)
        if dataclasses.is_dataclass(inner) and isinstance(inner, type):
            visited.add(inner)
            stored = {p.key: p for p in plan(inner) if not p.stored.implied}
            envelope = {"version", "tool", "written_at"} if inner is Observations else set()
            assert set(node["properties"]) == set(stored) | envelope, where
            for key, p in stored.items():
                child = node["properties"][key]
                if p.stored.json_text:
                    assert resolve(child)["type"] == "string", f"{where}.{key}"
                elif p.stored.keyed_by:
                    walk(resolve(child)["items"], typing.get_args(p.type)[1], f"{where}.{key}")
                elif p.stored.names:
                    walk(resolve(child)["additionalProperties"], typing.get_args(p.type)[1],
                         f"{where}.{key}")
                else:
                    walk(child, p.type, f"{where}.{key}")
        elif origin is tuple:
            walk(node["items"], args[0], f"{where}[]")
        elif origin in (Mapping, dict):
            walk(node["additionalProperties"], args[1], f"{where}.*")

    walk(schema, Observations, "(top)")
    assert visited == set(reachable())


@settings(PROPERTY, max_examples=20)
@given(first=_instances(Observations, {}), second=_instances(Observations, {}))
def test_shards_merge_every_field(first: Observations, second: Observations,
                                  tmp_path: Path) -> None:
    """Merging keeps every field: a file merged with itself is itself, and two files give
    every entry of both (the later file's entry wins) from the earlier start."""
    write_snapshot(tmp_path / "a.toml", first)
    write_snapshot(tmp_path / "b.toml", second)
    assert read_snapshots([tmp_path / "a.toml", tmp_path / "a.toml"]) == first
    merged = read_snapshots([tmp_path / "a.toml", tmp_path / "b.toml"])
    assert merged.collected_at == min(first.collected_at, second.collected_at)
    for f in dataclasses.fields(Observations):
        if f.name != "collected_at":
            assert getattr(merged, f.name) == {**getattr(first, f.name),
                                               **getattr(second, f.name)}, f.name



class Colour(Enum):
    RED = "red"
    BLUE = "blue"


@dataclasses.dataclass(frozen=True)
class Sample:
    """A shape no observation has yet: an Enum, a nested optional dataclass, int tuples."""

    colour: Colour
    counts: tuple[int, ...] = ()
    weights: Mapping[str, float] = dataclasses.field(default_factory=dict)
    child: Sample | None = None


def test_the_walk_handles_enums_and_nested_optional_dataclasses() -> None:
    sample = Sample(Colour.BLUE, (1, 2), {"a": 1.5}, Sample(Colour.RED, weights={"b": 2.0}))
    table = snapshot_codec.encode(sample, Sample)
    assert table == {"colour": "blue", "counts": [1, 2], "weights": {"a": 1.5},
                     "child": {"colour": "red", "weights": {"b": 2.0}}}
    assert snapshot_codec.decode(tomllib.loads(tomli_w.dumps(table)), Sample, "x") == sample
    with pytest.raises(SnapshotError, match=r"x: child\.colour: expected one of 'red', 'blue'"):
        snapshot_codec.decode({"colour": "red", "child": {"colour": "green"}}, Sample, "x")
