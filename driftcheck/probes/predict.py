"""What driftcheck's own validation predicts a component does with a token.

The same order a validator runs (parse, algorithm, key, signature, time, issuer, audience,
claims), judged from the declared settings and the validator profile (profiles/effective.py)
against the token's recorded facts. A prediction is only made when the facts allow one:
`accepted` is None when driftcheck cannot tell (no key set was fetched, an HS* token whose
secret driftcheck does not hold), and then nothing is compared with it.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from driftcheck.models import Api, Environment, Gateway
from driftcheck.observations import TokenObservation
from driftcheck.profiles.effective import EffectiveValidator, effective
from driftcheck.tokens.claims import ASYMMETRIC_ALGORITHMS, HMAC_BITS, time_claims


@dataclass(frozen=True)
class Prediction:
    accepted: bool | None
    """None: driftcheck cannot tell."""
    step: str | None = None
    """The first step that fails (a Step value), when rejected."""
    reason: str = ""

    def describe(self) -> str:
        if self.accepted is None:
            return f"no prediction ({self.reason})"
        if self.accepted:
            return "accepted"
        return f"rejected at {self.step} ({self.reason})"


def _audiences(claims: dict[str, object]) -> list[str]:
    aud = claims.get("aud")
    if isinstance(aud, str):
        return [aud]
    return [a for a in aud if isinstance(a, str)] if isinstance(aud, list) else []


def _signature(component: Api | Gateway, token: TokenObservation, alg: str,
               key_thumbprints: Collection[str] | None,
               key_ids: Collection[str] | None, key_lookup: str) -> Prediction | None:
    """The key and signature steps: a verdict when they decide, None when they pass."""
    secret = isinstance(component, Api) and bool(component.secret_env or component.secret_file)
    if alg in HMAC_BITS:
        if not secret:
            return Prediction(False, "signature", f"{alg} but no shared secret is configured: "
                              "a public key is never an HMAC secret")
        if token.hmac is None:
            return Prediction(None, None, "driftcheck holds no verdict for this HMAC token")
        if not token.hmac.verified:
            return Prediction(False, "signature", "the shared secret does not verify it")
        return None
    if alg not in ASYMMETRIC_ALGORITHMS:
        return Prediction(None, None, f"unknown algorithm {alg}")
    if key_thumbprints is None or key_ids is None:
        return Prediction(None, None, "the environment's key set was not fetched")
    kid = token.kid
    if kid is not None and kid not in key_ids:
        return Prediction(False, "key", f"kid {kid} is not published")
    if kid is None and (key_lookup == "exact"
                        or (key_lookup == "single" and len(key_thumbprints) > 1)):
        return Prediction(False, "key", "no kid, and this validator needs one to find a key")
    if not set(token.verified_by) & set(key_thumbprints):
        return Prediction(False, "signature", "no published key verifies the signature")
    return None


def _claims(component: Api | Gateway, validator: EffectiveValidator,
            claims: dict[str, Any], now: float) -> Prediction | None:
    """The time, issuer, audience and required-claim steps: a verdict when one rejects."""
    profile = validator.profile
    times = time_claims(claims)
    skew = validator.clock_skew.value
    if "exp" in times and profile.exp_checked.value and now > times["exp"] + skew:
        return Prediction(False, "time", "expired")
    if "exp" not in times and validator.exp_required.value:
        return Prediction(False, "time", "no exp, which this validator requires")
    if "nbf" in times and profile.nbf_checked.value and now + skew < times["nbf"]:
        return Prediction(False, "time", "not yet valid")
    iss = claims.get("iss")
    if not isinstance(iss, str) or not validator.accepts_issuer(iss, claims):
        return Prediction(False, "issuer", f"iss {iss!r} is not accepted")
    handling = profile.audience.value
    audiences = _audiences(claims)
    if handling != "not-checked":
        if component.audiences and not set(audiences) & set(component.audiences):
            return Prediction(False, "audience", f"aud {audiences} names none of "
                              f"{', '.join(component.audiences)}")
        if not component.audiences and handling == "required" and audiences:
            return Prediction(False, "audience", "no audience is configured and this "
                              "validator requires one")
    if isinstance(component, Api):
        missing = [c for c in component.required_claims if c not in claims]
        if missing:
            return Prediction(False, "claims", f"missing {', '.join(missing)}")
    return None


def predict(
    environment: Environment,
    family: str,
    component: Api | Gateway,
    token: TokenObservation,
    key_thumbprints: Collection[str] | None,
    key_ids: Collection[str] | None,
    now: float,
) -> Prediction:
    """`key_thumbprints`/`key_ids`: the keys the environment's JWKS publishes (None when it
    was not fetched)."""
    if token.fatal is not None or token.header is None or token.claims is None:
        return Prediction(False, "parse", "the token cannot be decoded")
    validator = effective(environment, family, component)
    alg = token.alg
    allowed = component.algorithms or validator.profile.default_algorithms.value
    if not isinstance(alg, str) or alg.lower() == "none":
        return Prediction(False, "algorithm", "alg none is never accepted")
    if allowed and alg not in allowed:
        return Prediction(False, "algorithm", f"{alg} is not among {', '.join(allowed)}")
    decided = (_signature(component, token, alg, key_thumbprints, key_ids,
                          validator.profile.key_lookup.value)
               or _claims(component, validator, dict(token.claims), now))
    return decided or Prediction(True, reason="every declared check passes")
