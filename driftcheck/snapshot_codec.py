"""Observations <-> TOML tables, derived from the dataclasses' own fields.

Every field of every dataclass reachable from `Observations` is written under its name and
read back by the same walk over `dataclasses.fields`, so a field added to an observation is
recorded and replayed without touching this module (and the snapshot schema, which rejects
unknown keys, says at once that it needs the new key). The few places where the on-disk
format is not the plain walk are declared once, in `FORMAT`.

The plain walk: a dataclass is a table; a field equal to its default, or None, is left out
(TOML has no null); a tuple is an array; a mapping is a table; an Enum is its value.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from functools import cache
from typing import Any, Literal, Union

from driftcheck.deployed.interface import DisabledCheck, Origin, Setting
from driftcheck.errors import SnapshotError
from driftcheck.load.schema_messages import key_path
from driftcheck.observations import (
    EnvironmentObservation,
    HttpObservation,
    Observations,
    ProbeObservation,
    TokenObservation,
)

KeyPath = tuple[str | int, ...]
Context = Mapping[str, str]


@dataclass(frozen=True)
class Stored:
    """How one field is stored where the snapshot format is not the plain walk."""

    key: str | None = None
    """The TOML key, when it is not the field's name."""
    json_text: bool = False
    """Stored as JSON text: the value may hold nulls anywhere (bodies, claims), TOML none."""
    implied: str | None = None
    """Not stored: the value is the enclosing entry's name of this kind ("environment")."""
    names: str | None = None
    """A mapping whose keys name the entries inside it (their `implied` fields)."""
    keyed_by: str | None = None
    """A mapping stored as an array of its values; each value's field of this name is its key."""
    absent: Callable[[Mapping[str, Any]], Any] | None = None
    """What a file without the key means (files written before the field was required)."""
    always: bool = False
    """Written even when it is the default (the schema requires the key)."""


FORMAT: Mapping[tuple[type, str], Stored] = {
    (Observations, "responses"): Stored(keyed_by="url", always=True),
    (Observations, "environments"): Stored(names="environment", always=True),
    (EnvironmentObservation, "environment"): Stored(implied="environment"),
    (TokenObservation, "environment"): Stored(implied="environment"),
    (ProbeObservation, "environment"): Stored(implied="environment"),
    (HttpObservation, "body"): Stored(key="body_json", json_text=True),
    (HttpObservation, "final_url"): Stored(absent=lambda table: table["url"]),
    (HttpObservation, "elapsed_ms"): Stored(absent=lambda _: 0.0),
    (HttpObservation, "received_at"): Stored(absent=lambda _: 0.0),
    (TokenObservation, "header"): Stored(key="header_json", json_text=True),
    (TokenObservation, "claims"): Stored(key="claims_json", json_text=True),
    (Setting, "value"): Stored(key="value_json", json_text=True),
    (Setting, "origin"): Stored(absent=lambda _: Origin()),
    (DisabledCheck, "origin"): Stored(absent=lambda _: Origin()),
}

_PLAIN = Stored()
_MISSING = object()


@dataclass(frozen=True)
class FieldPlan:
    name: str
    key: str
    type: Any
    stored: Stored
    default: Any
    """The field's default (a fresh one for a default_factory), `_MISSING` when required."""
    shape: _Shape


@cache
def plan(cls: type) -> tuple[FieldPlan, ...]:
    """How each field of `cls` is written and read. Raises TypeError for a field the walk
    could not read back exactly (found by the tests, never at run time)."""
    hints = typing.get_type_hints(cls)
    plans = []
    for f in dataclasses.fields(cls):
        stored = FORMAT.get((cls, f.name), _PLAIN)
        if f.default is not dataclasses.MISSING:
            default = f.default
        elif f.default_factory is not dataclasses.MISSING:
            default = f.default_factory()
        else:
            default = _MISSING
        tp = hints[f.name]
        if default not in (_MISSING, None) and _optional(tp) and not stored.implied:
            raise TypeError(f"{cls.__name__}.{f.name}: None cannot be stored (TOML has no "
                            "null) and absence already means the default")
        if not stored.json_text:
            _check_storable(tp, f"{cls.__name__}.{f.name}")
        plans.append(FieldPlan(f.name, stored.key or f.name, tp, stored, default, _shape(tp)))
    return tuple(plans)


def reachable(cls: type = Observations) -> list[type]:
    """Every dataclass a snapshot stores, starting at `cls`."""
    found: list[type] = []

    def visit(tp: Any) -> None:
        if _is_dataclass(tp):
            if tp in found:
                return
            found.append(tp)
            for p in plan(tp):
                visit(p.type)
        for arg in typing.get_args(tp):
            visit(arg)

    visit(cls)
    return found


# Writing


def encode(value: Any, tp: Any, context: Context | None = None) -> Any:
    """`value` of declared type `tp` as TOML data (tables, arrays, scalars)."""
    context = context or {}
    shape = _shape(tp)
    if shape.kind == "scalar":
        return value
    if shape.kind == "table":
        return _encode_table(value, shape.type, context)
    if shape.kind == "array":
        return [encode(item, shape.item, context) for item in value]
    if shape.kind == "mapping":
        keys = list(value) if _shape(shape.item).kind == "scalar" else sorted(value)
        return {k: encode(value[k], shape.item, context) for k in keys}
    return value.value  # an Enum


def _encode_table(value: Any, cls: type, context: Context) -> dict[str, Any]:
    table: dict[str, Any] = {}
    for p in plan(cls):
        field_value = getattr(value, p.name)
        stored = p.stored
        if stored.implied:
            if field_value != context.get(stored.implied):
                raise ValueError(f"{cls.__name__}.{p.name} is {field_value!r}, but it is "
                                 f"stored inside {stored.implied} {context.get(stored.implied)!r}")
            continue
        if field_value is None or (p.default is not _MISSING and field_value == p.default
                                   and not stored.always):
            continue  # absent means None or the default
        if stored.json_text:
            # ASCII: a lone surrogate ("\\ud800" is valid JSON) cannot be written as UTF-8.
            table[p.key] = json.dumps(field_value, sort_keys=True, ensure_ascii=True,
                                      default=_json_mapping)
        elif stored.keyed_by:
            table[p.key] = [_encode_keyed(key, field_value[key], p, context)
                            for key in sorted(field_value)]
        elif stored.names:
            value_type = _shape(p.type).item
            table[p.key] = {key: encode(field_value[key], value_type,
                                        {**context, stored.names: key})
                            for key in sorted(field_value)}
        elif p.shape.kind == "scalar":
            table[p.key] = field_value
        else:
            table[p.key] = encode(field_value, p.type, context)
    return table


def _encode_keyed(key: str, item: Any, p: FieldPlan, context: Context) -> Any:
    if getattr(item, str(p.stored.keyed_by)) != key:
        raise ValueError(f"{p.name}[{key!r}] holds {p.stored.keyed_by} "
                         f"{getattr(item, str(p.stored.keyed_by))!r}")
    return encode(item, _shape(p.type).item, context)


def _json_mapping(value: Any) -> Any:
    """JSON text of a mapping that is not a dict (json writes dicts, lists and tuples)."""
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


# Reading


def decode(raw: Any, tp: Any, where: str, path: KeyPath = (),
           context: Context | None = None) -> Any:
    """The inverse of `encode`; errors name `where` and the key path."""
    context = context or {}
    shape = _shape(tp)
    if shape.kind == "table":
        return _decode_table(_expect(raw, dict, "a table", where, path), shape.type, where,
                             path, context)
    if shape.kind == "array":
        items = _expect(raw, list, "an array", where, path)
        return tuple(decode(item, shape.item, where, (*path, i), context)
                     for i, item in enumerate(items))
    if shape.kind == "mapping":
        table = _expect(raw, dict, "a table", where, path)
        return {k: decode(v, shape.item, where, (*path, k), context) for k, v in table.items()}
    return _scalar(raw, shape.type, where, path)


def _decode_table(table: Mapping[str, Any], cls: type, where: str, path: KeyPath,
                  context: Context) -> Any:
    values: dict[str, Any] = {}
    for p in plan(cls):
        stored, at = p.stored, (*path, p.key)
        if stored.implied:
            values[p.name] = context[stored.implied]
        elif p.key not in table:
            if p.default is not _MISSING:
                continue
            if stored.absent is not None:
                values[p.name] = stored.absent(table)
            elif _optional(p.type):
                values[p.name] = None
            else:
                raise SnapshotError(f"{where}: {key_path(at)}: missing")
        elif stored.json_text:
            text = _expect(table[p.key], str, "JSON text", where, at)
            values[p.name] = _from_plain(_loads(text, where, at), p.type)
        elif stored.keyed_by:
            items = _expect(table[p.key], list, "an array", where, at)
            value_type = _shape(p.type).item
            decoded = [decode(item, value_type, where, (*at, i), context)
                       for i, item in enumerate(items)]
            values[p.name] = {getattr(item, stored.keyed_by): item for item in decoded}
        elif stored.names:
            entries = _expect(table[p.key], dict, "a table", where, at)
            value_type = _shape(p.type).item
            values[p.name] = {key: decode(entry, value_type, where, (*at, key),
                                          {**context, stored.names: key})
                              for key, entry in entries.items()}
        else:
            values[p.name] = decode(table[p.key], p.type, where, at, context)
    return cls(**values)


def _scalar(raw: Any, tp: Any, where: str, path: KeyPath) -> Any:
    if typing.get_origin(tp) is Literal:
        if raw not in typing.get_args(tp):
            choices = ", ".join(repr(a) for a in typing.get_args(tp))
            raise SnapshotError(f"{where}: {key_path(path)}: expected one of {choices}")
        return raw
    if isinstance(tp, type) and issubclass(tp, Enum):
        try:
            return tp(raw)
        except ValueError:
            raise SnapshotError(f"{where}: {key_path(path)}: expected one of "
                                f"{', '.join(repr(m.value) for m in tp)}") from None
    if tp is float and isinstance(raw, int) and not isinstance(raw, bool):
        return float(raw)
    expected = {str: "a string", int: "an integer", float: "a number", bool: "a boolean"}
    if tp in expected:
        if not isinstance(raw, tp) or (tp is int and isinstance(raw, bool)):
            raise SnapshotError(f"{where}: {key_path(path)}: expected {expected[tp]}")
        return raw
    raise TypeError(f"{tp!r} is not a type a snapshot stores")  # a new kind of field


def _loads(text: str, where: str, path: KeyPath) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        raise SnapshotError(f"{where}: {key_path(path)}: expected JSON text") from None
    except RecursionError:  # what a live fetch refuses as not JSON cannot be replayed either
        raise SnapshotError(f"{where}: {key_path(path)}: JSON nested too deeply") from None


def _from_plain(value: Any, tp: Any) -> Any:
    """JSON arrays back into the tuples the declared type holds (a setting's list value)."""
    if isinstance(value, list):
        arms = typing.get_args(tp) if _is_union(tp) else (tp,)
        for arm in arms:
            if typing.get_origin(arm) is tuple:
                return tuple(_from_plain(v, typing.get_args(arm)[0]) for v in value)
    return value


def _expect(raw: Any, kind: type, what: str, where: str, path: KeyPath) -> Any:
    if not isinstance(raw, kind):
        raise SnapshotError(f"{where}: {key_path(path) or '(top)'}: expected {what}")
    return raw


# Types


@dataclass(frozen=True)
class _Shape:
    kind: Literal["table", "array", "mapping", "enum", "scalar"]
    type: Any
    """The declared type without None."""
    item: Any = None
    """An array's element type, a mapping's value type."""


@cache
def _shape(tp: Any) -> _Shape:
    """What the walk does with a declared type (worked out once per type)."""
    inner = _without_none(tp)
    origin, args = typing.get_origin(inner), typing.get_args(inner)
    if _is_dataclass(inner):
        return _Shape("table", inner)
    if origin is tuple:
        return _Shape("array", inner, args[0])
    if origin in (Mapping, dict):
        return _Shape("mapping", inner, args[1])
    if isinstance(inner, type) and issubclass(inner, Enum):
        return _Shape("enum", inner)
    return _Shape("scalar", inner)


def _check_storable(tp: Any, name: str) -> None:
    """The walk reads back exactly: dataclasses, str/int/float/bool, Literal, Enum, X | None,
    tuple[X, ...] and Mapping[str, X]. Anything else (Any, a union of several types) has to
    be declared JSON text in `FORMAT`."""
    inner = _without_none(tp)
    origin, args = typing.get_origin(inner), typing.get_args(inner)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        _check_storable(args[0], name)
    elif origin in (Mapping, dict) and args[0] is str:
        _check_storable(args[1], name)
    elif not (_is_dataclass(inner) or origin is Literal or inner in (str, int, float, bool)
              or (isinstance(inner, type) and issubclass(inner, Enum))):
        raise TypeError(f"{name}: {tp!r} cannot be stored by the plain walk: declare it as "
                        "JSON text (or teach the walk the type) in driftcheck/snapshot_codec.py")


def _is_dataclass(tp: Any) -> bool:
    return isinstance(tp, type) and dataclasses.is_dataclass(tp)


def _is_union(tp: Any) -> bool:
    return typing.get_origin(tp) in (Union, types.UnionType)


def _optional(tp: Any) -> bool:
    return _is_union(tp) and type(None) in typing.get_args(tp)


def _without_none(tp: Any) -> Any:
    if not _optional(tp):
        return tp
    arms = [a for a in typing.get_args(tp) if a is not type(None)]
    return arms[0] if len(arms) == 1 else Union[tuple(arms)]  # noqa: UP007
