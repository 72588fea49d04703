"""The environment file's JSON Schema for people and editors: `driftcheck schema [--partial]`,
the partial schema for defaults files, and docs/environment-file.md, all generated from
schemas/environment.schema.json (tests/test_authoring.py keeps them in sync)."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator, Mapping
from typing import Any

from driftcheck.resources import load_schema

SCHEMA_FILE = "environment.schema.json"
PARTIAL_FILE = "environment.partial.schema.json"


def environment_schema() -> dict[str, Any]:
    return copy.deepcopy(load_schema(SCHEMA_FILE))


def _drop_required(node: Any) -> None:
    if isinstance(node, dict):
        node.pop("required", None)
        for value in node.values():
            _drop_required(value)
    elif isinstance(node, list):
        for value in node:
            _drop_required(value)


def partial_schema() -> dict[str, Any]:
    """The schema of a file meant to be completed by another: `_defaults.toml` and anything
    used through `extends`. Same keys and types, nothing required."""
    schema = environment_schema()
    _drop_required(schema)
    schema["$id"] = schema["$id"].replace(SCHEMA_FILE, PARTIAL_FILE)
    schema["title"] = "driftcheck environment defaults (partial environment file)"
    schema["description"] = ("A file that environment files extend (`extends = "
                             "\"_defaults.toml\"`): any subset of an environment file's keys; "
                             "the merged result must match environment.schema.json.")
    return schema


def schema_text(*, partial: bool = False) -> str:
    return json.dumps(partial_schema() if partial else environment_schema(), indent=2,
                      ensure_ascii=False) + "\n"


# -- docs/environment-file.md ----------------------------------------------------------------

def _resolve(node: Mapping[str, Any], schema: Mapping[str, Any]) -> Mapping[str, Any]:
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        return {**schema["$defs"][ref.rsplit("/", 1)[1]], **{k: v for k, v in node.items()
                                                               if k != "$ref"}}
    return node


def _type_text(node: Mapping[str, Any], schema: Mapping[str, Any]) -> str:
    ref = node.get("$ref")
    if ref == "#/$defs/duration":
        return "duration"
    if ref == "#/$defs/json_pointer":
        return "JSON Pointer"
    if ref == "#/$defs/algorithm":
        return "algorithm"
    resolved = _resolve(node, schema)
    if "enum" in resolved:
        return " \\| ".join(f"`{json.dumps(v)}`" for v in resolved["enum"])
    kind = resolved.get("type")
    if kind == "array":
        items = resolved.get("items", {})
        return f"array of {_type_text(items, schema)}" if isinstance(items, dict) else "array"
    if isinstance(kind, list):
        return " or ".join(kind)
    return str(kind or "any")


def _rows(node: Mapping[str, Any], schema: Mapping[str, Any], prefix: str
          ) -> Iterator[tuple[str, str, bool, str]]:
    """(key path, type, required, description) for every key, tables before their keys."""
    node = _resolve(node, schema)
    required = set(node.get("required", ()))
    for name, child in node.get("properties", {}).items():
        path = f"{prefix}{name}"
        resolved = _resolve(child, schema)
        yield path, _type_text(child, schema), name in required, child.get(
            "description", resolved.get("description", ""))
        if resolved.get("type") == "object" and "properties" in resolved:
            yield from _rows(resolved, schema, f"{path}.")
        extra = resolved.get("additionalProperties")
        if isinstance(extra, dict):
            yield from _rows(extra, schema, f"{path}.NAME.")


_HEADER = """# Environment file reference

<!-- Generated from schemas/environment.schema.json by `driftcheck schema --markdown`;
     do not edit by hand. tests/test_authoring.py fails when this file is out of date. -->

One TOML file per environment (`environments/*.toml`); a file whose name starts with `_`
holds shared defaults that environment files inherit with `extends = "_defaults.toml"`.
Point editors at the schema with a first line `#:schema ../schemas/environment.schema.json`
(defaults files: `#:schema ../schemas/environment.partial.schema.json`), or write it
anywhere with `driftcheck schema [--partial] -o FILE`. `driftcheck validate` checks files
offline: the schema, references between sections (`for_api`, a frontend's `api`,
`upstream_apis`), URLs, and the secret variables a `check` would need.

Values may reference environment variables as `${NAME}` (or `${NAME:-default}`); secrets and
tokens come only from environment variables, files or commands, never inline. Durations are
strings such as `"90s"`, `"10m"`, `"24h"` or `"1h30m"`. `NAME` in a key stands for a name
you choose (`apis.orders`, `tokens.probe`).

| key | type | required | description |
| --- | --- | --- | --- |
"""


def environment_file_markdown() -> str:
    schema = environment_schema()
    lines = [f"| `{path}` | {kind} | {'yes' if required else ''} | "
             f"{description.replace('|', '/')} |"
             for path, kind, required, description in _rows(schema, schema, "")]
    return _HEADER + "\n".join(lines) + "\n"


def undocumented_keys() -> list[str]:
    """Key paths whose schema entry has no description (a test keeps this empty)."""
    schema = environment_schema()
    return [path for path, _, _, description in _rows(schema, schema, "") if not description]
