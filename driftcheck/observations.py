"""What collection saw: pure data, the same whether read live or from a recorded snapshot."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from driftcheck.deployed.interface import Reading
from driftcheck.tokens.parse import Damage

FailureKind = Literal[
    "dns",
    "refused",
    "timeout",
    "tls",
    "connection",
    "http-status",
    "not-json",
    "too-large",
    "off-host-redirect",
    "insecure-redirect",
    "redirect-loop",
    "insecure-url",
    "invalid-url",
    "off-host-url",
    "deadline",
    "collect-error",
]
FAILURE_KINDS: tuple[FailureKind, ...] = get_args(FailureKind)


def failure_kind(value: str) -> FailureKind:
    """`value` as a failure class (a recorded snapshot's `kind`); ValueError for any other."""
    for kind in FAILURE_KINDS:
        if kind == value:
            return kind
    raise ValueError(f"unknown failure class {value!r}")

# Response headers worth keeping: clock (Date, Age), caching (Cache-Control, ETag), shape.
RECORDED_HEADERS = (
    "date", "cache-control", "etag", "age", "content-type", "retry-after", "expires",
)


@dataclass(frozen=True)
class FetchFailure:
    kind: FailureKind
    detail: str


@dataclass(frozen=True)
class SecretObservation:
    """An HS* API's shared secret, as facts: never the value."""

    api: str
    source: str
    """"secret_env NAME" or "secret_file PATH"."""
    bits: int = 0
    fingerprint: str | None = None
    """Keyed per run: equal secrets within one run have equal fingerprints."""
    failure: str | None = None


@dataclass(frozen=True)
class HmacCheck:
    """How an HS* token fared against its API's secret."""

    api: str
    verified: bool
    transform: str | None = None
    """The mangled form of the configured secret that verifies, when the value itself does
    not (e.g. "base64-decoded")."""


@dataclass(frozen=True)
class HttpObservation:
    """One GET of one URL: where it ended, what came back, or why nothing usable did."""

    url: str
    final_url: str
    status: int | None
    elapsed_ms: float
    received_at: float
    """Local clock (epoch seconds) when the response headers arrived."""
    headers: Mapping[str, str] = field(default_factory=dict)
    body: Any = None
    """The parsed JSON object; None when the fetch failed."""
    failure: FetchFailure | None = None

    @property
    def ok(self) -> bool:
        return self.failure is None


@dataclass(frozen=True)
class TokenObservation:
    """One known-good token of one environment, as facts. Holds no token and no signature."""

    name: str
    environment: str
    source: str
    for_api: str | None = None
    failure: str | None = None
    """Why no token could be had (DC301), already free of secrets."""
    fingerprint: str | None = None
    damage: tuple[Damage, ...] = ()
    """Transport damage found and undone (DC302), in the order it was undone."""
    fatal: Damage | None = None
    """Why the token cannot be decoded at all, or None."""
    header: Mapping[str, Any] | None = None
    claims: Mapping[str, Any] | None = None
    signature_length: int = 0
    verified_by: tuple[str, ...] = ()
    """Thumbprints of the keys (from any environment) the signature verifies under."""
    checked_keys: tuple[str, ...] = ()
    """Thumbprints of every key it was checked against."""
    hmac: HmacCheck | None = None
    """For an HS* token whose API has a shared secret."""
    received_at: float = field(default=0.0)

    @property
    def alg(self) -> str | None:
        alg = (self.header or {}).get("alg")
        return alg if isinstance(alg, str) else None

    @property
    def kid(self) -> str | None:
        kid = (self.header or {}).get("kid")
        return kid if isinstance(kid, str) else None


ProbeCaseKind = Literal["no-token", "own", "other-env", "forged"]
ForgedKind = Literal["alg-none", "hs256-public-key", "wrong-key", "no-signature"]
FORGED_KINDS: tuple[ForgedKind, ...] = ("alg-none", "hs256-public-key", "wrong-key",
                                        "no-signature")


@dataclass(frozen=True)
class ProbeAnswer:
    """What a probed endpoint answered, already free of every token driftcheck sent."""

    status: int | None
    elapsed_ms: float = 0.0
    challenge_scheme: str | None = None
    """The auth scheme of `WWW-Authenticate` ("Bearer"), None when there was none."""
    challenge: Mapping[str, str] = field(default_factory=dict)
    """Its parameters (RFC 6750 §3: realm, error, error_description, scope, ...)."""
    content_type: str | None = None
    location: str | None = None
    """Where a redirect pointed (never followed)."""
    body_excerpt: str = ""
    """The start of the body, redacted, at most a few hundred characters."""
    failure: FetchFailure | None = None


@dataclass(frozen=True)
class ProbeCase:
    """One request of a probe: which token it carried (as facts), or why it was not sent."""

    kind: ProbeCaseKind
    label: str
    """"no token", "own token", "staging token", "alg none", ..."""
    environment: str | None = None
    """Whose known-good token it carried (own and other-env cases)."""
    token_name: str | None = None
    """That token's `[tokens.X]` name: its facts are that environment's TokenObservation."""
    forged: ForgedKind | None = None
    forged_token: TokenObservation | None = None
    """A forged token's decoded facts (never the token)."""
    skipped: str | None = None
    """Why the case was not sent; None when it was."""
    answer: ProbeAnswer | None = None


@dataclass(frozen=True)
class ProbeObservation:
    """The live probe of one API or gateway of one environment."""

    environment: str
    component: str
    """"apis.orders" or "gateways.edge"."""
    url: str
    method: str
    cases: tuple[ProbeCase, ...] = ()
    out_of_scope: int = 0
    """Other environments whose tokens were not sent: outside the default cross-environment
    scope (`--probe-scope all` sends them)."""
    withheld_prod: int = 0
    """prod environments whose tokens were withheld: never sent to a non-prod URL."""


@dataclass(frozen=True)
class EnvironmentObservation:
    """Which URLs stand for which facts of one environment (responses are shared)."""

    environment: str
    discovery_url: str
    jwks_url: str | None = None
    """The JWKS actually used: the discovered `jwks_uri`, else the declared one."""
    declared_jwks_url: str | None = None
    runtime_config_urls: Mapping[str, str] = field(default_factory=dict)
    """Frontend name -> runtime configuration URL."""
    tokens: tuple[TokenObservation, ...] = ()
    secrets: tuple[SecretObservation, ...] = ()
    probes: tuple[ProbeObservation, ...] = ()

    def urls(self) -> list[str]:
        found = [self.discovery_url, self.jwks_url, self.declared_jwks_url,
                 *self.runtime_config_urls.values()]
        return list(dict.fromkeys(u for u in found if u))


@dataclass(frozen=True)
class Observations:
    collected_at: float
    responses: Mapping[str, HttpObservation] = field(default_factory=dict)
    environments: Mapping[str, EnvironmentObservation] = field(default_factory=dict)
    deployed: Mapping[str, tuple[Reading, ...]] = field(default_factory=dict)
    """Environment name -> what its deployed artifacts said when read (local files)."""

    def response(self, url: str | None) -> HttpObservation | None:
        return None if url is None else self.responses.get(url)

    def discovery(self, environment: str) -> HttpObservation | None:
        seen = self.environments.get(environment)
        return None if seen is None else self.responses.get(seen.discovery_url)

    def jwks(self, environment: str) -> HttpObservation | None:
        seen = self.environments.get(environment)
        return None if seen is None else self.response(seen.jwks_url)
