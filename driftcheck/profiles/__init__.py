"""Validator profiles: what each JWT validating framework enforces by default, with sources.

The data lives in `profiles.toml` beside this module; this module only reads and types it.
`effective.py` combines a profile with what an environment file declares.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields
from functools import cache
from importlib import resources
from typing import Generic, Literal, TypeVar, cast

T = TypeVar("T")

IssuerComparison = Literal["exact", "strip-trailing-slash", "url-normalized"]
ISSUER_COMPARISONS: tuple[IssuerComparison, ...] = (
    "exact", "strip-trailing-slash", "url-normalized")
AudienceHandling = Literal["when-configured", "required", "not-checked"]
KeyLookup = Literal["any", "single", "exact"]
"""How a token without `kid` finds its key: every key of its algorithm's type is tried
("any"), only the set's one key ("single"), or none, the kid must equal a key's ("exact")."""
KEY_LOOKUPS: tuple[KeyLookup, ...] = ("any", "single", "exact")


@dataclass(frozen=True)
class Sourced(Generic[T]):
    """One default and where it was read."""

    value: T
    source: str


@dataclass(frozen=True)
class Profile:
    name: str
    title: str
    library: str
    issuer_comparison: Sourced[str]
    """One of ISSUER_COMPARISONS."""
    issuer_template: Sourced[bool]
    """Whether it can match an Entra ID `{tenantid}` issuer template against `tid`."""
    audience: Sourced[AudienceHandling]
    audience_array: Sourced[bool]
    clock_skew: Sourced[float]
    jwks_cache: Sourced[float | None]
    """Seconds a fetched key set is used; None: keys are configured, never fetched."""
    refetch_on_unknown_kid: Sourced[bool]
    refetch_cooldown: Sourced[float]
    key_lookup: Sourced[KeyLookup]
    exp_required: Sourced[bool]
    exp_checked: Sourced[bool]
    nbf_checked: Sourced[bool]
    iat_checked: Sourced[bool]
    algorithms: Sourced[str]
    default_algorithms: Sourced[tuple[str, ...]]
    """What it accepts when the API declares no `algorithms`; empty: whatever the keys allow."""
    algorithms_setting: Sourced[str]
    """Where the framework itself is told which algorithms to accept; "" when it has none."""
    issuer_setting: Sourced[str]
    """Where the framework is told which issuers to accept; "" when it has no such setting.
    The same for the other `*_setting` fields: what fixes name besides the key path."""
    audience_setting: Sourced[str]
    clock_skew_setting: Sourced[str]
    jwks_uri_setting: Sourced[str]
    """Where it is told its key set's URL."""
    jwks_cache_setting: Sourced[str]
    """Where it is told how long to cache the key set."""
    typ_setting: Sourced[str]
    max_age_setting: Sourced[str]
    """Where a maximum token age (from iat) is set."""
    typ: Sourced[str]

    def values(self) -> Mapping[str, Sourced[object]]:
        """Every sourced value by field name, in declaration order."""
        return {f.name: getattr(self, f.name) for f in fields(self)
                if isinstance(getattr(self, f.name), Sourced)}

    @property
    def rotation_lead(self) -> float | None:
        """How long before first use a new signing key must be published, by default."""
        return rotation_lead(self.jwks_cache.value, self.refetch_on_unknown_kid.value,
                             self.refetch_cooldown.value)


def rotation_lead(cache_window: float | None, refetches: bool, cooldown: float) -> float | None:
    """A validator that refetches on an unknown kid picks a new key up within its cooldown;
    one that does not keeps the old set for its whole cache window. None: never fetched."""
    if refetches:
        return cooldown
    return cache_window


DEFAULT_PROFILE = "strict"

_SCALARS = {"title", "library"}


def _sourced(name: str, field: str, raw: object) -> Sourced[object]:
    if not isinstance(raw, dict) or "value" not in raw or not raw.get("source"):
        raise ValueError(f"profiles.toml: {name}.{field} needs a value and a source")
    value = raw["value"]
    if field == "jwks_cache":
        value = None if value == "static" else float(value)
    elif field == "default_algorithms":
        value = tuple(str(a) for a in value)
    elif field in ("clock_skew", "refetch_cooldown"):
        value = float(value)
    elif field == "key_lookup" and value not in KEY_LOOKUPS:
        raise ValueError(f"profiles.toml: {name}.key_lookup {value!r} is unknown")
    elif field == "issuer_comparison" and value not in ISSUER_COMPARISONS:
        raise ValueError(f"profiles.toml: {name}.issuer_comparison {value!r} is unknown")
    return Sourced(value, str(raw["source"]))


@cache
def profiles() -> dict[str, Profile]:
    """Every profile by name, in file order."""
    text = resources.files(__name__).joinpath("profiles.toml").read_text(encoding="utf-8")
    loaded: dict[str, Profile] = {}
    wanted = [f.name for f in fields(Profile) if f.name != "name"]
    for name, table in tomllib.loads(text).items():
        missing = [f for f in wanted if f not in table]
        if missing:
            raise ValueError(f"profiles.toml: {name} lacks {', '.join(missing)}")
        values = {f: (str(table[f]) if f in _SCALARS else _sourced(name, f, table[f]))
                  for f in wanted}
        loaded[name] = Profile(name=name, **cast(dict[str, object], values))  # type: ignore[arg-type]
    return loaded


def get_profile(name: str) -> Profile:
    """The named profile; the loader has already refused unknown names."""
    return profiles().get(name) or profiles()[DEFAULT_PROFILE]
