"""Readings in a snapshot: what the deployed artifacts said, written and read back exactly,
so that `--from-snapshot` judges the same deployed values without the files. The tables are
the snapshot's own (`snapshot_codec`, derived from the `Reading` dataclasses)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from driftcheck.deployed.interface import Reading
from driftcheck.snapshot_codec import decode, encode

Readings = Mapping[str, tuple[Reading, ...]]


def readings_document(deployed: Readings) -> dict[str, Any]:
    document: dict[str, Any] = encode(deployed, Readings)
    return document


def readings_from(document: Mapping[str, Any], where: str) -> dict[str, tuple[Reading, ...]]:
    """The inverse of `readings_document` (the snapshot schema has checked the shape)."""
    readings: dict[str, tuple[Reading, ...]] = decode(document, Readings, where)
    return readings
