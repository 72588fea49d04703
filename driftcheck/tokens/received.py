"""Facts about the received token: the one judgement collection makes.

Everything driftcheck concludes is derived after collection from what was observed, except
this: which keys verify a token's signature, and under which form of an API's shared secret
an HMAC signature verifies. Both need the raw token, which never enters observations,
snapshots or reports, so they are computed here, at the moment of receipt, once per token
and key, and recorded as facts (`TokenObservation.verified_by`, `checked_keys`, `hmac`). The
rules then judge whose keys those are. Only asymmetric algorithms are verified with public
keys, and only with a key of the matching type: a public key is never an HMAC secret.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from joserfc.errors import JoseError
from joserfc.jwk import ECKey, OKPKey, RSAKey
from joserfc.jws import JWSRegistry
from joserfc.util import urlsafe_b64decode

from driftcheck.observations import HmacCheck
from driftcheck.tokens.claims import ASYMMETRIC_ALGORITHMS, HMAC_BITS
from driftcheck.tokens.hmac_secrets import matching_form

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


@dataclass(frozen=True)
class ReceivedTokenFacts:
    verified_by: tuple[str, ...]
    """Thumbprints of the keys under which the signature verifies."""
    checked_keys: tuple[str, ...]
    """Thumbprints of the keys tried (those whose type fits the algorithm)."""
    hmac: HmacCheck | None
    """For an HS* token at an API with a shared secret: whether it verifies, and under
    which mangled form of the secret when not as configured."""


def judge_received_token(token: str, alg: object, kid: object, signature_length: int,
                         keys: Mapping[str, AsymmetricKey],
                         kids: Mapping[str, Sequence[str]] | None,
                         hmac_secret: str | None, for_api: str | None) -> ReceivedTokenFacts:
    """Verify the repaired `token` against `keys` (thumbprint -> public key), or, for an HS*
    token, against `for_api`'s shared secret (as configured, then mangled forms)."""
    verified: list[str] = []
    checked: list[str] = []
    if isinstance(alg, str) and alg in ASYMMETRIC_ALGORITHMS and signature_length:
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
    return ReceivedTokenFacts(tuple(verified), tuple(checked), hmac_check)
