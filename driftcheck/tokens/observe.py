"""Turn a raw token into a `TokenObservation`: the facts rules need, never the token.

Signature checks happen here, once per token and key, because they need the raw token; the
rules then judge which environment's keys verified it. Only asymmetric algorithms are
verified, and only with a key of the matching type: a public key is never used as an HMAC
secret.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any

from joserfc.errors import JoseError
from joserfc.jwk import ECKey, OKPKey, RSAKey
from joserfc.jws import JWSRegistry
from joserfc.util import urlsafe_b64decode

from driftcheck.jwks import MAX_KEYS
from driftcheck.observations import HmacCheck, TokenObservation
from driftcheck.redact import PRIVATE_MEMBERS
from driftcheck.tokens.claims import ASYMMETRIC_ALGORITHMS, HMAC_BITS
from driftcheck.tokens.hmac_secrets import matching_form
from driftcheck.tokens.parse import TokenParseError, decode, fingerprint, repair

AsymmetricKey = RSAKey | ECKey | OKPKey

_KEY_TYPES: dict[str, tuple[type, str | None]] = {
    "RS256": (RSAKey, None), "RS384": (RSAKey, None), "RS512": (RSAKey, None),
    "PS256": (RSAKey, None), "PS384": (RSAKey, None), "PS512": (RSAKey, None),
    "ES256": (ECKey, "P-256"), "ES384": (ECKey, "P-384"), "ES512": (ECKey, "P-521"),
    "ES256K": (ECKey, "secp256k1"), "EdDSA": (OKPKey, None), "Ed25519": (OKPKey, "Ed25519"),
}
assert frozenset(_KEY_TYPES) == ASYMMETRIC_ALGORITHMS


def kid_index(keys: Mapping[str, AsymmetricKey]) -> dict[str, list[str]]:
    """kid -> thumbprints of the keys published under it (in any environment)."""
    index: dict[str, list[str]] = {}
    for thumbprint, key in keys.items():
        if key.kid is not None:
            index.setdefault(key.kid, []).append(thumbprint)
    return index


def _compatible(alg: str, key: AsymmetricKey) -> bool:
    kind, curve = _KEY_TYPES[alg]
    if not isinstance(key, kind):
        return False
    return curve is None or key.as_dict(private=False).get("crv") == curve


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
    verified: list[str] = []
    checked: list[str] = []
    if isinstance(alg, str) and alg in ASYMMETRIC_ALGORITHMS and decoded.signature_length:
        # Only the cryptography is judged here, over the segments exactly as received: header
        # parameters (`crit` included) are DC313's to judge, so the algorithm's own verify is
        # called rather than a whole JWS deserialisation (which would parse it all again).
        signing_input, _, signature_segment = token.rpartition(".")
        try:
            signature = urlsafe_b64decode(signature_segment.encode("ascii"))
        except (ValueError, UnicodeError):
            signature = b""
        algorithm = JWSRegistry.algorithms[alg]
        message = signing_input.encode("ascii", "replace")
        # Keys with the token's kid (in any environment) are the ones that should have signed
        # it; the others are tried only when none of those verifies (to name whose key did).
        # A healthy run over N environments costs N verifications, not N².
        kid = decoded.header.get("kid")
        if kids is None:
            kids = kid_index(keys)
        likely = list(kids.get(kid, ())) if isinstance(kid, str) else []
        rest = [tp for tp in keys if tp not in likely]
        for thumbprint in likely + rest:
            if verified and thumbprint in rest:
                break
            key = keys[thumbprint]
            if not _compatible(alg, key):
                continue
            checked.append(thumbprint)
            try:
                if signature and algorithm.verify(message, signature, key):
                    verified.append(thumbprint)
            except (JoseError, ValueError, TypeError):
                continue
    hmac_check = None
    if isinstance(alg, str) and alg in HMAC_BITS and hmac_secret is not None and for_api:
        verified_as_is, transform = matching_form(token, hmac_secret, alg)
        hmac_check = HmacCheck(for_api, verified_as_is, transform)
    return TokenObservation(
        **base,  # type: ignore[arg-type]
        hmac=hmac_check,
        damage=tuple(damage + decode_damage),
        header=decoded.header,
        claims=decoded.claims,
        signature_length=decoded.signature_length,
        verified_by=tuple(verified),
        checked_keys=tuple(checked),
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
