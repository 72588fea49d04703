"""Key timeline over a series of snapshots: which keys each IdP published when, rotations,
overlaps shorter than the declared `rotation_overlap`, keys shared across environments.

Pure: built from Observations already read (`driftcheck history SNAPSHOT...`, or
`check --snapshot-in` with the current run as the last point). Snapshots bound what
happened between them, so an overlap is reported as "at most" the time between the snapshot
before the new key appeared and the snapshot where the old one was gone; it is called too
short only when even that bound is below the declared overlap (precision first).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from driftcheck.durations import format_seconds
from driftcheck.jwks import KeyFacts, jwks_facts
from driftcheck.observations import Observations


@dataclass(frozen=True)
class TimelinePoint:
    label: str
    """Where the observations come from: a snapshot's file name, or "this run"."""
    observations: Observations


@dataclass(frozen=True)
class KeyRow:
    environment: str
    kid: str
    thumbprint: str | None
    presence: tuple[bool | None, ...]
    """Per point: published, absent, or None when the JWKS was not read then."""
    shared_with: tuple[str, ...] = ()

    @property
    def identity(self) -> str:
        return self.thumbprint or f"kid:{self.kid}"

    @property
    def thumbprint_short(self) -> str:
        return self.thumbprint[:12] + "…" if self.thumbprint else "(no thumbprint)"


@dataclass(frozen=True)
class Rotation:
    environment: str
    at: float
    """The first point where the retired key was no longer published."""
    retired: str
    replacement: str | None
    overlap_at_most: float | None
    """Longest time both can have been published; None when the replacement was published
    from the first point on (the series cannot bound it)."""
    declared_overlap: float | None

    @property
    def short(self) -> bool:
        return (self.replacement is not None and self.overlap_at_most is not None
                and self.declared_overlap is not None
                and self.overlap_at_most < self.declared_overlap)

    @property
    def text(self) -> str:
        when = _time(self.at)
        if self.replacement is None:
            return f"{when}: kid {self.retired!r} retired, no replacement published in the series"
        if self.overlap_at_most is None:
            overlap = "both published since the first snapshot"
        else:
            overlap = f"overlap at most {format_seconds(self.overlap_at_most)}"
        declared = ("" if self.declared_overlap is None
                    else f", declared rotation_overlap {format_seconds(self.declared_overlap)}")
        return (f"{when}: kid {self.retired!r} retired, replaced by {self.replacement!r} "
                f"({overlap}{declared})")


@dataclass(frozen=True)
class EnvironmentTimeline:
    name: str
    rotation_overlap: str | None
    keys: tuple[KeyRow, ...]
    rotations: tuple[Rotation, ...]


@dataclass(frozen=True)
class KeyTimeline:
    times: tuple[float, ...]
    labels: tuple[str, ...]
    environments: tuple[EnvironmentTimeline, ...]
    shared: tuple[str, ...]
    """Sentences: a key (same thumbprint) published by more than one environment."""

    @property
    def has_keys(self) -> bool:
        return any(e.keys for e in self.environments)

    @property
    def rotations(self) -> tuple[Rotation, ...]:
        return tuple(r for e in self.environments for r in e.rotations)

    @property
    def short_rotations(self) -> tuple[Rotation, ...]:
        return tuple(r for r in self.rotations if r.short)


def _time(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _published(observations: Observations, environment: str) -> list[KeyFacts] | None:
    seen = observations.environments.get(environment)
    response = observations.response(seen.jwks_url) if seen else None
    if response is None or not response.ok:
        return None
    return list(jwks_facts(response.body).keys)


def key_timeline(points: Sequence[TimelinePoint],
                 overlaps: Mapping[str, float | None] | None = None) -> KeyTimeline:
    """The timeline of `points` (any order: sorted by collection time)."""
    overlaps = overlaps or {}
    ordered = sorted(points, key=lambda p: p.observations.collected_at)
    times = tuple(p.observations.collected_at for p in ordered)
    labels = tuple(f"{_time(t)} ({p.label})" for p, t in zip(ordered, times, strict=True))
    names = sorted({n for p in ordered for n in p.observations.environments})
    rows: dict[str, list[KeyRow]] = {}
    for name in names:
        sets = [_published(p.observations, name) for p in ordered]
        found: dict[str, KeyFacts] = {}
        for keys in sets:
            for key in keys or ():
                found.setdefault(key.thumbprint or f"kid:{key.kid}", key)
        rows[name] = []
        for identity, key in found.items():
            presence = tuple(None if keys is None else any(
                (k.thumbprint or f"kid:{k.kid}") == identity for k in keys) for keys in sets)
            rows[name].append(KeyRow(name, key.kid or f"key #{key.index}", key.thumbprint,
                                     presence))
    owners: dict[str, list[str]] = {}
    for name, listed in rows.items():
        for row in listed:
            if row.thumbprint:
                owners.setdefault(row.thumbprint, []).append(name)
    shared = []
    environments = []
    for name in names:
        marked = tuple(KeyRow(r.environment, r.kid, r.thumbprint, r.presence, tuple(
            o for o in owners.get(r.thumbprint or "", []) if o != name)) for r in rows[name])
        overlap = overlaps.get(name)
        environments.append(EnvironmentTimeline(
            name=name,
            rotation_overlap=format_seconds(overlap) if overlap is not None else None,
            keys=marked,
            rotations=tuple(_rotations(name, marked, times, overlap))))
    for thumbprint, holders in sorted(owners.items()):
        if len(holders) > 1:
            kids = sorted({r.kid for n in holders for r in rows[n] if r.thumbprint == thumbprint})
            shared.append(f"key {thumbprint} (kid {', '.join(map(repr, kids))}) is published "
                          f"by {', '.join(holders)}: tokens of one verify in the other")
    return KeyTimeline(times, labels, tuple(environments), tuple(shared))


def _first(presence: Sequence[bool | None], value: bool, start: int = 0) -> int | None:
    return next((i for i in range(start, len(presence)) if presence[i] is value), None)


def _rotations(name: str, rows: Sequence[KeyRow], times: Sequence[float],
               declared: float | None) -> list[Rotation]:
    """A rotation: a key published at one point and absent at a later one. Its replacement
    is the key that appeared most recently before the retirement (a key absent at an earlier
    point and published at the retirement point)."""
    found = []
    for row in rows:
        seen = _first(row.presence, True)
        if seen is None:
            continue
        gone = _first(row.presence, False, seen + 1)
        if gone is None:
            continue
        # (the last point before it appeared where it was absent, or -1: always there)
        candidates: list[tuple[int, KeyRow]] = []
        for other in rows:
            if other is row or other.presence[gone] is not True:
                continue
            appeared = _first(other.presence, True) or 0
            last_absent = max((i for i in range(appeared) if other.presence[i] is False),
                              default=-1)
            candidates.append((last_absent, other))
        candidates.sort(key=lambda c: c[0])
        replacement = candidates[-1][1] if candidates else None
        bound = None
        if candidates and candidates[-1][0] >= 0:
            bound = times[gone] - times[candidates[-1][0]]
        found.append(Rotation(name, times[gone], row.kid,
                              replacement.kid if replacement else None, bound, declared))
    return found
