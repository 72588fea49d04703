"""Sandbox tenants: what each one serves, and the faults that can be switched on per tenant."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

SigningAlg = Literal["RS256", "ES256"]


@dataclass(frozen=True)
class Faults:
    """Switchable misbehaviour of one tenant. All off by default."""

    trailing_slash_issuer: bool = False
    """Discovery `issuer` and tokens' `iss` get a trailing '/'."""
    advertised_issuer: str | None = None
    """Discovery and tokens say this issuer instead of the tenant's own."""
    rotated_key: bool = False
    """Tokens are signed by the previous key, which the JWKS no longer publishes."""
    shared_key_with: str | None = None
    """Publish and sign with this other tenant's current key (same key material and kid)."""
    clock_offset: float = 0.0
    """Seconds added to the `Date` header and to token times (positive: the IdP runs ahead)."""
    hs256: bool = False
    """Sign tokens HS256 with the tenant's shared secret instead of its asymmetric key."""
    expired_tokens: bool = False
    """Tokens expired 10 minutes before they are issued."""
    id_tokens: bool = False
    """The access token is shaped like an ID token (aud = client_id, nonce, no scope)."""
    latency: float = 0.0
    """Seconds to wait before every response of this tenant."""
    alg: SigningAlg = "RS256"
    jwks_max_age: int = 600
    """`Cache-Control: max-age` of the JWKS, in seconds."""
    publish_previous_key: bool = False
    """Keep the previous key in the JWKS (a rotation overlap)."""
    discovery_overrides: Mapping[str, Any] = field(default_factory=dict)
    """Fields replaced in the discovery document; a value of None removes the field."""
    status_overrides: Mapping[str, int] = field(default_factory=dict)
    """Endpoint ("discovery", "jwks", "token", "config") -> HTTP status to answer with."""
    frontend_config_overrides: Mapping[str, Any] = field(default_factory=dict)
    """Fields replaced at the top level of the frontend runtime config; "{sandbox}" in a
    string value becomes the sandbox's base URL."""
    token_lifetime: int = 3600
    jwks_extra_keys: tuple[Mapping[str, Any], ...] = ()
    """JWKs appended verbatim to the published set (a weak, private or symmetric key, say)."""


FAULT_NAMES = tuple(Faults.__dataclass_fields__)


@dataclass(frozen=True)
class Client:
    client_id: str
    secret: str
    audiences: tuple[str, ...]
    scopes: tuple[str, ...] = ()


@dataclass(frozen=True)
class TenantSpec:
    name: str
    clients: tuple[Client, ...] = ()
    web_client_id: str | None = None
    faults: Faults = field(default_factory=Faults)


def default_tenant(name: str, faults: Faults | None = None) -> TenantSpec:
    """A tenant with one machine client `probe-NAME` for `api://orders-NAME`."""
    return TenantSpec(
        name=name,
        clients=(
            Client(
                client_id=f"probe-{name}",
                secret=secrets.token_urlsafe(24),
                audiences=(f"api://orders-{name}",),
                scopes=("orders.read", "orders.write"),
            ),
        ),
        web_client_id=f"web-{name}",
        faults=faults or Faults(),
    )
