"""What each API and gateway really enforces: its declared values, else its profile's defaults.

Every effective value remembers where it came from ("60 s, spring-security default" or
"apis.orders.clock_skew"), so findings and the matrix can say why a threshold applies.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

from driftcheck.compare import TENANT_PLACEHOLDER, issuer_accepted
from driftcheck.durations import seconds_text
from driftcheck.models import Api, Environment, Gateway
from driftcheck.profiles import Profile, Sourced, get_profile, rotation_lead

T = TypeVar("T")
TimeClaim = Literal["exp", "nbf", "iat"]


def yes_no(value: object) -> str:
    """Booleans as words; anything else as text."""
    return ("yes" if value else "no") if isinstance(value, bool) else str(value)


@dataclass(frozen=True)
class Effective(Generic[T]):
    value: T
    origin: str
    """A key path ("apis.orders.clock_skew") when declared, else "<profile> default"."""
    key_path: str
    """Where to change it: the declared key, or the component's `validator`. (The profile's
    source for a default is in `driftcheck profiles NAME`.)"""

    @property
    def declared(self) -> bool:
        return self.key_path == self.origin

    def describe(self, render: Callable[[T], str] = lambda v: yes_no(v)) -> str:
        return f"{render(self.value)}, {self.origin}"

    def brief(self, render: Callable[[T], str] = lambda v: yes_no(v)) -> str:
        """"60 s, declared" or "60 s, spring-security default": for narrow tables."""
        return f"{render(self.value)}, {'declared' if self.declared else self.origin}"


@dataclass(frozen=True)
class EffectiveValidator:
    component: str
    """"apis.orders" or "gateways.edge"."""
    profile: Profile
    issuers: tuple[str, ...]
    """The issuers it is configured with (its own, else the environment's `idp.issuer`)."""
    issuer_template: str | None
    issuer_comparison: Effective[str]
    clock_skew: Effective[float]
    jwks_cache: Effective[float | None]
    refetch_on_unknown_kid: Effective[bool]
    refetch_cooldown: Effective[float]
    exp_required: Effective[bool]
    algorithms: Effective[tuple[str, ...]]
    """What it accepts: the declared `algorithms`, else its profile's default (() = any the
    keys allow)."""

    def checks(self, claim: TimeClaim) -> Sourced[bool]:
        """Whether it checks `exp`, `nbf`, or `iat` in the future, with the profile's source
        (no environment-file key changes these)."""
        profile = self.profile
        return {"exp": profile.exp_checked, "nbf": profile.nbf_checked,
                "iat": profile.iat_checked}[claim]

    @property
    def label(self) -> str:
        return f"{self.component} ({self.profile.name})"

    @property
    def rotation_lead(self) -> float | None:
        """How long before first use a new signing key must be published for this validator."""
        return rotation_lead(self.jwks_cache.value, self.refetch_on_unknown_kid.value,
                             self.refetch_cooldown.value)

    def rotation_lead_reason(self) -> str:
        refetch, cache = self.refetch_on_unknown_kid, self.jwks_cache
        if refetch.value:
            cooldown = self.refetch_cooldown.value
            return ("refetches on an unknown kid" + (
                f" at most every {seconds_text(cooldown)}" if cooldown else " at once")
                + f", {refetch.origin}")
        if cache.value is None:
            return f"keys are configured, never fetched, {cache.origin}"
        origins = cache.origin if cache.origin == refetch.origin else (
            f"{cache.origin}; {refetch.origin}")
        return (f"caches the key set for {seconds_text(cache.value)} and does not refetch on "
                f"an unknown kid, {origins}")

    def expected_issuers(self, claims: Mapping[str, object] | None = None) -> list[str]:
        """Configured issuers, plus the template filled in from the token's `tid`."""
        expected = list(self.issuers)
        if self.issuer_template and self.profile.issuer_template.value:
            tid = (claims or {}).get("tid")
            if isinstance(tid, str) and tid:
                expected.append(self.issuer_template.replace(TENANT_PLACEHOLDER, tid))
        return expected

    def accepts_issuer(self, iss: str, claims: Mapping[str, object] | None = None) -> bool:
        comparison = self.issuer_comparison.value
        return any(issuer_accepted(comparison, e, iss) for e in self.expected_issuers(claims))


def _pick(component: str, profile: Profile, key: str, declared: T | None,
          default: Sourced[T]) -> Effective[T]:
    if declared is not None:
        path = f"{component}.{key}"
        return Effective(declared, path, path)
    return Effective(default.value, f"{profile.name} default", f"{component}.validator")


def effective(environment: Environment, family: str, validator: Api | Gateway) -> (
        EffectiveValidator):
    component = f"{family}.{validator.name}"
    profile = get_profile(validator.validator)
    return EffectiveValidator(
        component=component,
        profile=profile,
        issuers=validator.issuers or (environment.idp.issuer,),
        issuer_template=validator.issuer_template,
        issuer_comparison=_pick(component, profile, "issuer_comparison",
                                validator.issuer_comparison, profile.issuer_comparison),
        clock_skew=_pick(component, profile, "clock_skew", validator.clock_skew,
                         profile.clock_skew),
        jwks_cache=_pick(component, profile, "jwks_cache_ttl", validator.jwks_cache_ttl,
                         profile.jwks_cache),
        refetch_on_unknown_kid=_pick(component, profile, "refetch_on_unknown_kid",
                                     validator.refetch_on_unknown_kid,
                                     profile.refetch_on_unknown_kid),
        refetch_cooldown=_pick(component, profile, "refetch_cooldown", None,
                               profile.refetch_cooldown),
        exp_required=_pick(component, profile, "require_exp", validator.require_exp,
                           profile.exp_required),
        algorithms=_pick(component, profile, "algorithms", validator.algorithms or None,
                         profile.default_algorithms),
    )


def validators_of(environment: Environment) -> Iterator[EffectiveValidator]:
    """Every API, then every gateway, of the environment with its effective behaviour."""
    for name in environment.apis:
        yield effective(environment, "apis", environment.apis[name])
    for name in environment.gateways:
        yield effective(environment, "gateways", environment.gateways[name])


def api_validator(environment: Environment, api: Api | None) -> EffectiveValidator | None:
    return effective(environment, "apis", api) if api is not None else None
