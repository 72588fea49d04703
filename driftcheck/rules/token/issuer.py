"""The token's `iss` against the issuers its API accepts (DC309)."""

from __future__ import annotations

from collections.abc import Iterator

from driftcheck.compare import classify_issuer, entra_version_confusion
from driftcheck.facts import TokenFacts
from driftcheck.facts.indexes import issuers_named
from driftcheck.findings import Finding, Severity, Step
from driftcheck.rules import advice
from driftcheck.rules.registry import Rule, RuleContext
from driftcheck.rules.token._shared import (
    _api_label,
    _evidence,
    _finding,
    _others_matching,
    token_rule,
)
from driftcheck.rules.verdicts import issuer_verdicts


@token_rule(
    "DC309", "iss-mismatch", Severity.HIGH, Step.ISSUER,
    summary="The token's `iss` is not an issuer the API accepts.",
    causes=(
        "a trailing slash, scheme or host-case difference between IdP and API configuration",
        "a token from another tenant, realm or environment",
        "a custom domain migration that changed the issuer",
    ),
    fix="Make the API's issuers exactly the `iss` this environment's IdP emits (copy it from "
    "the discovery document), and send tokens from this environment's IdP.",
)
def iss_mismatch(self: Rule, context: RuleContext, t: TokenFacts) -> Iterator[Finding]:
    """
    ## What it does
    Compares `iss` with the API's `issuers` (or `idp.issuer` when the API declares none),
    plus its `issuer_template` filled with the token's `tid` where the validator does that
    (Microsoft.IdentityModel, openid-client). It classifies the difference like DC101-DC103
    (trailing slash; scheme, host case or default port; Entra ID v1.0 vs v2.0; another
    tenant or host), names the environment whose issuer it is, and grades it by the API's
    validator: high when its issuer comparison rejects the token, info when it accepts it.

    ## Why is this bad?
    Issuer validation is an exact string comparison in most validators: one character
    rejects every token.

    ## Example
    `iss` `https://login.example.com/tenants/prod` at staging's API: DC309, "it is prod's
    issuer".
    """
    environment, token, api, claims = t.environment, t.token, t.api, t.claims
    validator = t.validator
    expected = validator.expected_issuers(claims) if validator else [environment.idp.issuer]
    key_path = f"apis.{api.name}.issuers" if api and api.issuers else "idp.issuer"
    iss = claims.get("iss")
    if not isinstance(iss, str):
        if "iss" not in claims:
            yield _finding(self, environment, token, "The token has no iss claim.",
                           key_path=key_path, evidence=_evidence(token, expected=expected))
        return
    if iss in expected:
        return
    template_note = ""
    if api is not None and api.issuer_template:
        if validator is not None and not validator.profile.issuer_template.value:
            template_note = (f" {api.validator} cannot fill {{tenantid}} from tid: "
                             "issuer_template has no effect there.")
        elif "tid" not in claims:
            template_note = " The token has no tid claim to fill {tenantid} with."
        if "tid" not in claims or template_note:
            expected = [*expected, api.issuer_template]
    entra = [e for e in expected if entra_version_confusion(e, iss)]
    difference = min((classify_issuer(e, iss) for e in entra or expected),
                     key=lambda d: ["trailing-slash", "case-or-scheme", "other"].index(
                         d.kind) if d.kind != "equal" else -1)
    others = _others_matching(context, environment, {iss}, "issuer")
    discovered = context.facts.discovery[environment.name].issuer
    emitted = issuers_named(environment, discovered) - set(expected)
    if others:
        whose = f" It is {', '.join(others)}'s issuer: environment crossover."
    elif iss in emitted:
        whose = (" It is what this environment's IdP emits (discovery): the API's "
                 "configuration is what differs.")
    else:
        whose = ""
    graded = issuer_verdicts([validator], iss, claims) if validator else None
    verdict = graded.sentence if graded else ""
    yield _finding(
        self, environment, token,
        f"The token's iss {iss!r} is not among the issuers of {_api_label(token)} "
        f"({', '.join(map(repr, expected))}): {difference.explanation}.{whose}{template_note}"
        f"{verdict}",
        key_path=key_path,
        evidence=_evidence(token, expected=expected, actual=iss,
                           expected_marked=difference.expected_marked,
                           actual_marked=difference.actual_marked,
                           matches_environment=others or None,
                           **(dict(graded.evidence) if graded else {})),
        related=others,
        severity=graded.severity if graded else None,
        fix=advice.token_issuer_fix(context, environment, api, iss, others, emitted),
    )
