"""`driftcheck inspect`: decode a token safely, and optionally validate it in an environment."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from driftcheck.errors import UsageError
from driftcheck.findings import Finding
from driftcheck.result import RunResult
from driftcheck.safe_files import UnreadableFile, read_regular_text
from driftcheck.tokens.claims import MILLISECONDS_THRESHOLD, UNSAFE_HEADERS, time_claims
from driftcheck.tokens.kind import KindGuess, classify
from driftcheck.tokens.parse import Damage, TokenParseError, decode, fingerprint, repair

INSPECT_TOKEN_NAME = "inspected"


@dataclass(frozen=True)
class Inspection:
    fingerprint: str
    damage: tuple[Damage, ...]
    fatal: Damage | None
    header: Mapping[str, Any] | None
    claims: Mapping[str, Any] | None
    signature_length: int
    kind: KindGuess | None
    warnings: tuple[str, ...]
    validation: RunResult | None = None
    environment: str | None = None

    @property
    def token_findings(self) -> list[Finding]:
        if self.validation is None:
            return []
        return [f for f in self.validation.findings if f.environment == self.environment
                and f.component == f"tokens.{INSPECT_TOKEN_NAME}"]


MAX_INPUT_BYTES = 1024 * 1024
"""The most read from a token file or standard input (tokens are a few KiB)."""


def read_stdin(what: str) -> str:
    """Standard input up to MAX_INPUT_BYTES (`< /dev/zero` is refused, not read forever)."""
    try:
        text = sys.stdin.read(MAX_INPUT_BYTES + 1)
    except UnicodeDecodeError:
        raise UsageError(f"standard input: {what} is not UTF-8 text") from None
    if len(text) > MAX_INPUT_BYTES:
        raise UsageError(f"standard input: {what} is longer than {MAX_INPUT_BYTES} characters")
    return text


def read_token(argument: str) -> str:
    """TOKEN as given, `-` for standard input, `@FILE` for a file; one final newline dropped
    (what `echo` and editors add), anything else kept for the damage report."""
    if argument == "-":
        text = read_stdin("the token")
    elif argument.startswith("@"):
        try:
            text = read_regular_text(argument[1:], MAX_INPUT_BYTES)
        except UnreadableFile as exc:
            raise UsageError(f"{argument}: cannot read the token file: {exc}") from None
    else:
        text = argument
    if text.endswith("\r\n"):
        text = text[:-2]
    elif text.endswith("\n"):
        text = text[:-1]
    if not text.strip():
        raise UsageError("no token given (pass TOKEN, - for standard input, or @FILE)")
    return text


def _warnings(header: Mapping[str, Any], claims: Mapping[str, Any], now: float) -> list[str]:
    found = []
    alg = header.get("alg")
    if not isinstance(alg, str):
        found.append("no alg in the header")
    elif alg.lower() == "none":
        found.append("alg none: the token is unsigned; no validator may accept it")
    elif alg.startswith("HS"):
        found.append(f"alg {alg}: HMAC with a shared secret; APIs of an OIDC provider normally "
                     "expect RS*/ES*")
    for name, meaning in UNSAFE_HEADERS.items():
        if name in header:
            found.append(f"header {name}: {meaning}; validators must ignore it (never fetched)")
    if "crit" in header:
        found.append("header crit: extensions a validator must understand or reject")
    times = time_claims(claims)
    for name, value in times.items():
        if value >= MILLISECONDS_THRESHOLD:
            found.append(f"{name} looks like milliseconds; NumericDate is seconds")
    exp, nbf = times.get("exp"), times.get("nbf")
    if "exp" not in claims:
        found.append("no exp: the token never expires")
    elif exp is not None and exp < MILLISECONDS_THRESHOLD and exp < now:
        found.append("expired (before any clock skew allowance)")
    if nbf is not None and nbf < MILLISECONDS_THRESHOLD and nbf > now:
        found.append("not valid yet: nbf is in the future")
    return found


def inspect_token(raw: str, now: float, client_ids: tuple[str, ...] = ()) -> Inspection:
    """Decode without verifying. The token itself is not kept: only what it says."""
    token, damage = repair(raw)
    try:
        decoded, more = decode(token)
    except TokenParseError as failed:
        return Inspection(fingerprint(token), tuple(damage), failed.damage, None, None, 0, None,
                          ())
    return Inspection(
        fingerprint=fingerprint(token),
        damage=tuple(damage + more),
        fatal=None,
        header=decoded.header,
        claims=decoded.claims,
        signature_length=decoded.signature_length,
        kind=classify(decoded.header, decoded.claims, client_ids),
        warnings=tuple(_warnings(decoded.header, decoded.claims, now)),
    )
