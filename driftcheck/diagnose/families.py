"""Layer 2: an error code or exception class alone names the step (families.toml, data).

A name decides alone only when it means one step wherever it is used: a name that two
libraries give different meanings, or that a library throws for every failure (an
umbrella, such as njwt's `JwtParseError`), decides only when the text qualifies it with
the namespace of the family that gives it one step (`jwt.exceptions.DecodeError`);
otherwise the message's own words decide (the reader). So does a name made of generic
words only (`DecodeError`, `VerificationError`, `JWTDecodeException`): any library may
throw one for any failure, so it decides only when qualified.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import cache

from driftcheck.diagnose.tables import load_toml

FAMILIES = os.path.join(os.path.dirname(__file__), "families.toml")
# How a namespace qualifies a name: jwt.exceptions.X, JWT::X, Firebase\JWT\X.
_SEPARATORS = (".", "::", "\\")
# Words that say a token failed but not at which step.
_GENERIC_WORDS = frozenset({
    "jwt", "jws", "jwe", "jose", "token", "decode", "decoding", "decoder", "parse", "parsing",
    "parser", "verification", "verify", "verifier", "validation", "validate", "validator",
    "invalid", "error", "exception", "err", "failed", "failure"})
_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")


@dataclass(frozen=True)
class FamilyName:
    name: str
    kind: str
    """"code" (IDX10223, ERR_JWT_EXPIRED, expired_token), "exception" (a class name) or
    "umbrella" (a class a library throws for every failure: no step)."""
    step: str
    rule: str
    library: str
    source: str
    namespaces: tuple[str, ...] = ()
    """Package or namespace prefixes that qualify the name as this library's."""
    confirm: bool = False
    """A protocol-wide code (RFC 6750's `insufficient_scope`) that servers send for reasons
    outside token validation too: it decides only when the message's words agree."""
    outranks: bool = False
    """A code thrown inside a category exception that names another step
    (SecurityTokenInvalidIssuerException: IDX40005, a signing key's issuer): the code
    decides even after the exception's name."""


@cache
def meanings() -> dict[str, tuple[FamilyName, ...]]:
    """Every meaning each name has, across families and umbrellas."""
    document = load_toml(FAMILIES)
    found: dict[str, list[FamilyName]] = {}
    for family in document["family"]:
        namespaces = tuple(family.get("namespaces", ()))
        for name, meaning in family["names"].items():
            step, rule = meaning.split()
            found.setdefault(name, []).append(FamilyName(
                name, family["kind"], step, rule, family["library"], family["source"],
                namespaces, bool(family.get("confirm", False)),
                bool(family.get("outranks", False))))
    for umbrella in document.get("umbrella", ()):
        for name in umbrella["names"]:
            found.setdefault(name, []).append(FamilyName(
                name, "umbrella", "", "", umbrella["library"], umbrella["source"],
                tuple(umbrella.get("namespaces", ()))))
    return {name: tuple(listed) for name, listed in found.items()}


def names() -> dict[str, FamilyName]:
    """The names that decide one step without a qualifier."""
    return {name: listed[0] for name, listed in meanings().items() if _unambiguous(listed)}


def generic(name: str) -> bool:
    """Whether `name` is made of words that name no step (JwtParseError, DecodeError)."""
    return all(word.lower() in _GENERIC_WORDS for word in _WORD.findall(name))


def _unambiguous(listed: tuple[FamilyName, ...]) -> bool:
    return (all(m.kind != "umbrella" for m in listed) and len({m.step for m in listed}) == 1
            and not generic(listed[0].name))


# Whole names only, optionally qualified (jwt.exceptions.X, Firebase\JWT\X, io.x.X): every
# name is one run of these characters, so a name is a run looked up in the table (a regex
# alternation of all 163 names took longer to compile than the rest of diagnose).
_RUN = re.compile(r"[\w$]+")


def _qualified(before: str, meaning: FamilyName) -> bool:
    return any(before.endswith(namespace + separator) for namespace in meaning.namespaces
               for separator in _SEPARATORS)


def family_name(text: str) -> FamilyName | None:
    """The first code or exception class in `text` that decides one step, unless a code
    follows it that outranks exceptions or agrees with it (a code and its exception naming
    one step need no further words: "SecurityTokenInvalidSignatureException: IDX10511")."""
    table = meanings()
    first: FamilyName | None = None
    for found in _RUN.finditer(text):
        listed = table.get(found.group(0))
        if listed is None:
            continue
        qualified = [m for m in listed if _qualified(text[:found.start()], m)]
        deciding = None
        if qualified:
            if qualified[0].kind != "umbrella":
                deciding = qualified[0]
        elif _unambiguous(listed):
            deciding = listed[0]
        if deciding is not None and deciding.kind == "code" and (
                deciding.outranks or (first is not None and first.step == deciding.step)):
            return deciding
        first = first or deciding
    return first
