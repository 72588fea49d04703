"""Across environments: nothing that identifies one environment may belong to another
(DC501-DC506). The seed article's "environment isolation" list, checked value by value."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping

from driftcheck.compare import classify_issuer
from driftcheck.facts.identity import EnvironmentIdentity, Reference, deployed_config, references
from driftcheck.findings import Finding, Severity, Step
from driftcheck.models import Environment
from driftcheck.rules.advice import crossover_fix, shared_value_fix
from driftcheck.rules.registry import Rule, RuleContext, rule
from driftcheck.urls import url_under


def identities(context: RuleContext) -> Mapping[str, EnvironmentIdentity]:
    """Every environment's identity index (built once, in the facts stage)."""
    return context.facts.identities


def _crosses_tiers(a: EnvironmentIdentity, others: Iterable[EnvironmentIdentity]) -> bool:
    return any({a.tier, b.tier} == {"prod", "nonprod"} for b in others)


def _severity(base: Severity, a: EnvironmentIdentity, others: list[EnvironmentIdentity],
              allowed: bool) -> Severity:
    if allowed:
        return Severity.INFO
    return base.raised() if _crosses_tiers(a, others) else base


def _allowed_note(allowed: bool, field: str) -> str:
    return f" Allowed by isolation.allow_shared ({field!r})." if allowed else ""


def _shared(context: RuleContext, values_of: str
            ) -> Iterator[tuple[Environment, EnvironmentIdentity, str, list[EnvironmentIdentity]]]:
    """(environment, its identity, a value, the other environments that own the same value)."""
    index = identities(context)
    owners: dict[str, list[EnvironmentIdentity]] = {}
    for identity in index.values():  # value -> who has it, built once: O(N), not O(N²)
        for value in getattr(identity, values_of):
            owners.setdefault(value, []).append(identity)
    for environment in context.environments:
        mine = index[environment.name]
        values: Iterable[str] = getattr(mine, values_of)
        for value in sorted(values):
            others = [other for other in owners[value] if other.name != mine.name]
            if others:
                yield environment, mine, value, others


def _names(others: list[EnvironmentIdentity]) -> str:
    return ", ".join(f"{o.name} ({o.tier})" for o in others)


@rule(
    "DC501", "shared-signing-key", Severity.HIGH, Step.ISOLATION,
    summary="Two environments publish the same signing key (RFC 7638 thumbprint).",
    causes=(
        "a key pair copied from one IdP tenant to another",
        "two tenants served by one key management setup",
    ),
    fix="Give every environment its own signing keys; rotate the copied key out of the "
    "lower environment first.",
)
def shared_signing_key(self: Rule, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Compares the RFC 7638 thumbprints of every environment's published keys. Environments
    that share an issuer are left to DC502. Critical when one of them is prod and another
    is not.

    ## Why is this bad?
    A token signed in staging verifies in prod: anyone who can get a staging token (or the
    staging key, which is usually less protected) can call production APIs, limited only by
    issuer and audience checks.

    ## Example
    staging's and prod's JWKS both contain thumbprint `9KwZ9mK2…`: DC501 (critical).
    """
    index = identities(context)
    for environment, mine, thumbprint, others in _shared(context, "thumbprints"):
        distinct = [o for o in others if not (o.issuers & mine.issuers)]
        if not distinct:
            continue
        allowed = "signing_keys" in mine.allow_shared
        kid = index[environment.name].thumbprints.get(thumbprint)
        yield self.finding(
            environment, "idp",
            f"{environment.name}'s signing key {thumbprint} (kid {kid!r}) is also published "
            f"by {_names(distinct)}: tokens of one environment verify in the other."
            f"{_allowed_note(allowed, 'signing_keys')}",
            evidence={"thumbprint": thumbprint, "kid": kid,
                      "also_in": [o.name for o in distinct]},
            key_path="idp.issuer",
            severity=_severity(Severity.HIGH, mine, distinct, allowed),
            related=[o.name for o in distinct],
            subject=thumbprint,
        )


@rule(
    "DC502", "shared-issuer", Severity.HIGH, Step.ISOLATION,
    summary="Two environments use the same issuer (IdP tenant).",
    causes=(
        "a new environment created from a copy of another's file",
        "a deliberately shared tenant (declare it with isolation.allow_shared)",
    ),
    fix="Give each environment its own tenant or realm, or declare the sharing with "
    "`[isolation] allow_shared = [\"idp.issuer\"]`.",
    needs_network=False,
)
def shared_issuer(self: Rule, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Reports an issuer (declared or discovered) that more than one environment uses. With
    `allow_shared = ["idp.issuer"]` the finding stays, at info, saying it was allowed. A
    shared issuer also shares its JWKS and keys; DC501 and DC506 then stay quiet.

    ## Why is this bad?
    With one issuer, isolation rests on audiences alone: any token of one environment passes
    the other's issuer and signature checks.

    ## Example
    staging.toml and prod.toml both say `issuer = "https://login.example.com/tenants/main"`:
    DC502.
    """
    for environment, mine, issuer, others in _shared(context, "issuers"):
        allowed = "idp.issuer" in mine.allow_shared
        yield self.finding(
            environment, "idp",
            f"{environment.name}'s issuer {issuer!r} is also {_names(others)}'s: tokens of one "
            f"pass the other's issuer and signature checks.{_allowed_note(allowed, 'idp.issuer')}",
            evidence={"issuer": issuer, "also_in": [o.name for o in others]},
            key_path="idp.issuer",
            severity=_severity(Severity.HIGH, mine, others, allowed),
            related=[o.name for o in others],
            subject=issuer,
        )


def _shares_issuer(a: EnvironmentIdentity, b: EnvironmentIdentity) -> bool:
    return bool(a.issuers & b.issuers)


def _shares_trust(a: EnvironmentIdentity, b: EnvironmentIdentity) -> bool:
    """Whether a token of one could pass the other's issuer or signature checks."""
    return bool(a.issuers & b.issuers or a.jwks_uris & b.jwks_uris
                or set(a.thumbprints) & set(b.thumbprints))


def _value_sharing(self: Rule, context: RuleContext, values_of: str, allow: str, noun: str,
                   base: Severity, matters: Callable[[EnvironmentIdentity, EnvironmentIdentity],
                                                     bool], harmless: str) -> Iterator[Finding]:
    """A value found in several environments is graded by what else they share: the same
    name under separate issuers and keys is a naming convention, noted at info."""
    for environment, mine, value, others in _shared(context, values_of):
        where: Mapping[str, str] = getattr(mine, values_of)
        allowed = allow in mine.allow_shared
        risky = [o for o in others if matters(mine, o)]
        note = "" if risky or allowed else f" {harmless}"
        yield self.finding(
            environment, where[value].rsplit(".", 1)[0] if "." in where[value] else where[value],
            f"{environment.name}'s {noun} {value!r} ({where[value]}) is also used by "
            f"{_names(others)}.{_allowed_note(allowed, allow)}{note}",
            evidence={noun.replace(" ", "_"): value, "declared_at": where[value],
                      "also_in": [o.name for o in others],
                      "shares_trust_with": [o.name for o in risky]},
            key_path=where[value] if "." in where[value] else None,
            severity=_severity(base, mine, risky, allowed) if risky else Severity.INFO,
            related=[o.name for o in others],
            subject=value,
            fix=shared_value_fix(context, environment, where[value], bool(risky)),
        )


@rule(
    "DC503", "shared-client-id", Severity.MEDIUM, Step.ISOLATION,
    summary="Two environments use the same OAuth client ID.",
    causes=("one client registration reused across environments",),
    fix="Register a client per environment, with that environment's redirect URIs and "
    "audiences.",
    needs_network=False,
)
def shared_client_id(self: Rule, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Reports a frontend or token `client_id` that appears in more than one environment.
    A client ID names a registration only within one issuer: environments with different
    issuers that use the same name get an info finding, not a warning.

    ## Why is this bad?
    One registration means one set of redirect URIs, scopes and secrets for all of them: a
    secret leaked from dev works in prod, and a change for one environment changes all.

    ## Example
    `client_id = "web"` in dev, staging and prod: DC503.
    """
    return _value_sharing(
        self, context, "client_ids", "client_id", "client ID", Severity.MEDIUM, _shares_issuer,
        "Their issuers differ, so these are separate registrations that share a name.")


@rule(
    "DC504", "shared-audience", Severity.MEDIUM, Step.ISOLATION,
    summary="Two environments' APIs accept the same audience.",
    causes=("an audience such as `api://orders` used unchanged in every environment",),
    fix="Give each environment's API its own audience (`api://orders-staging`), or declare "
    "the sharing with `allow_shared = [\"audience\"]`.",
    needs_network=False,
)
def shared_audience(self: Rule, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Reports an audience accepted by APIs or gateways of more than one environment. It is
    graded only when the environments share an issuer, a JWKS or a signing key too;
    otherwise the audience is not what keeps them apart and the finding is info.

    ## Why is this bad?
    When issuers or keys are shared too, the audience is the last barrier between
    environments; a shared audience removes it.

    ## Example
    `audiences = ["api://orders"]` in staging and prod: DC504.
    """
    return _value_sharing(
        self, context, "audiences", "audience", "audience", Severity.MEDIUM, _shares_trust,
        "Their issuers and keys differ, so a token of one is still rejected by the other.")


@rule(
    "DC506", "shared-jwks-uri", Severity.HIGH, Step.ISOLATION,
    summary="Two environments with different issuers fetch keys from the same JWKS URL.",
    causes=("a jwks_uri copied between environment configurations",),
    fix="Point each environment at its own IdP's JWKS (take `jwks_uri` from its discovery "
    "document).",
)
def shared_jwks_uri(self: Rule, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Reports a JWKS URL (declared or discovered) used by environments whose issuers differ.
    Environments that share an issuer are left to DC502.

    ## Why is this bad?
    The environments trust the same keys, so tokens of one verify in the other, whatever
    their issuers say.

    ## Example
    staging declares `jwks_uri` = prod's JWKS URL: DC506.
    """
    for environment, mine, url, others in _shared(context, "jwks_uris"):
        distinct = [o for o in others if not (o.issuers & mine.issuers)]
        if not distinct:
            continue
        allowed = "idp.jwks_uri" in mine.allow_shared
        yield self.finding(
            environment, "idp",
            f"{environment.name} takes keys from {url}, as {_names(distinct)} "
            f"does.{_allowed_note(allowed, 'idp.jwks_uri')}",
            evidence={"jwks_uri": url, "also_in": [o.name for o in distinct]},
            key_path="idp.jwks_uri" if environment.idp.jwks_uri else "idp.issuer",
            severity=_severity(Severity.HIGH, mine, distinct, allowed),
            related=[o.name for o in distinct],
            subject=url,
        )


def _api_owner(value: str, mine: EnvironmentIdentity,
               index: Mapping[str, EnvironmentIdentity]) -> tuple[EnvironmentIdentity, str] | None:
    """The other environment whose API or gateway URL `value` lies under (the longest)."""
    if any(url_under(value, url) for url in mine.api_urls):
        return None
    best: tuple[int, EnvironmentIdentity, str] | None = None
    for other in index.values():
        for url, component in other.api_urls.items():
            if other.name != mine.name and url_under(value, url) and (
                    best is None or len(url) > best[0]):
                best = (len(url), other, f"{component.replace('s.', ' `', 1)}` ({url})")
    return (best[1], best[2]) if best else None


def _near_issuer_owner(value: str, mine: EnvironmentIdentity,
                       index: Mapping[str, EnvironmentIdentity]
                       ) -> tuple[EnvironmentIdentity, str] | None:
    """Not exactly another environment's issuer, but nearly: say how it differs."""
    for other in index.values():
        for issuer in sorted(other.issuers) if other.name != mine.name else ():
            difference = classify_issuer(issuer, value)
            if difference.kind in ("trailing-slash", "case-or-scheme") and not any(
                    classify_issuer(own, value).kind != "other" for own in mine.issuers):
                return other, f"issuer {issuer!r} but for this: {difference.explanation}"
    return None


def _owner(reference: Reference, mine: EnvironmentIdentity,
           index: Mapping[str, EnvironmentIdentity]) -> tuple[EnvironmentIdentity, str] | None:
    """The other environment `reference` points into, and what it is there."""
    value = reference.value
    if reference.field == "api_url":
        return _api_owner(value, mine, index)
    owned = {"issuer": "issuers", "audience": "audiences", "jwks_uri": "own_jwks_uris"}[
        reference.field]
    if value in getattr(mine, owned):
        return None
    for other in index.values():
        if other.name != mine.name and value in getattr(other, owned):
            label = {"issuer": "issuer", "jwks_uri": "JWKS",
                     "audience": f"audience (accepted by {other.audiences.get(value)})"}[
                reference.field]
            return other, label
    return _near_issuer_owner(value, mine, index) if reference.field == "issuer" else None


def _token_references(context: RuleContext, environment: Environment) -> Iterator[Reference]:
    observations = context.observations
    seen = observations.environments.get(environment.name) if observations else None
    for token in seen.tokens if seen else ():
        claims = token.claims or {}
        component = f"tokens.{token.name}"
        key_path = component if token.name in environment.tokens else "tokens"
        if isinstance(claims.get("iss"), str):
            yield Reference("issuer", claims["iss"], component, key_path,
                            f"token `{token.name}`'s iss")
        aud = claims.get("aud")
        for value in [aud] if isinstance(aud, str) else aud if isinstance(aud, list) else []:
            if isinstance(value, str):
                yield Reference("audience", value, component, key_path,
                                f"token `{token.name}`'s aud")


@rule(
    "DC505", "crossover-reference", Severity.HIGH, Step.ISOLATION,
    summary="A component of one environment references another environment's issuer, "
    "audience, API or keys.",
    causes=(
        "a staging frontend built or deployed with production's API URL",
        "an API's accepted issuers copied from another environment",
        "a token requested from the wrong tenant",
    ),
    fix="Point the component at its own environment's value; if the sharing is deliberate, "
    "declare it with isolation.allow_shared.",
)
def crossover_reference(self: Rule, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Looks at every value an environment points at (a frontend's authority, audience and
    api_base_url, declared and deployed; a gateway's or API's accepted issuers and audiences;
    the declared jwks_uri; the known-good token's `iss` and `aud`) and reports each that
    belongs to another environment and not to its own. URLs are matched by scheme, host,
    port and path prefix after normalizing case, default ports and trailing dots. Prod ↔
    non-prod crossovers are critical.

    ## Why is this bad?
    The seed article's classic: "a staging frontend calling a production API". It shows up
    as audience or issuer errors, or not at all, when it silently works against production.

    ## Example
    "staging's frontend `web`'s deployed api_base_url is https://api.example.com/orders,
    which is prod's API `orders`".
    """
    index = identities(context)
    for environment in context.environments:
        mine = index[environment.name]
        found = [*references(environment, deployed_config(environment, context.observations)),
                 *_token_references(context, environment)]
        seen: set[tuple[str, str, str]] = set()
        for reference in found:
            owner = _owner(reference, mine, index)
            if owner is None:
                continue
            other, what = owner
            key = (reference.what, reference.value, other.name)
            if key in seen:
                continue
            seen.add(key)
            allowed = ("hosts" if reference.field == "api_url" else
                       {"issuer": "idp.issuer", "audience": "audience",
                        "jwks_uri": "idp.jwks_uri"}[reference.field]) in mine.allow_shared
            yield self.finding(
                environment, reference.component,
                f"{environment.name}'s {reference.what} is {reference.value}, which is "
                f"{other.name}'s {what}.{_allowed_note(allowed, reference.field)}",
                evidence={"field": reference.field, "value": reference.value,
                          "belongs_to": other.name, "belongs_to_tier": other.tier},
                key_path=reference.key_path,
                severity=Severity.INFO if allowed else (
                    Severity.CRITICAL if _crosses_tiers(mine, [other]) else Severity.HIGH),
                related=[other.name],
                subject=f"{reference.what}|{reference.value}|{other.name}",
                fix=crossover_fix(context, environment, reference.key_path, other.name),
            )


@rule(
    "DC507", "shared-hmac-secret", Severity.HIGH, Step.ISOLATION,
    summary="Two environments' HS* APIs use the same shared secret.",
    causes=("one secret copied into every environment's secret store",),
    fix="Generate a separate random secret per environment.",
    needs_network=False,
)
def shared_hmac_secret(self: Rule, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Compares the APIs' shared secrets across environments by a fingerprint keyed per run
    (never the value, never a plain hash of it). Critical when one environment is prod and
    another is not.

    ## Why is this bad?
    Anyone who can mint or read a token in dev can mint tokens prod's API accepts.

    ## Example
    `ORDERS_HS_SECRET` holds the same value in staging and prod: DC507 (critical).
    """
    observations = context.observations
    if observations is None:
        return
    index = identities(context)
    owners: dict[str, list[tuple[str, str]]] = {}
    for environment in context.environments:
        seen = observations.environments.get(environment.name)
        for secret in seen.secrets if seen else ():
            if secret.fingerprint:
                owners.setdefault(secret.fingerprint, []).append((environment.name, secret.api))
    by_name = {e.name: e for e in context.environments}
    for fingerprint, users in owners.items():
        for name, api in users:
            others = sorted({n for n, _ in users if n != name})
            if not others:
                continue
            mine = index[name]
            yield self.finding(
                by_name[name], f"apis.{api}",
                f"apis.{api}'s shared secret is also used by {', '.join(others)}: tokens minted "
                "in one environment are accepted in the other.",
                evidence={"secret_fingerprint": fingerprint, "also_in": others},
                key_path=f"apis.{api}",
                severity=_severity(Severity.HIGH, mine, [index[o] for o in others], False),
                related=others, subject=fingerprint)
