"""The catalogue of validators' error messages (catalogue.toml) and matching against it.

The catalogue is data: adding a message is adding an entry, not a code branch.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Any

from driftcheck.diagnose.tables import load_toml

CATALOGUE = os.path.join(os.path.dirname(__file__), "catalogue.toml")
# The step vocabulary (driftcheck.findings.Step; a test keeps the two equal). Not imported:
# findings costs diagnose's start-up more than this line.
STEPS = frozenset({"config", "fetch", "discovery", "jwks", "clock", "parse", "algorithm", "key",
                   "signature", "time", "issuer", "audience", "claims", "token-type",
                   "consistency", "isolation", "drift", "deployed", "probe"})


@dataclass(frozen=True)
class CatalogueEntry:
    id: str
    library: str
    versions: str
    source: str
    regex: str
    step: str
    rule: str
    example: str
    misleading: str | None = None
    candidate_steps: tuple[str, ...] = ()
    distinguish: str | None = None
    generic: bool = False
    claim_steps: Mapping[str, str] = field(default_factory=dict)
    claim_rules: Mapping[str, str] = field(default_factory=dict)

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        """Compiled on first use: compiling every entry costs a third of diagnose's start."""
        return re.compile(self.regex, re.MULTILINE)

    @cached_property
    def prefixes(self) -> tuple[str, ...]:
        """Literal texts one of which every match contains (each top-level alternative's
        literal start); empty when some alternative has none."""
        found = tuple(_literal_prefix(alternative)
                      for alternative in _top_level_alternatives(self.regex))
        return found if all(found) else ()


def _structure(regex: str, start: int = 0) -> Iterator[tuple[int, str, int]]:
    """(index, character, depth) of each character of `regex` from `start` that is neither
    escaped nor inside a character class; depth counts the groups open around it (a group's
    own parentheses stand at the depth outside it)."""
    depth, index, in_class = 0, start, False
    while index < len(regex):
        char = regex[index]
        if char == "\\":
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        else:
            depth -= char == ")"
            yield index, char, depth
            depth += char == "("
        index += 1


def _group_end(regex: str, start: int) -> int:
    """The index just past the group that opens at `start` (escapes and classes skipped)."""
    return next((index + 1 for index, char, depth in _structure(regex, start)
                 if char == ")" and depth == 0), len(regex))


def _top_level_alternatives(regex: str) -> list[str]:
    bars = [index for index, char, depth in _structure(regex) if char == "|" and depth == 0]
    starts, ends = [0, *(b + 1 for b in bars)], [*bars, len(regex)]
    return [regex[a:b] for a, b in zip(starts, ends, strict=True)]


def _literal_prefix(regex: str) -> str:
    """Literal text every match of `regex` (one alternative) contains: the first literal run
    after a leading anchor and optional groups (`^(?:jwt\\.exceptions\\.)?Signature ...`)."""
    while True:
        if regex.startswith("^"):
            regex = regex[1:]
        elif regex.startswith("(?:") and (end := _group_end(regex, 0)) < len(regex) \
                and regex[end] in "?*":
            regex = regex[end + 1:]
        else:
            break
    end = 0
    while end < len(regex) and regex[end] not in "\\.^$*+?{}[]()|":
        end += 1
    prefix = regex[:end]
    if end < len(regex) and regex[end] in "*?{":  # the last character is optional
        prefix = prefix[:-1]
    return prefix if len(prefix) >= 4 else ""


@dataclass(frozen=True)
class MessageMatch:
    entry: CatalogueEntry
    step: str
    rule: str
    captured: Mapping[str, str]
    matched: str = ""
    """The words of the message the entry's pattern matched."""


@dataclass(frozen=True)
class Answer:
    """A reading by the family or reader layer (the catalogue answers with matches)."""

    step: str | None
    """None when only candidate steps can be given (vague)."""
    rule: str | None
    candidate_steps: tuple[str, ...]
    library: str | None = None
    source: str | None = None
    captured: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Diagnosis:
    input: str
    matches: tuple[MessageMatch, ...]
    closest: tuple[CatalogueEntry, ...] = ()
    """For an unknown message: the nearest entries, offered as leads, not as a diagnosis."""
    layer: str | None = None
    """Which layer answered: "catalogue", "family" or "reader" (None: unknown)."""
    confidence: str | None = None
    """"high" (a catalogued template, a code or exception class), "medium" (the reader's
    words agree on one step), "vague" (candidate steps only); None when unknown."""
    decided_by: tuple[str, ...] = ()
    """The words or the code that decided the answer (or that it is not about a token)."""
    envelope: str = "plain"
    """What the message came in: www-authenticate, json-body, log-line, stack-trace, plain."""
    answer: Answer | None = None
    status: int | None = None
    """The HTTP status, when the input was a response."""

    @property
    def known(self) -> bool:
        return bool(self.matches) or self.answer is not None

    @property
    def vague(self) -> bool:
        return self.confidence == "vague"

    @property
    def step(self) -> str | None:
        """The one step the answer names; None when it is vague or unknown."""
        if not self.known or self.vague:
            return None
        return self.matches[0].step if self.matches else self.answer.step \
            if self.answer else None

    @property
    def rule(self) -> str | None:
        if self.step is None:
            return None
        return self.matches[0].rule if self.matches else self.answer.rule \
            if self.answer else None

    @property
    def candidate_steps(self) -> list[str]:
        """Every step the answer could mean, most likely first, without repeats."""
        steps: list[str] = []
        if self.answer is not None:
            return list(self.answer.candidate_steps)
        for match in self.matches:
            for step in (match.step, *match.entry.candidate_steps):
                if step not in steps:
                    steps.append(step)
        return steps


def _entry(raw: Mapping[str, Any]) -> CatalogueEntry:
    for step in (raw["step"], *raw.get("candidate_steps", ()),
                 *raw.get("claim_steps", {}).values()):
        if step not in STEPS:
            raise ValueError(f"catalogue entry {raw['id']}: unknown step {step!r}")
    return CatalogueEntry(
        id=raw["id"], library=raw["library"], versions=raw["versions"], source=raw["source"],
        regex=raw["pattern"], step=raw["step"], rule=raw["rule"],
        example=raw["example"], misleading=raw.get("misleading"),
        candidate_steps=tuple(raw.get("candidate_steps", ())),
        distinguish=raw.get("distinguish"), generic=raw.get("generic", False),
        claim_steps=raw.get("claim_steps", {}), claim_rules=raw.get("claim_rules", {}),
    )


@cache
def entries() -> tuple[CatalogueEntry, ...]:
    document = load_toml(CATALOGUE)
    return tuple(_entry(raw) for raw in document["entry"])


def _matched(entry: CatalogueEntry, text: str) -> MessageMatch | None:
    if entry.prefixes and not any(prefix in text for prefix in entry.prefixes):
        return None
    found = entry.pattern.search(text)
    if found is None:
        return None
    captured = {k: v.strip() for k, v in found.groupdict().items() if v is not None}
    claim = captured.get("claim", "")
    return MessageMatch(entry, entry.claim_steps.get(claim, entry.step),
                        entry.claim_rules.get(claim, entry.rule), captured, found.group(0))


def match_catalogue(text: str) -> list[MessageMatch]:
    """Every reading of `text` the catalogue supports, most specific first."""
    text = text.strip()
    matches = [m for e in entries() if (m := _matched(e, text)) is not None]
    # Specific library messages before generic ones; longer patterns are more specific.
    matches.sort(key=lambda m: (m.entry.generic, -len(m.entry.regex)))
    return matches


def closest(text: str) -> tuple[CatalogueEntry, ...]:
    """For an unknown message: the nearest catalogued examples, as leads."""
    import difflib

    scored = sorted(
        ((difflib.SequenceMatcher(None, text.lower(), e.example.lower()).ratio(), e)
         for e in entries()), key=lambda pair: -pair[0])
    return tuple(e for score, e in scored[:3] if score >= 0.5)
