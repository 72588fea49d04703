"""Which validation steps apply to a token at an API: the algorithms the API accepts, and
whether the key and signature steps are judged with public keys or a shared secret. Read by
the token rules and by the token verdicts, so both agree on what was judged."""

from __future__ import annotations

from driftcheck.models import Api
from driftcheck.observations import TokenObservation
from driftcheck.profiles import get_profile
from driftcheck.tokens.claims import ASYMMETRIC_ALGORITHMS, HMAC_BITS


def allowed_algorithms(api: Api | None) -> tuple[tuple[str, ...], str]:
    """The algorithms the API accepts, and where that comes from: its `algorithms`, else its
    validator profile's default (Spring Security: RS256 only); () means any."""
    if api is None:
        return (), "no API named"
    if api.algorithms:
        return api.algorithms, f"apis.{api.name}.algorithms"
    default = get_profile(api.validator).default_algorithms.value
    return default, f"{api.validator} default"


def verifiable(token: TokenObservation, api: Api | None) -> bool:
    """Whether the key and signature steps apply with public keys: an asymmetric alg the API
    accepts."""
    alg = token.alg
    if alg is None or alg not in ASYMMETRIC_ALGORITHMS or not token.signature_length:
        return False
    allowed, _ = allowed_algorithms(api)
    return not allowed or alg in allowed


def hmac_applies(token: TokenObservation, api: Api | None) -> bool:
    """Whether the signature is judged with the API's shared secret: an HS* alg the API
    lists, and a secret configured for it."""
    alg = token.alg
    return (api is not None and alg in HMAC_BITS and alg in api.algorithms
            and bool(api.secret_env or api.secret_file))
