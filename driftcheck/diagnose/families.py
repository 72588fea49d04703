"""Layer 2: an error code or exception class alone names the step (families.toml, data)."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from functools import cache

FAMILIES = os.path.join(os.path.dirname(__file__), "families.toml")


@dataclass(frozen=True)
class FamilyName:
    name: str
    kind: str
    """"code" (IDX10223, ERR_JWT_EXPIRED, expired_token) or "exception" (a class name)."""
    step: str
    rule: str
    library: str
    source: str


@cache
def names() -> dict[str, FamilyName]:
    with open(FAMILIES, "rb") as fh:
        document = tomllib.load(fh)
    found: dict[str, FamilyName] = {}
    for family in document["family"]:
        for name, meaning in family["names"].items():
            step, rule = meaning.split()
            found.setdefault(name, FamilyName(name, family["kind"], step, rule,
                                              family["library"], family["source"]))
    return found


@cache
def _pattern() -> re.Pattern[str]:
    # Whole names only, optionally qualified (jwt.exceptions.X, Firebase\JWT\X, io.x.X).
    alternatives = "|".join(sorted((re.escape(n) for n in names()), key=len, reverse=True))
    return re.compile(rf"(?<![\w$])(?:{alternatives})(?![\w$])")


def family_name(text: str) -> FamilyName | None:
    """The first code or exception class in `text` that decides one step."""
    found = _pattern().search(text)
    return names()[found.group(0)] if found else None
