"""Turn a raw token into a `TokenObservation`: the facts rules need, never the token.

What must be judged on the raw token (which keys verify its signature, under which form of
the shared secret) is `driftcheck.tokens.received`, the one judgement collection makes.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any

from joserfc.jwk import ECKey, OKPKey, RSAKey

from driftcheck.jwks import MAX_KEYS
from driftcheck.observations import TokenObservation
from driftcheck.redact import PRIVATE_MEMBERS
from driftcheck.tokens.parse import TokenParseError, decode, fingerprint, repair
from driftcheck.tokens.received import AsymmetricKey, judge_received_token


def analyze(
    raw: str,
    *,
    name: str,
    environment: str,
    source: str,
    for_api: str | None,
    keys: Mapping[str, AsymmetricKey],
    received_at: float = 0.0,
    hmac_secret: str | None = None,
    kids: Mapping[str, Sequence[str]] | None = None,
) -> TokenObservation:
    """Repair, decode and verify `raw` against `keys` (thumbprint -> public key), or, for
    an HS* token, against `for_api`'s shared secret (as configured, then mangled forms).
    `kids` (kid -> thumbprints, from `kid_index(keys)`) saves rebuilding it per token."""
    token, damage = repair(raw)
    base = dict(name=name, environment=environment, source=source, for_api=for_api,
                fingerprint=fingerprint(token), received_at=received_at)
    try:
        decoded, decode_damage = decode(token)
    except TokenParseError as failed:
        return TokenObservation(**base, damage=tuple(damage), fatal=failed.damage)  # type: ignore[arg-type]
    alg = decoded.header.get("alg")
    received = judge_received_token(token, alg, decoded.header.get("kid"),
                                    decoded.signature_length, keys, kids, hmac_secret, for_api)
    return TokenObservation(
        **base,  # type: ignore[arg-type]
        hmac=received.hmac,
        damage=tuple(damage + decode_damage),
        header=decoded.header,
        claims=decoded.claims,
        signature_length=decoded.signature_length,
        verified_by=received.verified_by,
        checked_keys=received.checked_keys,
    )


def public_keys(documents: list[Any]) -> dict[str, AsymmetricKey]:
    """Every asymmetric key in these JWKS documents, public part only, by RFC 7638 thumbprint."""
    from joserfc.jwk import import_key

    found: dict[str, AsymmetricKey] = {}
    for document in documents:
        raw_keys = document.get("keys") if isinstance(document, Mapping) else None
        if not isinstance(raw_keys, list):
            continue
        for raw in raw_keys[:MAX_KEYS]:
            if not isinstance(raw, Mapping) or raw.get("kty") not in ("RSA", "EC", "OKP"):
                continue
            public = {k: v for k, v in raw.items() if k not in PRIVATE_MEMBERS}
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    key = import_key(public)
            except Exception:  # an unusable key is DC201's business, not ours
                continue
            if isinstance(key, RSAKey | ECKey | OKPKey):
                found.setdefault(key.thumbprint(), key)
    return found
