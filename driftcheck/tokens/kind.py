"""Access token or ID token? Classified from the evidence in the header and claims."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

TokenKind = Literal["access", "id", "unknown"]


@dataclass(frozen=True)
class KindGuess:
    kind: TokenKind
    evidence: tuple[str, ...]
    """Each clue, for or against, in words ("typ at+jwt (RFC 9068)")."""


def classify(header: Mapping[str, Any], claims: Mapping[str, Any],
             client_ids: Iterable[str] = ()) -> KindGuess:
    """Strong clues (typ at+jwt, Cognito token_use) decide; otherwise clues are counted."""
    typ = str(header.get("typ", "")).lower()
    if typ in ("at+jwt", "application/at+jwt"):
        return KindGuess("access", (f"typ {header['typ']} (RFC 9068 access token)",))
    token_use = claims.get("token_use")
    if token_use in ("id", "access"):
        return KindGuess("id" if token_use == "id" else "access",
                         (f"token_use {token_use!r} (Amazon Cognito)",))
    id_clues = [f"{name} claim (OIDC ID token)" for name in ("nonce", "at_hash", "c_hash",
                                                              "auth_time") if name in claims]
    aud = claims.get("aud")
    audiences = [aud] if isinstance(aud, str) else [a for a in aud if isinstance(a, str)] \
        if isinstance(aud, list) else []
    clients = set(client_ids)
    matched = sorted(clients.intersection(audiences))
    if matched:
        id_clues.append(f"aud is the frontend client_id {matched[0]!r}")
    access_clues = [f"{name} claim" for name in ("scope", "scp", "client_id", "roles")
                    if name in claims]
    if id_clues and len(id_clues) >= len(access_clues):
        return KindGuess("id", tuple(id_clues + access_clues))
    if access_clues:
        return KindGuess("access", tuple(access_clues + id_clues))
    return KindGuess("unknown", tuple(id_clues) or ("no typ, scope, nonce or similar clue",))
