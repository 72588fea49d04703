"""Discovery documents (OIDC Discovery 1.0, RFC 8414) against the declared issuer."""

from __future__ import annotations

from collections.abc import Iterator

from driftcheck.compare import DifferenceKind, IssuerDifference, classify_issuer
from driftcheck.findings import Finding, Severity, Step
from driftcheck.models import Environment
from driftcheck.rules.registry import Rule, RuleContext, rule


def _issuer_differences(
    context: RuleContext,
) -> Iterator[tuple[Environment, str, str, IssuerDifference]]:
    """(environment, configured issuer, discovered issuer, difference) where they differ."""
    observations = context.observations
    assert observations is not None
    for environment in context.environments:
        discovery = observations.discovery(environment.name)
        if discovery is None or not discovery.ok:
            continue  # DC010 reports it
        discovered = discovery.body.get("issuer")
        if not isinstance(discovered, str):
            continue  # DC104 (required field) territory
        difference = classify_issuer(environment.idp.issuer, discovered)
        if difference.kind != "equal":
            yield environment, environment.idp.issuer, discovered, difference


def _issuer_findings(
    self: Rule, context: RuleContext, kind: DifferenceKind
) -> Iterator[Finding]:
    observations = context.observations
    assert observations is not None
    for environment, configured, discovered, difference in _issuer_differences(context):
        if difference.kind != kind:
            continue
        seen = observations.environments[environment.name]
        yield self.finding(
            environment,
            "idp",
            f"The discovery document's issuer is {discovered!r} but the environment expects "
            f"{configured!r}: {difference.explanation}.",
            evidence={
                "expected": configured,
                "actual": discovered,
                "expected_marked": difference.expected_marked,
                "actual_marked": difference.actual_marked,
                "discovery_url": seen.discovery_url,
            },
            key_path="idp.issuer",
        )


@rule(
    "DC101", "discovery-issuer-mismatch", Severity.HIGH, Step.DISCOVERY,
    summary="The discovery document's `issuer` is not the configured issuer.",
    causes=(
        "the environment points at another tenant or realm (staging's file names prod's tenant)",
        "a custom auth domain replaced the provider's domain, or the reverse",
        "a proxy or cache serves another tenant's metadata",
    ),
    fix="Set `idp.issuer` (and every API's accepted issuers) to the exact `issuer` of the IdP "
    "that really mints this environment's tokens, or point discovery at the right tenant.",
)
def discovery_issuer_mismatch(self: Rule, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Compares the `issuer` in the discovery document with `idp.issuer`, exactly, and reports a
    difference that is not just a trailing slash (DC102) or letter case, scheme or default
    port (DC103): another host, another tenant or realm path, another port.

    ## Why is this bad?
    OIDC Discovery 1.0 §4.3 requires the `issuer` returned to be identical to the URL used to
    fetch it, and every validator compares a token's `iss` with the configured issuer. A
    different tenant here means every token of this environment is rejected, or worse,
    that the environment trusts another environment's IdP.

    ## Example
    ```toml
    [idp]
    issuer = "https://login.example.com/tenants/staging"
    # discovery says "https://login.example.com/tenants/prod": DC101
    ```
    """
    return _issuer_findings(self, context, "other")


@rule(
    "DC102", "issuer-trailing-slash", Severity.HIGH, Step.DISCOVERY,
    summary="The discovered and configured issuers differ only by a trailing slash.",
    causes=(
        "the issuer was copied from a browser address bar or from documentation that adds '/'",
        "the IdP emits a trailing slash (Auth0 does) and the API strips it, or the reverse",
        "an authority URL configured with '/' from which a library derives the issuer",
    ),
    fix="Copy the issuer exactly from the discovery document's `issuer`, slash included, into "
    "`idp.issuer` and every API's `issuers`.",
)
def issuer_trailing_slash(self: Rule, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Reports an issuer that differs from the discovered one only by a trailing `/`.

    ## Why is this bad?
    It is the commonest issuer failure. Most validators compare `iss` as an exact string
    (Spring Security, PyJWT, jose, golang-jwt), so `https://idp/t/` is not `https://idp/t`
    and every token fails with an issuer error that looks identical in logs.

    ## Example
    ```toml
    issuer = "https://tenant.auth0.example/"   # Auth0 issuers end with '/'
    ```
    """
    return _issuer_findings(self, context, "trailing-slash")


@rule(
    "DC103", "issuer-case-or-scheme", Severity.HIGH, Step.DISCOVERY,
    summary="The issuers differ only by scheme, host letter case, or a written-out default port.",
    causes=(
        "http vs https behind a TLS-terminating proxy that rewrites metadata",
        "a host name typed with capitals",
        "`:443` written out in one configuration",
    ),
    fix="Use the discovery document's `issuer` verbatim; validators compare strings, not "
    "normalized URLs.",
)
def issuer_case_or_scheme(self: Rule, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Reports an issuer that equals the discovered one after URL normalization (scheme and host
    in lower case, default port dropped) but not as a string.

    ## Why is this bad?
    Most validators compare issuers as strings, so `https://Login.example.com` and
    `https://login.example.com:443` both fail against `https://login.example.com`, even
    though a browser treats them as the same address.

    ## Example
    ```toml
    issuer = "https://Login.Example.com/tenants/prod"   # DC103
    issuer = "https://login.example.com/tenants/prod"   # fixed
    ```
    """
    return _issuer_findings(self, context, "case-or-scheme")
