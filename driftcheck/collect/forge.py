"""Tokens driftcheck forges to be invalid by construction, from a known-good token.

Each keeps the known-good token's claims (so a validator that checks nothing but the
signature would accept it), replaces `jti` with one prefixed `driftcheck-forged-` (so an
API's owners can find these requests in their logs), and breaks the signature in one of the
ways real attacks do:

- `alg-none`: header `alg: none`, signature removed (RFC 8725 §2.1);
- `hs256-public-key`: HS256 keyed with the IdP's public key in PEM form, the RS/HS key
  confusion (RFC 8725 §2.1, CVE-2016-10555);
- `wrong-key`: re-signed by a throwaway key generated for this run, under the real `kid`;
- `no-signature`: the signature segment stripped.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from joserfc import jws
from joserfc.jwk import ECKey, RSAKey

from driftcheck.observations import ForgedKind

FORGED_JTI_PREFIX = "driftcheck-forged-"
FORGED_LABELS: Mapping[ForgedKind, str] = {
    "alg-none": "alg none",
    "hs256-public-key": "HS256 with the public key",
    "wrong-key": "throwaway key, real kid",
    "no-signature": "no signature",
}


@dataclass(frozen=True)
class Forged:
    kind: ForgedKind
    token: str | None
    failure: str | None = None
    """Why this forgery could not be built (no IdP key to misuse, say)."""


def _segment(value: Mapping[str, Any]) -> str:
    raw = json.dumps(value, separators=(",", ":"), sort_keys=False).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


@cache
def _throwaway(alg: str) -> RSAKey | ECKey:
    """One key per algorithm family per process, never published anywhere."""
    if alg.startswith("ES"):
        curve = {"ES256": "P-256", "ES384": "P-384", "ES512": "P-521"}.get(alg, "P-256")
        return ECKey.generate_key(curve)
    return RSAKey.generate_key(2048)


def _public_pem(key: RSAKey | ECKey) -> bytes:
    pem = key.as_pem(private=False)
    return pem if isinstance(pem, bytes) else str(pem).encode()


def forge(
    header: Mapping[str, Any],
    claims: Mapping[str, Any],
    kind: ForgedKind,
    idp_key: RSAKey | ECKey | None,
) -> Forged:
    """One forged token from the known-good token's decoded header and claims; `idp_key` is
    the IdP's public key under the token's `kid` (for the key-confusion case)."""
    forged_claims = {**claims, "jti": FORGED_JTI_PREFIX + secrets.token_hex(8)}
    alg = header.get("alg") if isinstance(header.get("alg"), str) else "RS256"
    if kind == "alg-none":
        head = {k: v for k, v in header.items() if k != "alg"}
        return Forged(kind, f"{_segment({'alg': 'none', **head})}.{_segment(forged_claims)}.")
    if kind == "no-signature":
        return Forged(kind, f"{_segment(header)}.{_segment(forged_claims)}.")
    if kind == "hs256-public-key":
        if idp_key is None:
            return Forged(kind, None, "the IdP publishes no public key under the token's kid")
        head = {**header, "alg": "HS256"}
        signing_input = f"{_segment(head)}.{_segment(forged_claims)}"
        mac = hmac.new(_public_pem(idp_key), signing_input.encode("ascii"), hashlib.sha256)
        signature = base64.urlsafe_b64encode(mac.digest()).rstrip(b"=").decode("ascii")
        return Forged(kind, f"{signing_input}.{signature}")
    # wrong-key: the real kid, a key nobody publishes.
    sign_alg = alg if isinstance(alg, str) and alg[:2] in ("RS", "PS", "ES") else "RS256"
    key = _throwaway(sign_alg)
    head = {**header, "alg": sign_alg}
    payload = json.dumps(forged_claims, separators=(",", ":")).encode()
    token = jws.serialize_compact(head, payload, key, algorithms=[sign_alg])
    return Forged(kind, token)
