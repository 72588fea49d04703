"""Fixes that name what to change for this component and its validator: the key path in the
environment file and, where a validator profile applies, that framework's own setting (a
sourced `*_setting` field of the profile), plus the deployed file and line that set the value
when the component's deployed artifacts were read.

One table (`ASPECTS`) says, per kind of setting, which key, profile field and deployed field
belong together; `where_to_change` turns one (component, aspect) into words, and the small
`*_fix` functions below compose a rule's sentence from it. Rules only call them.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from driftcheck.durations import format_seconds
from driftcheck.models import Api, Environment
from driftcheck.observations import TokenObservation
from driftcheck.profiles import DEFAULT_PROFILE, Sourced, get_profile
from driftcheck.profiles.effective import validators_of
from driftcheck.rules.registry import RuleContext
from driftcheck.rules.verdicts import skew_verdicts


@dataclass(frozen=True)
class Aspect:
    """One kind of validator setting, as the environment file, the profile and the deployed
    readers each name it."""

    key: str
    """The component's key in the environment file (`apis.orders.<key>`)."""
    setting: str
    """The profile field naming the framework's own setting."""
    noun: str
    """For "<profile> has no <noun> setting"."""
    deployed: str | None
    """The deployed reading's field that carries it; None: no reader reads it."""
    without: str = ""
    """Said after "has no <noun> setting" (why that is not a gap)."""


ASPECTS: dict[str, Aspect] = {a.key: a for a in (
    Aspect("algorithms", "algorithms_setting", "algorithm", "algorithms",
           "its JWKS keys decide"),
    Aspect("issuers", "issuer_setting", "issuer", "issuers"),
    Aspect("audiences", "audience_setting", "audience", "audiences"),
    Aspect("clock_skew", "clock_skew_setting", "clock skew", "clock_skew"),
    Aspect("jwks_uri", "jwks_uri_setting", "key set URL", "jwks_uri"),
    Aspect("jwks_cache_ttl", "jwks_cache_setting", "key-set cache", "jwks_cache_ttl"),
    Aspect("accepts", "typ_setting", "token type", None),
    Aspect("max_token_age", "max_age_setting", "maximum token age", None),
)}


def _validator(environment: Environment, component: str) -> str | None:
    family, _, name = component.partition(".")
    if family == "apis" and name in environment.apis:
        return environment.apis[name].validator
    if family == "gateways" and name in environment.gateways:
        return environment.gateways[name].validator
    return None


def _deployed_at(context: RuleContext | None, environment: Environment, component: str,
                 aspect: Aspect) -> str | None:
    """"deploy/application.yml:12 (spring...issuer-uri)": where the component's deployed
    artifacts set this value; None when nothing deployed sets it in a file."""
    if context is None or aspect.deployed is None:
        return None
    for reading in context.deployed.get(environment.name, ()):
        if reading.component != component:
            continue
        setting = reading.setting(aspect.deployed)
        if setting is not None and setting.origin.file is not None:
            return str(setting.origin)
    return None


def framework_setting(environment: Environment, component: str,
                      key: str) -> tuple[str, Sourced[str]] | None:
    """(profile name, its sourced setting for `key`) when the component has a non-default
    validator profile; None for the default profile (the key path is the setting)."""
    validator = _validator(environment, component)
    if validator is None or validator == DEFAULT_PROFILE:
        return None
    profile = get_profile(validator)
    sourced = getattr(profile, ASPECTS[key].setting)
    assert isinstance(sourced, Sourced)
    return profile.name, sourced


def where_to_change(environment: Environment, component: str, key: str,
                    context: RuleContext | None = None) -> str:
    """What follows a sentence that names `{component}.{key}`: the framework's own setting
    when the component has a non-default validator profile, and the deployed file and line.
    "" for a component with the default profile and nothing deployed (the key path is all)."""
    aspect = ASPECTS[key]
    text = ""
    framework = framework_setting(environment, component, key)
    if framework is not None:
        name, sourced = framework
        if sourced.value:
            text = f", and the same in {name}'s `{sourced.value}` where {component} is deployed"
        else:
            text = (f" ({name} has no {aspect.noun} setting"
                    + (f": {aspect.without})" if aspect.without else ")"))
    deployed = _deployed_at(context, environment, component, aspect)
    if deployed is not None:
        text += f" (deployed: {deployed})"
    return text


def _quoted(values: Iterable[str]) -> str:
    return ", ".join(f'"{v}"' for v in values)


# -- algorithms (DC107, DC303, DC404) ---------------------------------------------------------

def algorithms_fix(environment: Environment, component: str, signs_with: Sequence[str]) -> str:
    """Align one API's or gateway's accepted algorithms with what its IdP signs with."""
    text = (f"Set `{component}.algorithms = [{_quoted(signs_with)}]` (what the IdP signs with)"
            if signs_with else
            f"List in `{component}.algorithms` exactly the algorithms the IdP signs with")
    return (text + where_to_change(environment, component, "algorithms")
            + "; or make the IdP sign with an algorithm the API accepts.")


SNAPSHOT_ONLY = "(snapshot)"
"""The `file` of an environment `diff` made from snapshots alone (run.SNAPSHOT_ONLY): it has
no file whose keys a fix could name."""


def _from_files(environment: Environment | None) -> bool:
    return environment is not None and environment.file != SNAPSHOT_ONLY


def algorithms_drift_fix(environment: Environment | None, added: Sequence[str]) -> str | None:
    """DC604: every API and gateway whose declared `algorithms` lacks an algorithm the IdP
    now signs with; None when none does (or without environment files)."""
    if environment is None or not _from_files(environment) or not added:
        return None
    parts = []
    for validator in validators_of(environment):
        component = validator.component
        family, _, name = component.partition(".")
        holder = environment.apis.get(name) if family == "apis" else environment.gateways.get(
            name)
        declared = holder.algorithms if holder is not None else ()
        missing = [a for a in added if a not in declared]
        if declared and missing:
            parts.append(f"add {_quoted(missing)} to `{component}.algorithms`"
                         + where_to_change(environment, component, "algorithms"))
    if not parts:
        return None
    return ("Before the IdP signs with the new algorithm: " + "; ".join(parts)
            + "; or revert the IdP change.")


# -- issuers (DC101-DC103, DC309) -------------------------------------------------------------

def discovered_issuer_fix(context: RuleContext, environment: Environment, discovered: str,
                          kind: str) -> str:
    """`idp.issuer` and every API and gateway that is told the issuer itself: set them to the
    discovery document's issuer, verbatim."""
    parts = [f'Set `idp.issuer = "{discovered}"` (the discovery document\'s issuer, '
             "verbatim)"]
    for validator in context.facts.validators[environment.name]:
        component = validator.component
        if discovered in validator.issuers:
            continue
        extra = where_to_change(environment, component, "issuers", context)
        if _declared_issuers(environment, component):
            parts.append(f"the same in `{component}.issuers`{extra}")
        elif (framework := framework_setting(environment, component, "issuers")) and \
                framework[1].value:
            parts.append(f"the same in {framework[0]}'s `{framework[1].value}` where "
                         f"{component} is deployed (it inherits idp.issuer)")
    text = "; ".join(parts)
    if kind == "drift":
        text += "; or revert the IdP change"
    elif kind == "other":
        text += "; or point `idp.discovery_url` at the tenant that mints this environment's tokens"
    elif kind != "trailing-slash":
        text += "; validators compare strings, not normalized URLs"
    return text + "."


def issuer_drift_fix(context: RuleContext, environment: Environment | None,
                     new: str) -> str | None:
    """DC602: follow the IdP's new issuer everywhere; None without environment files."""
    if environment is None or not _from_files(environment):
        return None
    return discovered_issuer_fix(context, environment, new, "drift")


def _declared_issuers(environment: Environment, component: str) -> tuple[str, ...]:
    family, _, name = component.partition(".")
    holder = environment.apis.get(name) if family == "apis" else environment.gateways.get(name)
    return holder.issuers if holder is not None else ()


def token_issuer_fix(context: RuleContext, environment: Environment, api: Api | None,
                     iss: str, crossover: Sequence[str], emitted: Collection[str]) -> str | None:
    """DC309: the API's issuers, set to `iss` when this environment's IdP emits it; None (the
    rule's own fix) for a token from another environment or a token bound to no API."""
    if api is None or crossover:
        return None
    component = f"apis.{api.name}"
    declared = _declared_issuers(environment, component)
    key = f"{component}.issuers" if declared else "idp.issuer"
    extra = where_to_change(environment, component, "issuers", context)
    if iss in emitted:
        lead = (f'Set `{key} = "{iss}"`' if not declared else
                f'Set `{key} = ["{iss}"]`' if len(declared) == 1 else
                f'Put "{iss}" in `{key}` in place of the issuer it replaces')
        return f"{lead} (what this environment's IdP emits){extra}."
    return (f"List in `{key}` exactly the `issuer` of this environment's discovery document"
            f"{extra}; and send tokens from this environment's IdP.")


# -- audiences (DC310, DC504, DC505) ----------------------------------------------------------

def audience_fix(context: RuleContext, environment: Environment, api: Api,
                 token: TokenObservation, audiences: Sequence[str],
                 crossover: Sequence[str]) -> str | None:
    """DC310. A token of another environment or an ID token (aud = a frontend's client_id)
    is the token's problem (None: the rule's own fix); otherwise request the API's audience,
    or accept the token's."""
    client_ids = {f.client_id for f in environment.frontends.values() if f.client_id}
    if crossover or client_ids & set(audiences):
        return None
    component = f"apis.{api.name}"
    token_key = f"tokens.{token.name}" if token.name in environment.tokens else "tokens"
    extra = where_to_change(environment, component, "audiences", context)
    if not api.audiences:
        wanted = _quoted(audiences) if audiences else '"<this API\'s audience>"'
        return (f"Set `{component}.audiences = [{wanted}]`{extra}: its validator rejects "
                "tokens with aud when none is configured.")
    if not audiences:
        return (f"Request the token for one of `{component}.audiences` (`resource`, "
                f"`audience` or `scope` in `{token_key}` or at the IdP), so that it carries aud.")
    return (f"Request the token for one of `{component}.audiences` (`resource`, `audience` or "
            f"`scope` in `{token_key}` or at the IdP); or, if {_quoted(audiences)} is this "
            f"API's own audience, add it to `{component}.audiences`{extra}.")


def shared_value_fix(context: RuleContext, environment: Environment, where: str,
                     graded: bool) -> str | None:
    """DC504 (and DC503, which shares its code): a graded shared value accepted by an API or
    gateway (`where` is "apis.orders": only audiences are found there) gets the key path and
    framework setting; a client ID, or an info finding, keeps the rule's own fix."""
    if not graded or not where.startswith(("apis.", "gateways.")):
        return None
    return (f"Give `{where}.audiences` an audience of {environment.name}'s own (`api://...-"
            f"{environment.name}`){where_to_change(environment, where, 'audiences', context)}; "
            "or declare the sharing with `allow_shared = [\"audience\"]`.")


def crossover_fix(context: RuleContext, environment: Environment, key_path: str,
                  other: str) -> str | None:
    """DC505: an API's or gateway's accepted issuers or audiences that name another
    environment's value; anything else keeps the rule's own fix."""
    component, _, key = key_path.rpartition(".")
    if key not in ("issuers", "audiences") or not component.startswith(("apis.", "gateways.")):
        return None
    what = "issuer" if key == "issuers" else "audience"
    return (f"Replace {other}'s {what} in `{key_path}` with {environment.name}'s own"
            f"{where_to_change(environment, component, key, context)}; if the sharing is "
            "deliberate, declare it with isolation.allow_shared.")


def frontend_audience_fix(context: RuleContext, environment: Environment, frontend: str,
                          api_name: str, requested: str) -> str:
    """DC402: the frontend's requested audience, or (when it is the right one) the API's."""
    component = f"apis.{api_name}"
    return (f"Set `frontends.{frontend}.audience` to one of `{component}.audiences`; or, if "
            f'"{requested}" is the API\'s own audience, add it to `{component}.audiences`'
            f"{where_to_change(environment, component, 'audiences', context)}.")


# -- layers (DC403) ---------------------------------------------------------------------------

def layers_fix(context: RuleContext, environment: Environment, gateway: str, api_name: str,
               key: str, differing: Sequence[str], at_gateway_only: bool) -> str:
    """DC403: the gateway's and the API's lists of one kind, each with its own setting."""
    edge, api = f"gateways.{gateway}", f"apis.{api_name}"
    where_edge = where_to_change(environment, edge, key, context)
    where_api = where_to_change(environment, api, key, context)
    listed = _quoted(differing)
    narrower, wider = (f"`{edge}.{key}`{where_edge}", f"`{api}.{key}`{where_api}")
    if not at_gateway_only:
        narrower, wider = wider, narrower
    return (f"Make both layers accept the same {key}: drop {listed} from {narrower}, or add "
            f"it to {wider}; or let only one layer validate.")


def probe_crossover_fix(context: RuleContext, environment: Environment, component: str,
                        other: str | None) -> str:
    """DC803: the deployed API took another environment's token: its issuers and audiences,
    each with its framework setting, and the keys."""
    whose = f"{other}'s" if other else "another environment's"
    return (f"Make {component} accept only {environment.name}'s issuer and audience (drop "
            f"{whose}): `{component}.issuers`"
            f"{where_to_change(environment, component, 'issuers', context)}; "
            f"`{component}.audiences`"
            f"{where_to_change(environment, component, 'audiences', context)}; give each "
            "environment its own signing keys.")


# -- clocks and lifetimes (DC306, DC307, DC314, DC406, DC701) ---------------------------------

def _skew_clause(context: RuleContext | None, environment: Environment,
                 component: str) -> str:
    return (f"`{component}.clock_skew`"
            f"{where_to_change(environment, component, 'clock_skew', context)}")


def expired_fix(context: RuleContext, environment: Environment,
                api: Api | None) -> str | None:
    """DC306 for a token that expired in use (not one the IdP issued expired)."""
    if api is None:
        return None
    return ("Request a new token before it expires (refresh before protected calls); if the "
            "IdP's clock runs behind (DC701), fix it with NTP; a small skew (30-60 s) is set "
            f"in {_skew_clause(context, environment, f'apis.{api.name}')}.")


def not_yet_valid_fix(context: RuleContext, environment: Environment,
                      api: Api | None) -> str | None:
    """DC307."""
    if api is None:
        return None
    return ("Synchronise the IdP's and the API's clocks (NTP); allow 30-60 s of skew in "
            f"{_skew_clause(context, environment, f'apis.{api.name}')}.")


def skew_policy_fix(context: RuleContext, environment: Environment, component: str,
                    skew: float) -> str:
    """DC406: the one component's skew, too small or too large."""
    where = _skew_clause(context, environment, component)
    if skew == 0:
        return f"Allow 30-60 s of clock skew: set {where}; and keep clocks in sync with NTP."
    return (f"Lower {where} to 60 s or less, and fix clocks with NTP instead of widening "
            "the skew.")


def clock_fix(context: RuleContext, environment: Environment, offset: float,
              resolution: float) -> str:
    """DC701: the clocks first; the skew of every validator the offset exceeds, as a
    stopgap."""
    beyond, _ = skew_verdicts(context.facts.validators[environment.name], offset, resolution)
    components = [v.component for v in beyond]
    text = "Synchronise the IdP's clock (NTP/chrony) with the APIs' and gateways'"
    if components:
        text += ("; raise the clock skew only as a stopgap: "
                 + "; ".join(_skew_clause(context, environment, c) for c in components))
    return text + "."


def lifetime_fix(context: RuleContext, environment: Environment, api: Api) -> str:
    """DC314, a token that outlives the API's max_token_age."""
    component = f"apis.{api.name}"
    max_age = api.max_token_age or 0.0
    return (f"Set the IdP's access-token lifetime for this client or API to at most "
            f"{format_seconds(max_age)}; or, if the longer lifetime is intended, raise "
            f"`{component}.max_token_age`"
            f"{where_to_change(environment, component, 'max_token_age', context)}.")


# -- keys (DC106, DC209, DC211) ---------------------------------------------------------------

def _key_set_clause(context: RuleContext, environment: Environment, component: str) -> str:
    return (f"`{component}.jwks_cache_ttl`"
            f"{where_to_change(environment, component, 'jwks_cache_ttl', context)}")


def rotation_lead_fix(context: RuleContext, environment: Environment, component: str,
                      lead: float) -> str:
    """DC209, one validator whose rotation lead time exceeds the overlap."""
    return (f"Lengthen `idp.rotation_overlap` to at least {format_seconds(lead)} (publish new "
            f"keys that long before signing with them); or shorten the key-set cache of "
            f"{component}: {_key_set_clause(context, environment, component)}, or let it "
            f"refetch on an unknown kid (`{component}.refetch_on_unknown_kid`).")


def overlap_fix(context: RuleContext, environment: Environment, needed: float) -> str:
    """DC211: the overlap, else the longest cache (named with its framework setting)."""
    cached = [v for v in context.facts.validators[environment.name]
              if v.jwks_cache.value is not None]
    longest = max(cached, key=lambda v: v.jwks_cache.value or 0.0, default=None)
    text = (f"Set `idp.rotation_overlap` to at least {format_seconds(needed)}; or shorten "
            "token lifetimes")
    if longest is not None and longest.jwks_cache.value:
        text += (f" or the longest JWKS cache ({longest.component}): "
                 f"{_key_set_clause(context, environment, longest.component)}")
    return text + "."


def jwks_uri_fix(context: RuleContext, environment: Environment, discovered: str) -> str:
    """DC106: the declared URL, and every validator pinned to a key-set URL of its own."""
    parts = [f'Set `idp.jwks_uri = "{discovered}"` (what discovery advertises), or remove '
             "it and let validators use discovery"]
    for validator in context.facts.validators[environment.name]:
        extra = where_to_change(environment, validator.component, "jwks_uri", context)
        if extra.startswith(", and the same in "):
            parts.append("the same URL in " + extra.removeprefix(", and the same in "))
    return "; ".join(parts) + "."


# -- token type (DC312) -----------------------------------------------------------------------

def token_type_fix(context: RuleContext, environment: Environment, api: Api,
                   sent: str) -> str:
    """DC312: send the right kind; the API's own `accepts` (and typ setting) only when the
    API really means to take what was sent."""
    component = f"apis.{api.name}"
    if sent == "id":
        text = ("Send the access token (requested for the API's audience) to "
                f"{component}, not the ID token; keep ID tokens in the client that received "
                "them")
        framework = framework_setting(environment, component, "accepts")
        if framework is not None and framework[1].value:
            text += (f"; to make {component} reject ID tokens itself, require typ at+jwt in "
                     f"{framework[0]}'s `{framework[1].value}`")
        return text + "."
    return (f"Send {component} the kind of token `{component}.accepts` names; if it should "
            f"take access tokens, set `{component}.accepts = \"access\"`"
            f"{where_to_change(environment, component, 'accepts', context)}.")
