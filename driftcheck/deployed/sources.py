"""Flat key/value property sources with lines, and how a reader picks the winning value.

Several frameworks (Spring Boot, ASP.NET Core configuration, oauth2-proxy) merge layered
sources (base file, profile file, environment variables): each layer is a `Source` of flat
keys, and `winning` takes the highest layer that sets a key, remembering what it overrode.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from driftcheck.deployed.interface import Origin, Setting, SettingValue
from driftcheck.deployed.yaml_nodes import Intrinsic, YamlList, YamlMap


@dataclass(frozen=True)
class Entry:
    key: str
    """As written in the source."""
    value: Any
    origin: Origin


@dataclass
class Source:
    """One layer: canonical key -> entry."""

    label: str
    entries: dict[str, Entry] = field(default_factory=dict)


def flatten_yaml(document: Any, file: str, canon: Callable[[str], str],
                 prefix: str = "") -> dict[str, Entry]:
    """`a.b.c` keys for nested mappings, and the list itself plus `a.b[0]` for its items."""
    found: dict[str, Entry] = {}
    if isinstance(document, YamlMap):
        for key, value in document.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            line = document.line_of(key)
            if isinstance(value, YamlMap | YamlList):
                if isinstance(value, YamlList):
                    found[canon(path)] = Entry(path, list(value), Origin(file, line,
                                                                         detail=path))
                found.update(flatten_yaml(value, file, canon, path))
            else:
                found[canon(path)] = Entry(path, value, Origin(file, line, detail=path))
    elif isinstance(document, YamlList):
        for index, value in enumerate(document):
            path = f"{prefix}[{index}]"
            if isinstance(value, YamlMap | YamlList):
                found.update(flatten_yaml(value, file, canon, path))
            else:
                found[canon(path)] = Entry(path, value, Origin(file, document.lines[index],
                                                               detail=path))
    return found


def scalar_text(value: Any) -> str | None:
    if value is None or isinstance(value, list | dict | Intrinsic):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def list_value(source: Source, key: str, *, split_commas: bool = True
               ) -> tuple[tuple[str, ...], Origin] | None:
    """A list set in one source: as a list, as `key[0]`, `key[1]`..., or comma-separated."""
    entry = source.entries.get(key)
    if entry is not None:
        if isinstance(entry.value, list):
            return tuple(t for t in (scalar_text(v) for v in entry.value) if t), entry.origin
        text = scalar_text(entry.value)
        if text is not None:
            parts = text.split(",") if split_commas else [text]
            return tuple(p.strip() for p in parts if p.strip()), entry.origin
    indexed: list[tuple[int, Entry]] = []
    for candidate, item in source.entries.items():
        if candidate.startswith(key + "[") and candidate.endswith("]"):
            index = candidate[len(key) + 1:-1]
            if index.isdigit():
                indexed.append((int(index), item))
    if not indexed:
        return None
    indexed.sort(key=lambda pair: pair[0])
    values = tuple(t for t in (scalar_text(e.value) for _, e in indexed) if t)
    return values, indexed[0][1].origin


def winning(field_name: str, sources: Sequence[Source],
            value_of: Callable[[Source], tuple[SettingValue, Origin] | None]
            ) -> Setting | None:
    """The value of the highest source that sets it; lower sources that set it are what it
    overrode."""
    found = [pair for pair in (value_of(s) for s in sources) if pair is not None]
    if not found:
        return None
    value, origin = found[-1]
    return Setting(field_name, value, origin, tuple(o for _, o in found[:-1]))
