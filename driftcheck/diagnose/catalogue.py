"""The catalogue of validators' error messages (catalogue.toml) and matching against it.

The catalogue is data: adding a message is adding an entry, not a code branch.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from driftcheck.findings import Step

CATALOGUE = Path(__file__).with_name("catalogue.toml")
_STEPS = {step.value for step in Step}


@dataclass(frozen=True)
class CatalogueEntry:
    id: str
    library: str
    versions: str
    source: str
    pattern: re.Pattern[str]
    step: str
    rule: str
    example: str
    misleading: str | None = None
    candidate_steps: tuple[str, ...] = ()
    distinguish: str | None = None
    generic: bool = False
    claim_steps: Mapping[str, str] = field(default_factory=dict)
    claim_rules: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class MessageMatch:
    entry: CatalogueEntry
    step: str
    rule: str
    captured: Mapping[str, str]


@dataclass(frozen=True)
class Diagnosis:
    input: str
    matches: tuple[MessageMatch, ...]
    closest: tuple[CatalogueEntry, ...] = ()
    """For an unknown message: the nearest entries, offered as leads, not as a diagnosis."""

    @property
    def known(self) -> bool:
        return bool(self.matches)

    @property
    def candidate_steps(self) -> list[str]:
        """Every step the matches could mean, most likely first, without repeats."""
        steps: list[str] = []
        for match in self.matches:
            for step in (match.step, *match.entry.candidate_steps):
                if step not in steps:
                    steps.append(step)
        return steps


def _entry(raw: Mapping[str, Any]) -> CatalogueEntry:
    for step in (raw["step"], *raw.get("candidate_steps", ()),
                 *raw.get("claim_steps", {}).values()):
        if step not in _STEPS:
            raise ValueError(f"catalogue entry {raw['id']}: unknown step {step!r}")
    return CatalogueEntry(
        id=raw["id"], library=raw["library"], versions=raw["versions"], source=raw["source"],
        pattern=re.compile(raw["pattern"], re.MULTILINE), step=raw["step"], rule=raw["rule"],
        example=raw["example"], misleading=raw.get("misleading"),
        candidate_steps=tuple(raw.get("candidate_steps", ())),
        distinguish=raw.get("distinguish"), generic=raw.get("generic", False),
        claim_steps=raw.get("claim_steps", {}), claim_rules=raw.get("claim_rules", {}),
    )


@cache
def entries() -> tuple[CatalogueEntry, ...]:
    with CATALOGUE.open("rb") as fh:
        document = tomllib.load(fh)
    return tuple(_entry(raw) for raw in document["entry"])


def _matched(entry: CatalogueEntry, text: str) -> MessageMatch | None:
    found = entry.pattern.search(text)
    if found is None:
        return None
    captured = {k: v.strip() for k, v in found.groupdict().items() if v is not None}
    claim = captured.get("claim", "")
    return MessageMatch(entry, entry.claim_steps.get(claim, entry.step),
                        entry.claim_rules.get(claim, entry.rule), captured)


def diagnose(text: str) -> Diagnosis:
    """Every reading of `text` the catalogue supports, most specific first."""
    text = text.strip()
    matches = [m for e in entries() if (m := _matched(e, text)) is not None]
    # Specific library messages before generic ones; longer patterns are more specific.
    matches.sort(key=lambda m: (m.entry.generic, -len(m.entry.pattern.pattern)))
    if matches:
        return Diagnosis(text, tuple(matches))
    scored = sorted(
        ((difflib.SequenceMatcher(None, text.lower(), e.example.lower()).ratio(), e)
         for e in entries()), key=lambda pair: -pair[0])
    return Diagnosis(text, (), tuple(e for score, e in scored[:3] if score >= 0.5))
