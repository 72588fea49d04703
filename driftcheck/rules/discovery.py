"""Discovery documents (OIDC Discovery 1.0, RFC 8414) against the declared issuer."""

from __future__ import annotations

from collections.abc import Iterator

from driftcheck.compare import DifferenceKind, IssuerDifference, classify_issuer, mark_difference
from driftcheck.findings import Finding, Severity, Step
from driftcheck.models import Environment
from driftcheck.rules.advice import algorithms_fix, discovered_issuer_fix, jwks_uri_fix
from driftcheck.rules.registry import Rule, RuleContext, rule
from driftcheck.rules.verdicts import issuer_verdicts
from driftcheck.urls import is_loopback


def _issuer_differences(
    context: RuleContext,
) -> Iterator[tuple[Environment, str, str, IssuerDifference]]:
    """(environment, configured issuer, discovered issuer, difference) where they differ."""
    for environment in context.environments:
        discovered = context.facts.discovery[environment.name].issuer
        if discovered is None:
            continue  # not fetched (DC010), or no string issuer (DC104)
        difference = classify_issuer(environment.idp.issuer, discovered)
        if difference.kind != "equal":
            yield environment, environment.idp.issuer, discovered, difference


def _issuer_findings(
    self: Rule, context: RuleContext, kind: DifferenceKind
) -> Iterator[Finding]:
    observations = context.seen
    for environment, configured, discovered, difference in _issuer_differences(context):
        if difference.kind != kind:
            continue
        seen = observations.environments[environment.name]
        graded = issuer_verdicts(context.facts.validators[environment.name], discovered)
        severity = graded.severity
        if severity is Severity.INFO and kind == "other":
            severity = Severity.MEDIUM  # another tenant or host: idp.issuer is still wrong
        yield self.finding(
            environment,
            "idp",
            f"The discovery document's issuer is {discovered!r} but the environment expects "
            f"{configured!r}: {difference.explanation}.{graded.sentence}",
            evidence={
                "expected": configured,
                "actual": discovered,
                "expected_marked": difference.expected_marked,
                "actual_marked": difference.actual_marked,
                "discovery_url": seen.discovery_url,
                **graded.evidence,
            },
            key_path="idp.issuer",
            severity=severity,
            fix=discovered_issuer_fix(context, environment, discovered, kind),
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
    Reports an issuer that differs from the discovered one only by a trailing `/`, and says
    which APIs and gateways of the environment reject tokens carrying the discovered issuer
    under their validator's issuer comparison (`validator`, `issuer_comparison`): high when
    any does (an exact comparison, the default and what Spring Security, PyJWT, jose,
    Envoy and Microsoft.IdentityModel do), info when every one accepts it.

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
    in lower case, default port dropped) but not as a string. High when any API's validator
    compares exactly; info when all of them normalise URLs (openid-client does).

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


def _discovered(context: RuleContext) -> Iterator[tuple[Environment, dict[str, object], str]]:
    """(environment, discovery document, its URL) for every environment whose fetch worked."""
    observations = context.seen
    for environment in context.environments:
        discovery = observations.discovery(environment.name)
        if discovery is not None and discovery.ok:
            yield environment, discovery.body, discovery.url


# OpenID Connect Discovery 1.0 §3: REQUIRED provider metadata, and the JSON type of each.
REQUIRED_FIELDS: dict[str, type] = {
    "issuer": str,
    "authorization_endpoint": str,
    "token_endpoint": str,
    "jwks_uri": str,
    "response_types_supported": list,
    "subject_types_supported": list,
    "id_token_signing_alg_values_supported": list,
}
_CRITICAL_FIELDS = ("issuer", "jwks_uri")


@rule(
    "DC104", "discovery-required-field-missing", Severity.MEDIUM, Step.DISCOVERY,
    summary="The discovery document lacks a field OIDC Discovery 1.0 requires, or has the "
    "wrong type.",
    causes=(
        "the URL serves OAuth 2.0 metadata (RFC 8414) rather than OpenID Connect discovery",
        "a proxy or static copy that trimmed the document",
        "a provider configured without a signing key or token endpoint",
    ),
    fix="Point `idp.discovery_url` at the provider's `/.well-known/openid-configuration`, or "
    "fix the provider's metadata.",
)
def discovery_required_field_missing(self: Rule, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Checks the discovery document for the metadata OpenID Connect Discovery 1.0 §3 marks
    REQUIRED (`issuer`, `authorization_endpoint`, `token_endpoint`, `jwks_uri`,
    `response_types_supported`, `subject_types_supported`,
    `id_token_signing_alg_values_supported`) and their JSON types. A missing `issuer` or
    `jwks_uri` is high: validators cannot work without them.

    ## Why is this bad?
    Middleware that configures itself from an authority URL reads these fields. Without
    `jwks_uri` it has no keys and every signature check fails; without `issuer` it cannot
    validate `iss`.

    ## Example
    A document at `/.well-known/oauth-authorization-server` has no
    `id_token_signing_alg_values_supported`: use the OpenID Connect discovery URL.
    """
    for environment, document, url in _discovered(context):
        problems = []
        for name, kind in REQUIRED_FIELDS.items():
            if name not in document:
                problems.append(f"{name} (missing)")
            elif not isinstance(document[name], kind):
                expected = "a string" if kind is str else "an array"
                problems.append(f"{name} (expected {expected})")
        if not problems:
            continue
        critical = any(p.split(" ")[0] in _CRITICAL_FIELDS for p in problems)
        yield self.finding(
            environment,
            "idp",
            f"The discovery document at {url} lacks required metadata: {', '.join(problems)}.",
            evidence={"discovery_url": url, "fields": [p.split(" ")[0] for p in problems]},
            key_path="idp.issuer",
            severity=Severity.HIGH if critical else None,
        )


def _endpoint_fields(document: dict[str, object]) -> Iterator[tuple[str, str]]:
    for name, value in document.items():
        if isinstance(value, str) and (name in ("issuer", "jwks_uri") or name.endswith(
                "_endpoint")):
            yield name, value


@rule(
    "DC105", "insecure-endpoint", Severity.HIGH, Step.DISCOVERY,
    summary="The discovery document names a plain-http endpoint outside loopback.",
    causes=(
        "a TLS-terminating proxy that does not forward the original scheme "
        "(X-Forwarded-Proto), so the IdP builds http:// URLs",
        "a development IdP promoted to a shared environment",
    ),
    fix="Serve the IdP over https and make it generate https URLs (configure its public "
    "base URL or the proxy's forwarded headers).",
)
def insecure_endpoint(self: Rule, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Reports every `issuer`, `jwks_uri` and `*_endpoint` in the discovery document that uses
    plain http on a host other than loopback. In an environment with
    `allow_insecure_http = true` the finding is kept, at low severity.

    ## Why is this bad?
    Keys fetched over http can be replaced in transit, and tokens and client secrets sent to
    an http token endpoint can be read. RFC 8414 §2 and OIDC Discovery require https.

    ## Example
    `"jwks_uri": "http://login.example.com/keys"` behind a load balancer that terminates
    TLS: set the IdP's frontend URL to `https://login.example.com`.
    """
    for environment, document, url in _discovered(context):
        for name, value in _endpoint_fields(document):
            if not value.lower().startswith("http://") or is_loopback(value):
                continue
            allowed = environment.allow_insecure_http
            yield self.finding(
                environment,
                "idp",
                f"The discovery document's {name} is plain http: {value}"
                + (" (allowed by allow_insecure_http)." if allowed else "."),
                evidence={"field": name, "value": value, "discovery_url": url},
                key_path="idp.issuer",
                subject=name,
                severity=Severity.LOW if allowed else None,
            )


@rule(
    "DC106", "jwks-uri-mismatch", Severity.HIGH, Step.DISCOVERY,
    summary="The declared `jwks_uri` is not the one the discovery document advertises.",
    causes=(
        "the IdP moved its key endpoint (a migration, a new API version) and the "
        "configuration kept the old URL",
        "an API configured with a static JWKS URL copied from another environment",
    ),
    fix="Set `idp.jwks_uri` (and the JWKS URL of every validator) to the discovery "
    "document's `jwks_uri`, or remove it and let validators use discovery.",
)
def jwks_uri_mismatch(self: Rule, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Compares `idp.jwks_uri`, when declared, with the discovery document's `jwks_uri`. When
    both URLs could be fetched it also compares the keys they serve: the same keys today is
    low (they will part at the next rotation); different keys, or a declared URL that
    fails, is high.

    ## Why is this bad?
    Validators configured with a static JWKS URL keep verifying against it after the IdP
    moves. The day the IdP rotates, tokens are signed with a key the old URL never
    publishes, and every request fails with "kid not found" or "invalid signature".

    ## Example
    ```toml
    jwks_uri = "https://login.example.com/tenants/dev/keys"   # discovery: .../dev/jwks
    ```
    """
    for environment, document, url in _discovered(context):
        declared = environment.idp.jwks_uri
        discovered = document.get("jwks_uri")
        if declared is None or not isinstance(discovered, str) or declared == discovered:
            continue
        declared_keys = context.jwks_facts(declared)
        discovered_keys = context.jwks_facts(discovered)
        if declared_keys is None:
            state, severity = "the declared URL could not be read (see DC010)", Severity.HIGH
        elif discovered_keys is None:
            state, severity = "the advertised URL could not be read", Severity.HIGH
        elif declared_keys.thumbprints == discovered_keys.thumbprints:
            state, severity = "both serve the same keys today", Severity.LOW
        else:
            state, severity = "they serve different keys", Severity.HIGH
        expected_marked, actual_marked = mark_difference(declared, discovered)
        yield self.finding(
            environment,
            "idp",
            f"idp.jwks_uri is {declared!r} but discovery advertises {discovered!r}; {state}.",
            evidence={"expected": declared, "actual": discovered,
                      "expected_marked": expected_marked, "actual_marked": actual_marked,
                      "discovery_url": url},
            key_path="idp.jwks_uri",
            severity=severity,
            fix=jwks_uri_fix(context, environment, discovered),
        )


@rule(
    "DC107", "alg-not-advertised", Severity.LOW, Step.DISCOVERY,
    summary="An API accepts an algorithm the IdP does not advertise for signing.",
    causes=(
        "an API's algorithm list copied from another provider or a framework default",
        "the IdP moved to another algorithm (RS256 to ES256, say) and the API was not told",
    ),
    fix="List in each API's `algorithms` the algorithms its IdP signs with, and nothing "
    "else.",
)
def alg_not_advertised(self: Rule, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Compares every API's and gateway's `algorithms` with the discovery document's
    `id_token_signing_alg_values_supported`. A warning only: that field is about ID tokens,
    and an IdP may sign access tokens differently (the known-good token check settles it).

    ## Why is this bad?
    An accepted algorithm nobody signs with is attack surface (`none`, HS256 with a public
    key as secret) and a sign that the validator's configuration came from elsewhere.

    ## Example
    ```toml
    algorithms = ["RS256", "HS256"]   # the IdP advertises ["RS256"]: HS256 is DC107
    ```
    """
    for environment, document, url in _discovered(context):
        advertised = document.get("id_token_signing_alg_values_supported")
        if not isinstance(advertised, list):
            continue
        validators = [("apis", n, a.algorithms) for n, a in environment.apis.items()] + [
            ("gateways", n, g.algorithms) for n, g in environment.gateways.items()]
        for family, name, algorithms in validators:
            extra = [alg for alg in algorithms if alg not in advertised]
            if not extra:
                continue
            yield self.finding(
                environment,
                f"{family}.{name}",
                f"{family}.{name} accepts {', '.join(extra)}, which the IdP does not advertise "
                f"(id_token_signing_alg_values_supported: {', '.join(map(str, advertised))}).",
                evidence={"accepted": list(algorithms), "not_advertised": extra,
                          "advertised": [str(a) for a in advertised], "discovery_url": url},
                key_path=f"{family}.{name}.algorithms",
                fix=algorithms_fix(environment, f"{family}.{name}",
                                   [a for a in algorithms if a in advertised]
                                   or [str(a) for a in advertised if str(a) != "none"]),
            )
