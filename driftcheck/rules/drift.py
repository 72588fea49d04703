"""Over time: what changed at each IdP between a previous snapshot and now (DC601-DC604).

Runs when a previous snapshot is given (`check --snapshot-in OLD`, `driftcheck diff OLD NEW`):
the audit after an IdP, key or domain migration.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from driftcheck.compare import classify_issuer
from driftcheck.durations import format_seconds
from driftcheck.findings import Finding, Severity, Step
from driftcheck.models import Environment
from driftcheck.observations import Observations
from driftcheck.rules.advice import algorithms_drift_fix, issuer_drift_fix
from driftcheck.rules.registry import Rule, RuleContext, rule

ENDPOINT_FIELDS = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri",
                   "userinfo_endpoint", "end_session_endpoint", "introspection_endpoint",
                   "revocation_endpoint", "registration_endpoint")


def _pairs(context: RuleContext) -> Iterator[tuple[str, Environment | None]]:
    """Environment names present in both the previous and the current observations."""
    previous, current = context.previous, context.observations
    if previous is None or current is None:
        return
    declared = {e.name: e for e in context.environments}
    for name in sorted(set(previous.environments) & set(current.environments)):
        if not declared or name in declared:
            yield name, declared.get(name)


def _discovery(observations: Observations, name: str) -> dict[str, Any] | None:
    response = observations.discovery(name)
    return response.body if response is not None and response.ok else None


def _discoveries(context: RuleContext) -> Iterator[
        tuple[str, Environment | None, dict[str, Any], dict[str, Any]]]:
    """(name, environment, previous discovery document, current one) where both were read."""
    for name, environment in _pairs(context):
        before = _discovery(context.earlier, name)
        after = _discovery(context.seen, name)
        if before is not None and after is not None:
            yield name, environment, before, after


def _target(environment: Environment | None, name: str) -> Environment | str:
    return environment if environment is not None else name


def _interval(context: RuleContext) -> float:
    return context.seen.collected_at - context.earlier.collected_at


@rule(
    "DC601", "keys-rotated", Severity.MEDIUM, Step.DRIFT,
    summary="The IdP's published keys changed since the previous snapshot.",
    causes=("a planned key rotation", "an IdP migration", "a key removed by mistake"),
    fix="Check that every validator has refreshed its JWKS, and that no token signed with a "
    "removed key is still in flight.",
)
def keys_rotated(self: Rule, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Compares each environment's JWKS with the previous snapshot's: kids added (info), kids
    removed (medium; high when a replacement appeared in the same interval and the interval
    is shorter than `idp.rotation_overlap`: the old key left before the overlap ran out), and
    a kid that now names a different key (high: caches keyed by kid verify with the old key).

    ## Why is this bad?
    The seed article's rotation questions: do old keys stay published long enough for
    in-flight tokens, and do validators pick up new ones in time?

    ## Example
    `2026-11` disappeared and `2026-12` appeared within 2 h while `rotation_overlap = "24h"`:
    DC601 (high).
    """
    for name, environment in _pairs(context):
        before = context.jwks_facts(context.earlier.environments[name].jwks_url, previous=True)
        after = context.jwks_facts(context.seen.environments[name].jwks_url)
        if before is None or after is None:
            continue
        old = {k.kid or k.thumbprint or f"#{k.index}": k for k in before.keys}
        new = {k.kid or k.thumbprint or f"#{k.index}": k for k in after.keys}
        added, removed = sorted(set(new) - set(old)), sorted(set(old) - set(new))
        replaced = sorted(kid for kid in set(old) & set(new)
                          if old[kid].thumbprint != new[kid].thumbprint)
        overlap = environment.idp.rotation_overlap if environment else None
        interval = _interval(context)
        target = _target(environment, name)
        if replaced:
            yield self.finding(
                target, "idp",
                f"kid {', '.join(map(repr, replaced))} now names a different key than at the "
                "previous snapshot: validators that cache keys by kid keep verifying with the "
                "old one.",
                evidence={"kids": replaced, "interval_seconds": round(interval)},
                key_path="idp.issuer", severity=Severity.HIGH, subject="replaced")
        if not added and not removed:
            continue
        parts = []
        if added:
            parts.append(f"added {', '.join(map(repr, added))}")
        if removed:
            parts.append(f"removed {', '.join(map(repr, removed))}")
        severity, note = Severity.INFO, ""
        if removed:
            severity = Severity.MEDIUM
            note = " Tokens signed with the removed keys now fail everywhere."
            if added and overlap is not None and interval < overlap:
                severity = Severity.HIGH
                note = (f" The replacement appeared and the old key left within "
                        f"{format_seconds(interval)}, less than rotation_overlap "
                        f"({format_seconds(overlap)}): in-flight tokens and cached key sets "
                        "break.")
            elif overlap is None and added:
                note += " (Declare idp.rotation_overlap to judge the overlap.)"
        yield self.finding(
            target, "idp",
            f"{name}'s JWKS changed since the previous snapshot "
            f"({format_seconds(interval)} earlier): {'; '.join(parts)}.{note}",
            evidence={"added": added, "removed": removed,
                      "interval_seconds": round(interval),
                      "rotation_overlap_seconds": overlap},
            key_path="idp.issuer", severity=severity, subject="kids")


@rule(
    "DC602", "issuer-changed", Severity.HIGH, Step.DRIFT,
    summary="The discovery document's issuer changed since the previous snapshot.",
    causes=("a custom domain migration", "a tenant moved or renamed", "a proxy now rewriting "
            "metadata"),
    fix="Update every API's and gateway's accepted issuers (and idp.issuer) to the new value, "
    "or revert the IdP change.",
)
def issuer_changed(self: Rule, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Compares the discovered `issuer` with the previous snapshot's and classifies the
    difference (trailing slash; scheme, host case or port; host or path).

    ## Why is this bad?
    Every validator pins the issuer. A changed issuer rejects all new tokens until every
    configuration follows: the seed article's "review custom domains".

    ## Example
    `https://tenant.idp.example/` became `https://login.example.com/`: DC602.
    """
    for name, environment, before, after in _discoveries(context):
        old, new = before.get("issuer"), after.get("issuer")
        if not isinstance(old, str) or not isinstance(new, str) or old == new:
            continue
        difference = classify_issuer(old, new)
        yield self.finding(
            _target(environment, name), "idp",
            f"{name}'s issuer changed from {old!r} to {new!r}: {difference.explanation}.",
            evidence={"old": old, "new": new,
                      "old_marked": difference.expected_marked,
                      "new_marked": difference.actual_marked},
            key_path="idp.issuer", fix=issuer_drift_fix(context, environment, new))


@rule(
    "DC603", "discovery-changed", Severity.MEDIUM, Step.DRIFT,
    summary="An endpoint in the discovery document changed since the previous snapshot.",
    causes=("an IdP upgrade or migration", "a new API version of the IdP"),
    fix="Update clients configured with static endpoints; re-run driftcheck to confirm the "
    "new endpoints work.",
)
def discovery_changed(self: Rule, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Compares `jwks_uri`, `token_endpoint`, `authorization_endpoint`, `userinfo_endpoint`,
    `end_session_endpoint`, `introspection_endpoint`, `revocation_endpoint` and
    `registration_endpoint` with the previous snapshot, one finding per changed field (the
    issuer is DC602's).

    ## Why is this bad?
    Components configured with a static endpoint (a JWKS URL in a gateway, a token URL in a
    job) keep calling the old one.

    ## Example
    `jwks_uri` moved from `/keys` to `/discovery/v2.0/keys`: DC603.
    """
    for name, environment, before, after in _discoveries(context):
        for field in ENDPOINT_FIELDS[1:]:
            old, new = before.get(field), after.get(field)
            if old == new:
                continue
            yield self.finding(
                _target(environment, name), "idp",
                f"{name}'s {field} changed from {old!r} to {new!r}.",
                evidence={"field": field, "old": old, "new": new},
                key_path="idp.issuer", subject=field)


def _signing_algorithms(context: RuleContext, observations: Observations, name: str,
                        previous: bool) -> set[str]:
    found: set[str] = set()
    discovery = _discovery(observations, name)
    advertised = discovery.get("id_token_signing_alg_values_supported") if discovery else None
    if isinstance(advertised, list):
        found |= {str(a) for a in advertised}
    facts = context.jwks_facts(observations.environments[name].jwks_url, previous=previous)
    found |= {k.alg for k in (facts.keys if facts else ()) if k.alg}
    return found


@rule(
    "DC604", "algorithms-changed", Severity.MEDIUM, Step.DRIFT,
    summary="The algorithms the IdP advertises or its keys declare changed since the previous "
    "snapshot.",
    causes=("a move from RS256 to ES256 (or PS256)", "a new key added with another algorithm"),
    fix="Update every API's and gateway's `algorithms` before the IdP starts signing with the "
    "new algorithm.",
)
def algorithms_changed(self: Rule, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Compares `id_token_signing_alg_values_supported` and the JWKS keys' `alg` values with
    the previous snapshot.

    ## Why is this bad?
    Validators with an explicit algorithm list reject tokens signed with a new algorithm
    ("alg not allowed") the moment the IdP switches.

    ## Example
    The IdP now advertises `["RS256", "ES256"]` where it advertised `["RS256"]`: DC604.
    """
    for name, environment in _pairs(context):
        old = _signing_algorithms(context, context.earlier, name, previous=True)
        new = _signing_algorithms(context, context.seen, name, previous=False)
        if old == new or not old or not new:
            continue
        added, removed = sorted(new - old), sorted(old - new)
        parts = ([f"added {', '.join(added)}"] if added else []) + (
            [f"removed {', '.join(removed)}"] if removed else [])
        yield self.finding(
            _target(environment, name), "idp",
            f"{name}'s signing algorithms changed since the previous snapshot: "
            f"{'; '.join(parts)}.",
            evidence={"added": added, "removed": removed, "now": sorted(new)},
            key_path="idp.issuer", fix=algorithms_drift_fix(environment, added))
