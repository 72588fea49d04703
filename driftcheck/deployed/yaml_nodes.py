"""YAML with line numbers, safely: PyYAML composes the node graph (no object construction,
no tags executed), and we build plain values that remember the line of every key and item.

CloudFormation's short-form intrinsics (`!Ref`, `!Sub`, `!GetAtt`, ...) become inert
`Intrinsic` values: parsed, never evaluated.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    from driftcheck.deployed.files import ArtifactFiles

_MAX_NODES = 200_000  # an alias bomb expands to far more; real manifests are far below
_STANDARD = "tag:yaml.org,2002:"


@dataclass(frozen=True)
class Intrinsic:
    """A tagged value such as `!Sub "https://${Domain}/"`: kept as written, not evaluated."""

    tag: str
    value: Any

    def __str__(self) -> str:
        return f"{self.tag} {self.value!r}"


class YamlMap(dict[str, Any]):
    """A mapping that knows its own line and each key's line (1-based)."""

    line: int = 0
    lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.lines.get(key, self.line)


class YamlList(list[Any]):
    line: int = 0
    lines: list[int]


class YamlError(Exception):
    def __init__(self, message: str, line: int | None, column: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


class _Builder:
    def __init__(self) -> None:
        self._constructor = yaml.SafeLoader("")
        self._count = 0

    def build(self, node: yaml.Node) -> Any:
        self._count += 1
        if self._count > _MAX_NODES:
            raise YamlError(f"more than {_MAX_NODES} values (alias expansion?)",
                            node.start_mark.line + 1, node.start_mark.column + 1)
        tag = node.tag or ""
        custom = tag.startswith("!")
        if isinstance(node, yaml.MappingNode):
            mapping = YamlMap()
            mapping.line = node.start_mark.line + 1
            mapping.lines = {}
            for key_node, value_node in node.value:
                key = self.build(key_node)
                if key == "<<" and isinstance(value_node, yaml.MappingNode | yaml.SequenceNode):
                    merged = self.build(value_node)
                    for source in merged if isinstance(merged, list) else [merged]:
                        if isinstance(source, YamlMap):
                            for k, v in source.items():
                                mapping.setdefault(k, v)
                                mapping.lines.setdefault(k, source.line_of(k))
                    continue
                name = key if isinstance(key, str) else str(key)
                mapping[name] = self.build(value_node)
                mapping.lines[name] = key_node.start_mark.line + 1
            return Intrinsic(tag, dict(mapping)) if custom else mapping
        if isinstance(node, yaml.SequenceNode):
            items = YamlList(self.build(item) for item in node.value)
            items.line = node.start_mark.line + 1
            items.lines = [item.start_mark.line + 1 for item in node.value]
            return Intrinsic(tag, list(items)) if custom else items
        if custom:
            return Intrinsic(tag, node.value)
        if not tag.startswith(_STANDARD):
            return node.value
        try:
            return self._constructor.construct_object(node, deep=True)
        except yaml.YAMLError:
            return node.value


# libyaml's composer when PyYAML was built with it (the wheels are): same nodes and marks,
# several times faster than the pure-Python one.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_documents(text: str) -> list[Any]:
    """Every document of a (multi-document) YAML text, with lines; raises `YamlError` with
    the line and column of a syntax error. Parsed once per run and text (the same rendered
    manifest serves several components): callers must not change what it returns."""
    return list(_load_cached(text))


@functools.lru_cache(maxsize=64)
def _load_cached(text: str) -> tuple[Any, ...]:
    try:
        nodes = list(yaml.compose_all(text, Loader=_LOADER))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        raise YamlError(f"invalid YAML: {problem}", mark.line + 1 if mark else None,
                        mark.column + 1 if mark else None) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"invalid YAML: {exc}", None, None) from None
    except RecursionError:
        raise YamlError("invalid YAML: nested too deeply", None, None) from None
    builder = _Builder()
    try:
        return tuple(builder.build(node) for node in nodes if node is not None)
    except RecursionError:
        raise YamlError("YAML nested too deeply", None, None) from None


def yaml_files(files: ArtifactFiles, patterns: Iterable[str]) -> Iterator[tuple[Path, list[Any]]]:
    """(path, its YAML documents) for each file the patterns name; a file that cannot be read
    or parsed is recorded as a problem (with line and column) and skipped."""
    for path in files.expand(patterns):
        text = files.read_text(path)
        if text is None:
            continue
        try:
            documents = load_documents(text)
        except YamlError as exc:
            files.problem(path, exc.message, exc.line, exc.column)
            continue
        yield path, documents
