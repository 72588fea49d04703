"""The sandbox's protected APIs: one per tenant at `/apis/NAME/orders/ping`, GET or HEAD.

Each validates bearer tokens the way a careful API does (RFC 6750 §3 challenges, algorithms
pinned to the tenant's, keys from the tenant's JWKS, exact issuer, audience, time with 60 s
leeway) and answers rejections with PyJWT's messages, so that `driftcheck diagnose` reads
the step. Faults (see `ApiFaults`) make it misbehave as deployed APIs do.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.util import urlsafe_b64decode

if TYPE_CHECKING:
    from driftcheck.sandbox.server import Sandbox

LEEWAY = 60


@dataclass(frozen=True)
class ApiFaults:
    """Switchable misbehaviour of one tenant's protected API. All off by default."""

    audience: str | None = None
    """The audience it accepts instead of `api://orders-NAME` (a drifted config map)."""
    exact_issuer: str | None = None
    """The issuer it compares with exactly, instead of the tenant's (e.g. with a '/')."""
    accepts_tenants: tuple[str, ...] = ()
    """Other tenants whose issuer, audience and keys it also trusts."""
    accepts_alg_none: bool = False
    no_challenge: bool = False
    """Rejections come without `WWW-Authenticate` and without an error body."""
    unauthenticated: bool = False
    """The route answers 200 without any token."""


API_FAULT_NAMES = tuple(ApiFaults.__dataclass_fields__)


def api_fault_value(name: str, raw: str | None) -> object:
    """A fault's value from the command line: flags need none, `accepts_tenants` is a
    comma-separated list, the others are strings."""
    if name in ("accepts_alg_none", "no_challenge", "unauthenticated"):
        return raw is None or raw.lower() in ("1", "true", "yes", "on")
    if name == "accepts_tenants":
        return tuple(t for t in (raw or "").split(",") if t)
    if not raw:
        raise ValueError(f"{name} needs a value ({name}=VALUE)")
    return raw


@dataclass(frozen=True)
class Answer:
    status: int
    body: Mapping[str, Any] | None
    headers: Mapping[str, str] = field(default_factory=dict)


class _Rejected(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _b64json(segment: str) -> Any:
    return json.loads(urlsafe_b64decode(segment.encode("ascii")))


def _verify(sandbox: Sandbox, tenant: str, faults: ApiFaults, token: str) -> dict[str, Any]:
    """The claims of an accepted token; raises _Rejected with PyJWT's message."""
    parts = token.split(".")
    if len(parts) != 3:
        raise _Rejected("Not enough segments")
    try:
        header, claims = _b64json(parts[0]), _b64json(parts[1])
    except (ValueError, UnicodeError):
        raise _Rejected("Invalid header padding") from None
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise _Rejected("Invalid token type")
    trusted = (tenant, *faults.accepts_tenants)
    alg = header.get("alg")
    if alg == "none" and faults.accepts_alg_none:
        pass  # the fault: an unsigned token is taken at its word
    else:
        allowed = {sandbox.tenant(t).faults.alg for t in trusted}
        if alg not in allowed:
            raise _Rejected("The specified alg value is not allowed")
        keys = [k for t in trusted for k in sandbox.jwks(t)["keys"]
                if k.get("kid") == header.get("kid")]
        if not keys:
            raise _Rejected(f'Unable to find a signing key that matches: "{header.get("kid")}"')
        try:
            jws.deserialize_compact(token, KeySet.import_key_set({"keys": keys}),
                                    algorithms=[str(alg)])
        except (JoseError, ValueError):
            raise _Rejected("Signature verification failed") from None
    now = time.time()
    exp, nbf = claims.get("exp"), claims.get("nbf")
    if isinstance(exp, int | float) and now > exp + LEEWAY:
        raise _Rejected("Signature has expired")
    if isinstance(nbf, int | float) and now + LEEWAY < nbf:
        raise _Rejected("The token is not yet valid (nbf)")
    issuers = {faults.exact_issuer or sandbox.tenant_url(tenant)} | {
        sandbox.issuer(t) for t in faults.accepts_tenants}  # as the other tenant emits it
    if claims.get("iss") not in issuers:
        raise _Rejected("Invalid issuer")
    audiences = {faults.audience or f"api://orders-{tenant}"} | {
        f"api://orders-{t}" for t in faults.accepts_tenants}
    aud = claims.get("aud")
    given = {aud} if isinstance(aud, str) else set(aud) if isinstance(aud, list) else set()
    if not given & audiences:
        raise _Rejected("Invalid audience")
    return claims


def answer(sandbox: Sandbox, tenant: str, faults: ApiFaults,
           authorization: str | None) -> Answer:
    challenge = f'Bearer realm="orders-{tenant}"'
    if not authorization:
        if faults.unauthenticated:
            return Answer(200, {"ok": True, "subject": None})
        if faults.no_challenge:
            return Answer(401, None)
        return Answer(401, {"error": "unauthorized"}, {"WWW-Authenticate": challenge})
    scheme, _, token = authorization.partition(" ")
    try:
        if scheme.lower() != "bearer" or not token.strip():
            raise _Rejected("Not enough segments")
        claims = _verify(sandbox, tenant, faults, token.strip())
    except _Rejected as rejected:
        if faults.no_challenge:
            return Answer(401, None)
        description = rejected.message.replace('"', "'")
        return Answer(401, {"error": "invalid_token", "error_description": rejected.message},
                      {"WWW-Authenticate": f'{challenge}, error="invalid_token", '
                       f'error_description="{description}"'})
    return Answer(200, {"ok": True, "subject": claims.get("sub")})
