"""Readings in a snapshot: what the deployed artifacts said, written and read back exactly,
so that `--from-snapshot` judges the same deployed values without the files."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from driftcheck.deployed.interface import DisabledCheck, Origin, Reading, Setting
from driftcheck.deployed.problems import ArtifactProblem
from driftcheck.errors import SnapshotError


def _compact(table: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in table.items() if v is not None and v != () and v != []}


def _origin(origin: Origin) -> dict[str, Any]:
    return _compact({"file": origin.file, "line": origin.line, "default": origin.default,
                     "detail": origin.detail})


def _reading(reading: Reading) -> dict[str, Any]:
    return _compact({
        "component": reading.component,
        "kind": reading.kind,
        "files": list(reading.files),
        "settings": [_compact({
            "field": s.field,
            "value_json": json.dumps(list(s.value) if isinstance(s.value, tuple) else s.value),
            "origin": _origin(s.origin),
            "overrode": [_origin(o) for o in s.overrode]}) for s in reading.settings],
        "disabled": [{"check": d.check, "message": d.message, "origin": _origin(d.origin)}
                     for d in reading.disabled],
        "problems": [_compact({"file": p.file, "message": p.message, "line": p.line,
                               "column": p.column, "unresolved": p.unresolved or None})
                     for p in reading.problems],
        "notes": list(reading.notes),
    })


def readings_document(deployed: Mapping[str, tuple[Reading, ...]]) -> dict[str, Any]:
    return {name: [_reading(r) for r in readings] for name, readings in sorted(deployed.items())}


def _origin_from(raw: Mapping[str, Any]) -> Origin:
    return Origin(raw.get("file"), raw.get("line"), raw.get("default"), raw.get("detail"))


def _value(raw: Mapping[str, Any], where: str) -> Any:
    try:
        value = json.loads(raw["value_json"])
    except ValueError:
        raise SnapshotError(f"{where}: value_json: expected JSON text") from None
    return tuple(value) if isinstance(value, list) else value


def readings_from(document: Mapping[str, Any], where: str) -> dict[str, tuple[Reading, ...]]:
    """The inverse of `readings_document` (the snapshot schema has checked the shape)."""
    return {
        name: tuple(
            Reading(
                component=r["component"], kind=r["kind"], files=tuple(r.get("files", ())),
                settings=tuple(Setting(s["field"], _value(s, f"{where}.{name}"),
                                       _origin_from(s.get("origin", {})),
                                       tuple(_origin_from(o) for o in s.get("overrode", ())))
                               for s in r.get("settings", ())),
                disabled=tuple(DisabledCheck(d["check"], d["message"],
                                             _origin_from(d.get("origin", {})))
                               for d in r.get("disabled", ())),
                problems=tuple(ArtifactProblem(p["file"], p["message"], p.get("line"),
                                               p.get("column"), p.get("unresolved", False))
                               for p in r.get("problems", ())),
                notes=tuple(r.get("notes", ())),
            )
            for r in readings)
        for name, readings in document.items()
    }
