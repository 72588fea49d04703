"""Snapshots: the Observations of a run, written as TOML with tomli-w, read back exactly.

The tables are derived from the observation dataclasses themselves (`snapshot_codec`), so a
new observation field is recorded and replayed without a change here. TOML has no null, and
JSON bodies can hold nulls anywhere, so response bodies, token headers and claims are stored
as JSON text (`body_json`); everything else is plain TOML. A snapshot never holds a token, a
signature or key material: collection removed them before (see `TokenObservation` and
`redact.redact_private_members`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import tomli_w
from jsonschema import Draft202012Validator

from driftcheck._version import __version__
from driftcheck.errors import SnapshotError
from driftcheck.load.schema_messages import key_path
from driftcheck.observations import Observations
from driftcheck.output_files import write_whole
from driftcheck.resources import load_schema
from driftcheck.snapshot_codec import decode, encode
from driftcheck.toml_files import read_toml_file

SNAPSHOT_VERSION = "1"


def snapshot_document(observations: Observations) -> dict[str, Any]:
    return {
        "version": SNAPSHOT_VERSION,
        "tool": f"driftcheck {__version__}",
        "written_at": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        **encode(observations, Observations),
    }


def write_snapshot(path: str | Path, observations: Observations) -> None:
    write_whole(path, tomli_w.dumps(snapshot_document(observations)), what="snapshot")


_ENVELOPE = ("version", "tool", "written_at")


def observations_from(document: Mapping[str, Any], where: str) -> Observations:
    """A snapshot document (already checked against its schema) as Observations."""
    body = {k: v for k, v in document.items() if k not in _ENVELOPE}
    observations: Observations = decode(body, Observations, where)
    return observations


def _read_one(path: Path) -> Observations:
    document = read_toml_file(path, "snapshot", SnapshotError)
    errors = sorted(Draft202012Validator(load_schema("snapshot.schema.json")).iter_errors(document),
                    key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        raise SnapshotError(f"{path}: {key_path(first.absolute_path) or '(top)'}: "
                            f"{first.message} (not a driftcheck snapshot of version "
                            f"{SNAPSHOT_VERSION}?)")
    return observations_from(document, str(path))


def read_snapshots(paths: Iterable[str | Path]) -> Observations:
    """One snapshot, or the union of several (shards of one run): environments and responses
    are merged; a later file's entry for the same environment or URL wins."""
    merged: list[Observations] = [_read_one(Path(p)) for p in paths]
    if not merged:
        raise SnapshotError("no snapshot files given")
    if len(merged) == 1:
        return merged[0]
    # Every field is a mapping keyed by URL or environment but the start of collection: a
    # new field is merged too (and a new field of another shape fails here, in the tests).
    fields: dict[str, Any] = {
        f.name: min(o.collected_at for o in merged) if f.name == "collected_at"
        else {key: value for o in merged for key, value in getattr(o, f.name).items()}
        for f in dataclasses.fields(Observations)}
    return Observations(**fields)


def restrict(observations: Observations, names: Sequence[str]) -> Observations:
    """Only the named environments (and the responses they refer to)."""
    kept = {n: e for n, e in observations.environments.items() if n in names}
    urls = {u for e in kept.values() for u in e.urls()}
    return dataclasses.replace(
        observations, environments=kept,
        responses={u: r for u, r in observations.responses.items() if u in urls},
        deployed={n: r for n, r in observations.deployed.items() if n in names})
