"""Facts about a token's header and claims shared by the rules and `driftcheck inspect`."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

MILLISECONDS_THRESHOLD = 100_000_000_000
"""A NumericDate above this (year 5138 in seconds) is almost surely in milliseconds."""

UNSAFE_HEADERS = {
    "jku": "a URL to fetch keys from",
    "x5u": "a URL to fetch a certificate from",
    "jwk": "an embedded public key",
    "x5c": "an embedded certificate chain",
}

TIME_CLAIMS = ("exp", "nbf", "iat", "auth_time")

ASYMMETRIC_ALGORITHMS = frozenset({
    "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "ES256K",
    "EdDSA", "Ed25519",
})
HMAC_BITS = {"HS256": 256, "HS384": 384, "HS512": 512}


def time_claims(claims: Mapping[str, Any]) -> dict[str, float]:
    """exp, nbf and iat that are numbers (booleans are not)."""
    found = {}
    for name in ("exp", "nbf", "iat"):
        value = claims.get(name)
        if isinstance(value, int | float) and not isinstance(value, bool):
            try:
                number = float(value)
            except OverflowError:  # an integer beyond any date
                continue
            if math.isfinite(number):
                found[name] = number
    return found


def lifetime(claims: Mapping[str, Any] | None) -> float | None:
    """exp - iat in seconds, when both are sane numbers in seconds."""
    times = time_claims(claims or {})
    exp, iat = times.get("exp"), times.get("iat")
    if exp is None or iat is None or exp <= iat or exp >= MILLISECONDS_THRESHOLD:
        return None
    return exp - iat
