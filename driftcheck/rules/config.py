"""Configuration and collection: DC001-DC003 (from loading) and DC010 (from fetching)."""

from __future__ import annotations

from collections.abc import Iterator

from driftcheck.findings import Finding, Severity, Step
from driftcheck.models import Environment
from driftcheck.observations import FetchFailure
from driftcheck.rules.registry import Rule, RuleContext, rule
from driftcheck.urls import refusal


def _problems(self: Rule, context: RuleContext) -> Iterator[Finding]:
    for problem in context.problems:
        if problem.rule != self.id:
            continue
        yield self.finding(
            problem.environment or problem.file,
            problem.key_path or "file",
            str(problem),
            evidence={
                k: v
                for k, v in {"file": problem.file, "environment_file": problem.environment_file,
                             "key_path": problem.key_path,
                             "line": problem.line, "column": problem.column}.items()
                if v is not None
            },
            key_path=problem.key_path,
            file=problem.file,
            line=problem.line,
            subject=str(problem),
        )


@rule(
    "DC001", "schema-invalid", Severity.HIGH, Step.CONFIG,
    summary="An environment file is not valid TOML or does not match the environment schema.",
    causes=(
        "a typo in a key name (unknown keys are rejected)",
        "a value of the wrong type, such as a number where a duration string is expected",
        "a required key such as idp.issuer left out",
        "an `extends` file that is missing or that extends itself",
    ),
    fix="Correct the key named in the message; `driftcheck validate` re-checks files offline.",
    needs_network=False,
)
def schema_invalid(self: Rule, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Reports every environment file that cannot be used: TOML syntax errors (with line and
    column), values that break `schemas/environment.schema.json` (with the key path and what
    was expected), unknown keys, and broken `extends` chains.

    ## Why is this bad?
    A file driftcheck cannot read is an environment nobody is checking. The run carries on
    with the other files and exits 2.

    ## Example
    ```toml
    [apis.orders]
    clock_skew = 60        # DC001: expected a duration such as "90s"
    clock_skew = "60s"     # fixed
    ```
    """
    return _problems(self, context)


@rule(
    "DC002", "unresolved-variable", Severity.HIGH, Step.CONFIG,
    summary="A `${NAME}` reference in an environment file names a variable that is not set.",
    causes=(
        "the CI job does not export the variable",
        "a typo in the variable's name",
        "a secret store that did not inject its values",
    ),
    fix="Set the variable in the environment that runs driftcheck, or give a default: "
    "`${NAME:-value}`.",
    needs_network=False,
)
def unresolved_variable(self: Rule, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Reports each `${NAME}` whose variable is not set (and has no `:-default`), with the file
    and key path where it appears.

    ## Why is this bad?
    An unresolved reference would otherwise become a literal URL such as
    `${IDP_HOST}/tenants/prod` and every check of that environment would fail for the wrong
    reason.

    ## Example
    ```toml
    issuer = "${IDP_URL}/tenants/prod"          # DC002 when IDP_URL is unset
    issuer = "${IDP_URL:-https://login.example.com}/tenants/prod"
    ```
    """
    return _problems(self, context)


@rule(
    "DC003", "duplicate-environment", Severity.HIGH, Step.CONFIG,
    summary="Two environment files declare the same environment name.",
    causes=("a file copied to start a new environment without renaming it",),
    fix="Give every environment a unique `name`; the later file was not checked.",
    needs_network=False,
)
def duplicate_environment(self: Rule, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Reports an environment name declared by more than one file. The first file (in path
    order) is checked; the others are not.

    ## Why is this bad?
    Cross-environment rules key everything by name: two "staging" environments would hide
    each other's drift.

    ## Example
    `environments/staging.toml` and `environments/staging-eu.toml` both say
    `name = "staging"`; rename the second to `staging-eu`.
    """
    return _problems(self, context)


def _sources(environment: Environment, context: RuleContext) -> Iterator[tuple[str, str, str]]:
    """(URL, what it is, key path) for every URL the environment needs."""
    observations = context.observations
    seen = observations.environments.get(environment.name) if observations else None
    if seen is None:
        return
    discovery_key = "idp.discovery_url" if "idp.discovery_url" in environment.origins else \
        "idp.issuer"
    yield seen.discovery_url, "discovery document", discovery_key
    if seen.declared_jwks_url:
        yield seen.declared_jwks_url, "JWKS (declared jwks_uri)", "idp.jwks_uri"
    if seen.jwks_url and seen.jwks_url != seen.declared_jwks_url:
        yield seen.jwks_url, "JWKS (jwks_uri from discovery)", discovery_key
    for frontend, url in seen.runtime_config_urls.items():
        yield url, f"runtime config of frontend {frontend!r}", \
            f"frontends.{frontend}.runtime_config_url"


_FAILURE_FIX = {
    "dns": "Check the host name: it does not resolve from where driftcheck runs.",
    "refused": "Nothing listens at that address: check host and port, and that the IdP is up.",
    "timeout": "The server did not answer in time: check network paths, proxies and "
    "firewalls, or raise --timeout.",
    "tls": "The certificate is not trusted for this host: fix the certificate, or point "
    "`ca_bundle` at the CA that issued it.",
    "http-status": "The server answered with an error: check the URL path (tenant, realm, "
    "`.well-known` suffix) against the IdP's documentation.",
    "not-json": "The URL does not serve a JSON object: it may point at a login page or a "
    "proxy's error page.",
    "too-large": "The response exceeds the size cap: check the URL, or raise the cap.",
    "off-host-redirect": "The server redirects to another host, which driftcheck does not "
    "follow: configure the final URL directly.",
    "insecure-redirect": "The server redirects from https to http: fix the redirect.",
    "redirect-loop": "The server redirects in a loop: fix the redirect chain.",
    "insecure-url": "Use https, or set `allow_insecure_http = true` for a test environment.",
    "invalid-url": "Write an absolute http(s) URL.",
    "off-host-url": "If that host is really the IdP's, list it in the environment's "
    "allowed_hosts; otherwise find out why discovery points elsewhere.",
    "deadline": "Raise --timeout, or check fewer environments per run (--env, --shard).",
    "connection": "The connection failed: check the network path to the server.",
}


_FRONTEND_FIX = {
    "http-status": "The frontend's host answered with an error: check `{key}` against where "
    "the deployed app serves its runtime configuration (its public path, e.g. /config.json) "
    "and that this version of the app is deployed; the IdP is not involved.",
    "not-json": "The frontend serves something other than JSON there (often its index.html "
    "through an SPA fallback route): point `{key}` at the configuration file itself.",
    "connection": "The frontend's host could not be reached: check `{key}` and that the app is "
    "deployed and reachable from where driftcheck runs.",
}
_IDP_ONLY_FIX = frozenset({"off-host-url", "refused"})
_FRONTEND_DEFAULT_FIX = ("Check `{key}` and the frontend's hosting (CDN, static host, ingress) "
                         "for the failure class in the message; the IdP is not involved.")


def _fetch_fix(kind: str, key_path: str, default: str) -> str:
    """Frontend runtime configuration is served by the frontend's host: the advice names
    that component's key, not the IdP's documentation."""
    if key_path.startswith("frontends."):
        if kind in _FRONTEND_FIX:
            return _FRONTEND_FIX[kind].format(key=key_path)
        if kind in _IDP_ONLY_FIX or kind not in _FAILURE_FIX:
            return _FRONTEND_DEFAULT_FIX.format(key=key_path)
    return _FAILURE_FIX.get(kind, default)


def _provider_hint(url: str, status: int | None) -> str:
    """A known provider's URL-layout change behind a 404."""
    if status == 404 and "/auth/realms/" in url:
        return (" Keycloak 17 and later serve realms at /realms/NAME, without the /auth "
                "prefix of older releases (unless started with --http-relative-path=/auth).")
    return ""


@rule(
    "DC010", "fetch-failed", Severity.HIGH, Step.FETCH,
    summary="A discovery document, JWKS or runtime config could not be fetched.",
    causes=(
        "a wrong URL (tenant path, realm, missing `.well-known` segment)",
        "DNS, firewall or proxy problems between driftcheck and the IdP",
        "an untrusted or mismatched TLS certificate",
        "an endpoint that moved after an IdP or domain migration",
    ),
    fix="Act on the failure class in the message; each class has its own fix.",
)
def fetch_failed(self: Rule, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Reports every URL an environment depends on that could not be read, with its failure
    class: DNS, refused, timeout, TLS, HTTP status, not JSON, too large, redirected off-host,
    https-to-http redirect, redirect loop, or plain http outside loopback.

    ## Why is this bad?
    Validators fetch the same documents. If driftcheck cannot read the JWKS, an API behind
    the same network path cannot either, and every token fails with a signature error that
    points nowhere near the cause.

    ## Example
    `jwks_uri = "https://login.example.com/tenants/dev/keys"` answers 404 after the IdP moved
    keys to `/discovery/v2.0/keys`: DC010 (HTTP 404) names the URL; take the new `jwks_uri`
    from discovery.
    """
    observations = context.seen
    for environment in context.environments:
        for url, what, key_path in _sources(environment, context):
            response = observations.response(url)
            failure: FetchFailure | None = refusal(url, environment.allow_insecure_http) or (
                response.failure if response else FetchFailure("connection", "not fetched")
            )
            if failure is None:
                continue
            evidence: dict[str, object] = {"url": url, "failure": failure.kind}
            if response is not None and response.status is not None:
                evidence["status"] = response.status
            if response is not None and response.final_url != url:
                evidence["final_url"] = response.final_url
            yield self.finding(
                environment,
                key_path.rsplit(".", 1)[0] if key_path.startswith("frontends.") else "idp",
                f"Could not fetch the {what} at {url}: {failure.detail} ({failure.kind})."
                + _provider_hint(url, response.status if response else None),
                evidence=evidence,
                key_path=key_path,
                severity=Severity.MEDIUM if what.startswith("runtime") else None,
                fix=_fetch_fix(failure.kind, key_path, self.fix),
                subject=url,
            )
