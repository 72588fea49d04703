"""Deployed configuration (DC409-DC412): what the artifacts an environment names really
configure, against what the environment file declares and what other environments own."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from driftcheck.compare import classify_issuer
from driftcheck.deployed.apply import FIELDS, declared
from driftcheck.deployed.interface import Origin, Reading, Setting
from driftcheck.durations import format_seconds, seconds_text
from driftcheck.facts.identity import deployed_config
from driftcheck.facts.indexes import audiences_declared
from driftcheck.findings import Finding, Severity, Step
from driftcheck.models import Environment
from driftcheck.observations import TokenObservation
from driftcheck.rules.isolation import identities
from driftcheck.rules.registry import Rule, RuleContext, rule
from driftcheck.tokens.claims import lifetime
from driftcheck.urls import url_under

_MINOR_FIELDS = {"algorithms", "clock_skew", "jwks_cache_ttl", "require_exp",
                 "refetch_on_unknown_kid", "max_token_age"}


def _readings(context: RuleContext) -> Iterator[tuple[Environment, Reading]]:
    for environment in context.environments:
        for reading in context.deployed.get(environment.name, ()):
            yield environment, reading


def _shown(value: Any) -> str:
    if isinstance(value, tuple | list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value)


def _as_set(value: Any) -> set[Any]:
    return set(value) if isinstance(value, tuple | list) else {value}


def _one(value: Any) -> Any:
    return value[0] if isinstance(value, tuple) and len(value) == 1 else value


def _same(declared_value: Any, deployed_value: Any) -> bool:
    if isinstance(declared_value, tuple | list) or isinstance(deployed_value, tuple | list):
        return _as_set(declared_value) == _as_set(deployed_value)
    if isinstance(declared_value, float | int) and isinstance(deployed_value, float | int):
        return abs(float(declared_value) - float(deployed_value)) < 1e-9
    return bool(declared_value == deployed_value)


def _value_text(field: str, value: Any) -> str:
    if field in ("clock_skew", "jwks_cache_ttl", "max_token_age") and isinstance(
            value, float | int) and not isinstance(value, bool):
        return seconds_text(float(value))
    return _shown(value)


def _overrides(setting: Setting) -> str:
    if not setting.overrode:
        return ""
    return f"; it overrides {', '.join(str(o) for o in setting.overrode)}"


def _where(origin: Origin) -> dict[str, Any]:
    return {"file": origin.file, "line": origin.line}


@rule(
    "DC409", "deployed-config-drift", Severity.HIGH, Step.DEPLOYED,
    summary="A deployed setting differs from the value the environment file declares.",
    causes=(
        "a profile file, Helm values file or overlay changed without the environment file",
        "an environment variable in a manifest overriding the file the team looks at",
        "the environment file copied from another environment and never corrected",
    ),
    fix="Decide which value is right; change the deployment (the file and line shown) or the "
    "environment file so that both say the same.",
    needs_network=False,
)
def deployed_config_drift(self: Rule, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Reads the effective settings of each component's `deployed` artifacts (with the
    framework's own precedence: profile files over base files, environment variables over
    files) and compares every value the environment file also declares: accepted issuers and
    audiences, algorithms, clock skew, a frontend's authority, client ID, API URL and
    audience. Lists compare as sets. The finding points at the file and line that set the
    deployed value and says what it overrode.

    ## Why is this bad?
    driftcheck judges the declared copy; when the deployment says something else, every
    other check is about a configuration that does not run. The deployed value is what
    decides whether tokens pass.

    ## Example
    The environment file declares `audiences = ["api://orders-prod"]`;
    `deploy/k8s/prod/deployment.yaml:31` sets
    `SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_AUDIENCES_0=api://orders-staging`, which
    overrides `application-prod.yml:9`: DC409.
    """
    for environment, reading in _readings(context):
        family = reading.component.partition(".")[0]
        component = _component(environment, reading.component)
        if component is None:
            continue
        for setting in reading.settings:
            key_path = f"{reading.component}.{setting.field}"
            if setting.field not in FIELDS.get(family, ()) or not declared(environment,
                                                                           key_path):
                continue
            wanted = getattr(component, setting.field)
            if wanted is None or wanted == () or _same(wanted, setting.value):
                continue
            if setting.origin.file is None:
                continue  # a framework default: code may override it, the file cannot tell
            if setting.origin.default is not None and _subset(wanted, setting.value):
                continue  # a derived default that accepts what is declared (and more)
            origin = setting.origin
            yield self.finding(
                environment, reading.component,
                f"{reading.component}'s deployed {setting.field}: "
                f"{_value_text(setting.field, setting.value)} (set at {origin}"
                f"{_overrides(setting)}); declared: "
                f"{_value_text(setting.field, wanted)}"
                f"{_how(setting.field, wanted, setting.value)}.",
                evidence={"field": setting.field, "declared": _plain(wanted),
                          "deployed": _plain(setting.value), "deployed_at": str(origin),
                          "overrode": [str(o) for o in setting.overrode],
                          "declared_in": environment.file_of(key_path),
                          **({"notes": list(reading.notes)} if reading.notes else {})},
                key_path=key_path,
                severity=Severity.MEDIUM if setting.field in _MINOR_FIELDS else None,
                file=origin.file or environment.file_of(key_path),
                line=origin.line if origin.file else environment.line_of(key_path),
                subject=setting.field,
            )
    yield from _build_time_against_runtime(self, context)


_BUILD_TIME = {"vite", "nextjs", "create-react-app"}


def _build_time_against_runtime(self: Rule, context: RuleContext) -> Iterator[Finding]:
    """A bundler inlines `.env` values at build time; when the frontend also serves a runtime
    configuration that says otherwise, the two disagree in the running app."""
    for environment, reading in _readings(context):
        family, _, name = reading.component.partition(".")
        if family != "frontends" or reading.kind not in _BUILD_TIME:
            continue
        runtime = deployed_config(environment, context.observations).get(name, {})
        url = environment.frontends[name].runtime_config_url
        for setting in reading.settings:
            served = runtime.get(setting.field)
            if served is None or served == setting.value:
                continue
            yield self.finding(
                environment, reading.component,
                f"{reading.component}'s {setting.field} is inlined at build time as "
                f"{setting.value} ({setting.origin}), but its runtime configuration ({url}) "
                f"says {served}.",
                evidence={"field": setting.field, "build_time": setting.value,
                          "runtime": served, "runtime_config_url": url,
                          "deployed_at": str(setting.origin)},
                key_path=f"{reading.component}.{setting.field}",
                file=setting.origin.file, line=setting.origin.line,
                subject=f"runtime|{setting.field}",
                fix="Make the build-time value and the runtime configuration agree (rebuild "
                "with the right .env, or fix the served configuration); keep only one source "
                "if you can.",
            )


def _subset(declared_value: Any, deployed_value: Any) -> bool:
    if isinstance(declared_value, tuple) and isinstance(deployed_value, tuple):
        return set(declared_value) <= set(deployed_value)
    return False


def _how(field: str, wanted: Any, deployed_value: Any) -> str:
    """For one issuer against one issuer: how they differ (a trailing slash, case...)."""
    if field not in ("issuers", "authority"):
        return ""
    expected, actual = _one(wanted), _one(deployed_value)
    if not isinstance(expected, str) or not isinstance(actual, str):
        return ""
    difference = classify_issuer(expected, actual)
    return f" ({difference.explanation})" if difference.kind != "other" else ""


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def _component(environment: Environment, component: str) -> Any:
    family, _, name = component.partition(".")
    return {"apis": environment.apis, "gateways": environment.gateways,
            "frontends": environment.frontends}.get(family, {}).get(name)


@rule(
    "DC410", "deployed-config-unreadable", Severity.HIGH, Step.DEPLOYED,
    summary="A deployed artifact the environment file names cannot be read.",
    causes=(
        "a path or glob that matches no file (moved, renamed, wrong relative path)",
        "a syntax error in the YAML, JSON or properties file",
        "a selector that matches no object, or several",
        "a symlink that leads outside the folders the environment file names",
    ),
    fix="Fix the path, the selector or the syntax at the line shown.",
    needs_network=False,
)
def deployed_config_unreadable(self: Rule, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Reports every artifact a `deployed` table names that cannot be read: a missing file or
    a glob matching nothing, a parse error (with line and column), a `select` that matches
    no object or several, a file larger than the cap, or one that resolves (through a
    symlink) outside the folders the environment file names. `driftcheck validate` reports
    the same. A value decided only at deploy time (a CloudFormation `!Sub`/`!Ref`, a
    Terraform reference no `*.tfvars` file gives) is reported low: named, never guessed.

    ## Why is this bad?
    The deployed values cannot be compared, so drift there goes unseen; a syntax error in
    a profile file usually also breaks the service that reads it.

    ## Example
    `deploy/orders/application-prod.yml:7:3: invalid YAML: mapping values are not allowed
    here`: DC410.
    """
    for environment, reading in _readings(context):
        for problem in reading.problems:
            position = f":{problem.line}" if problem.line else ""
            position += f":{problem.column}" if problem.line and problem.column else ""
            yield self.finding(
                environment, reading.component,
                f"{reading.component}'s deployed {reading.kind} configuration: "
                f"{problem.file}{position}: {problem.message}.",
                evidence={"kind": reading.kind, "file": problem.file, "line": problem.line,
                          "column": problem.column, "problem": problem.message},
                key_path=f"{reading.component}.deployed",
                severity=Severity.LOW if problem.unresolved else None,
                file=problem.file, line=problem.line, column=problem.column,
                subject=f"{problem.file}|{problem.message}",
            )


@rule(
    "DC411", "deployed-check-disabled", Severity.HIGH, Step.DEPLOYED,
    summary="The deployed configuration switches off a check the environment relies on.",
    causes=(
        "no audience configured, so the framework never checks `aud`",
        "an Istio RequestAuthentication without an AuthorizationPolicy that requires a "
        "principal: requests with no token pass",
        "a gateway plugin that does not verify `exp`",
        "a JWKS URL configured without an issuer, so `iss` is never checked",
    ),
    fix="Configure the check in the deployment (the file and line shown): the audience, the "
    "issuer, `exp` among the claims to verify, an AuthorizationPolicy requiring "
    "requestPrincipals.",
    needs_network=False,
)
def deployed_check_disabled(self: Rule, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Reports each check the deployed configuration leaves off by the framework's own rules:
    Spring Boot without `audiences` does not check `aud`; ASP.NET Core's configuration
    binding validates `iss` and `aud` only when `ValidIssuer(s)` and `ValidAudience(s)` are
    set; an Istio RequestAuthentication only rejects invalid tokens, and without an
    AuthorizationPolicy requiring a request principal a request without any token passes
    (policies matched as Istio attaches them: selector, root namespace, targetRefs); an
    Envoy jwt_authn rule whose requirement tree passes a request without a valid token
    (no `requires`, `allow_missing`, `allow_missing_or_failed`, through `requires_any` /
    `requires_all`) is reported with its match; oauth2-proxy's
    `--insecure-oidc-skip-issuer-verification` (flag, variable or file) turns `iss` off.
    High when the environment file declares the value the check would enforce (it relies
    on it), medium otherwise.

    ## Why is this bad?
    A token for another API of the same IdP, or no token at all, is accepted: the check the
    team believes in does not run.

    ## Example
    `apis.orders` declares `audiences = ["api://orders-prod"]`, but
    `application-prod.yml` sets no `spring.security.oauth2.resourceserver.jwt.audiences`:
    DC411 (high).
    """
    relies = {"audience": "audiences", "issuer": "issuers"}
    for environment, reading in _readings(context):
        for check in reading.disabled:
            field = relies.get(check.check)
            key_path = f"{reading.component}.{field}" if field else \
                f"{reading.component}.deployed"
            relied = field is None or declared(environment, key_path)
            origin = check.origin
            yield self.finding(
                environment, reading.component,
                f"{reading.component} ({reading.kind}): {check.message} ({origin})"
                + (f"; the environment file relies on it ({key_path})." if field and relied
                   else "."),
                evidence={"check": check.check, "at": str(origin), "relied_on": relied,
                          **({"notes": list(reading.notes)} if reading.notes else {})},
                key_path=key_path,
                severity=None if relied else Severity.MEDIUM,
                file=origin.file or environment.file_of(f"{reading.component}.deployed"),
                line=origin.line if origin.file else environment.line_of(
                    f"{reading.component}.deployed"),
                subject=check.check,
            )


_REFERENCE_FIELDS = {"issuers": "issuer", "authority": "issuer", "audiences": "audience",
                     "audience": "audience", "jwks_uri": "jwks_uri",
                     "extra_jwks_uris": "jwks_uri", "api_base_url": "api_url",
                     "route_issuers": "issuer", "route_audiences": "audience"}


_LABELS = {"route_issuers": "issuer required by a route",
           "route_audiences": "audience required by a route",
           "extra_jwks_uris": "extra JWKS URI"}


class _Owned:
    """Values each environment owns by declaration (deployed values excluded) or discovery,
    per kind of value: derived at most once per environment and kind within one check."""

    def __init__(self, context: RuleContext) -> None:
        self._context = context
        self._found: dict[tuple[str, str], frozenset[str]] = {}

    def of(self, environment: Environment, what: str) -> frozenset[str]:
        key = (environment.name, what)
        if key not in self._found:
            self._found[key] = frozenset(_owned_values(environment, what, self._context))
        return self._found[key]


def _owned_values(environment: Environment, what: str, context: RuleContext) -> set[str]:
    mine = identities(context)[environment.name]
    if what == "issuer":
        return set(mine.issuers)
    if what == "jwks_uri":
        return set(mine.jwks_uris)
    if what == "api_url":
        return set(mine.api_urls)
    return set(audiences_declared(environment))


def _matches(what: str, value: str, owned: frozenset[str]) -> bool:
    if what == "api_url":
        return any(url_under(value, url) for url in owned)
    if what == "issuer":
        return value.rstrip("/") in {o.rstrip("/") for o in owned}
    return value in owned


@rule(
    "DC412", "deployed-crossover", Severity.HIGH, Step.DEPLOYED,
    summary="A deployed setting names another environment's issuer, audience, JWKS or API.",
    causes=(
        "a prod overlay or values file copied from staging with one value left behind",
        "an environment variable in a manifest still naming the old environment",
    ),
    fix="Set the deployed value to this environment's own (the file and line shown).",
    needs_network=False,
)
def deployed_crossover(self: Rule, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    The deployed counterpart of DC505: every issuer, audience, JWKS URL (Kong
    openid-connect's `extra_jwks_uris` too), authority and API URL a component's deployed
    artifacts set — for Envoy, per rule: the issuers of the providers each route requires —
    is looked up among the other environments' declared and discovered values; one that
    belongs to another environment and not to this one is reported at the file and line
    that set it. Prod ↔ non-prod crossovers are
    critical. Issuers match whatever their trailing slash.

    ## Why is this bad?
    A prod service that trusts staging's issuer accepts staging tokens (anyone with a
    staging account is in); a staging service pointed at prod's audience requests real
    production tokens.

    ## Example
    `deploy/k8s/prod/deployment.yaml:27` sets
    `SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_ISSUERURI` to staging's issuer: DC412
    (critical).
    """
    index = identities(context)
    by_name = {e.name: e for e in context.environments}
    owned = _Owned(context)
    for environment, reading in _readings(context):
        mine = index[environment.name]
        reported: set[tuple[str, str]] = set()  # a route's value first, then the whole's
        for setting in reading.settings:
            what = _REFERENCE_FIELDS.get(setting.field)
            if what is None:
                continue
            values = setting.value if isinstance(setting.value, tuple) else (setting.value,)
            for value in values:
                if not isinstance(value, str) or (what, value) in reported or _matches(
                        what, value, owned.of(environment, what)):
                    continue
                reported.add((what, value))
                for other in index.values():
                    if other.name == environment.name or not _matches(
                            what, value, owned.of(by_name[other.name], what)):
                        continue
                    crosses = {mine.tier, other.tier} == {"prod", "nonprod"}
                    origin = setting.origin
                    key_path = f"{reading.component}.{setting.field}"
                    yield self.finding(
                        environment, reading.component,
                        f"{reading.component}'s deployed "
                        f"{_LABELS.get(setting.field, setting.field)} {value} (set at "
                        f"{origin}) is {other.name}'s {what.replace('_', ' ')}, not "
                        f"{environment.name}'s.",
                        evidence={"field": setting.field, "value": value,
                                  "belongs_to": other.name, "belongs_to_tier": other.tier,
                                  "deployed_at": str(origin)},
                        key_path=key_path,
                        severity=Severity.CRITICAL if crosses else None,
                        related=[other.name],
                        file=origin.file or environment.file_of(key_path),
                        line=origin.line if origin.file else environment.line_of(key_path),
                        subject=f"{setting.field}|{value}|{other.name}",
                    )
                    break


def _tokens_through(environment: Environment, component: str,
                    context: RuleContext) -> Iterator[TokenObservation]:
    """The environment's known-good tokens that pass `component`: an API's own tokens; for a
    gateway, the tokens of its upstream APIs (or, when it names none, the tokens bound to no
    API)."""
    family, _, name = component.partition(".")
    if family == "apis":
        wanted: set[str | None] = {name}
    elif family == "gateways":
        upstream = environment.gateways[name].upstream_apis
        wanted = set(upstream) if upstream else {None}
    else:
        return
    yield from (t.token for t in context.facts.tokens
                if t.environment.name == environment.name and t.token.for_api in wanted)


@rule(
    "DC413", "deployed-lifetime-limit", Severity.HIGH, Step.TIME,
    summary="A deployed gateway refuses the environment's tokens as too long-lived "
    "(Kong jwt maximum_expiration).",
    causes=(
        "the IdP's access-token lifetime raised without the gateway's limit",
        "a gateway configuration copied from an environment with shorter-lived tokens",
    ),
    fix="Make the IdP's access-token lifetime at most the gateway's maximum_expiration, or "
    "raise maximum_expiration (the file and line shown).",
)
def deployed_lifetime_limit(self: Rule, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Compares the lifetime (`exp - iat`) of each known-good token that passes a component
    with the lifetime limit its deployed configuration sets: Kong's jwt plugin
    `maximum_expiration` refuses a token while `exp - now` exceeds it, so a token that
    lives longer is refused from the moment it is issued until it has that much time
    left. An API whose `max_token_age` already is that limit (declared, or filled from the
    deployment) is left to DC314. The finding is on the token's time step, located at the
    line that sets the limit.

    ## Why is this bad?
    Clients use tokens as soon as they get them: every fresh token is refused with 403
    (`exp` "exceeds maximum allowed expiration") although the IdP and the API accept it.

    ## Example
    `kong.yml:14` sets `maximum_expiration: 3600`; the IdP issues 2-hour tokens: DC413.
    """
    for environment, reading in _readings(context):
        limit = reading.setting("max_token_age")
        if limit is None or limit.origin.file is None or not isinstance(
                limit.value, int | float):
            continue
        component = _component(environment, reading.component)
        own = getattr(component, "max_token_age", None)
        if own is not None and own <= limit.value:
            continue  # DC314 judges the token against this limit (or a stricter one)
        for token in _tokens_through(environment, reading.component, context):
            span = lifetime(token.claims)
            if span is None or span <= limit.value:
                continue
            yield self.finding(
                environment, f"tokens.{token.name}",
                f"The token lives {format_seconds(span)} (exp - iat); "
                f"{reading.component} ({reading.kind}) refuses a token while exp - now "
                f"exceeds {format_seconds(float(limit.value))} (set at {limit.origin}): "
                f"fresh tokens are refused for their first "
                f"{format_seconds(span - float(limit.value))}.",
                evidence={"token": f"fp:{token.fingerprint}", "lifetime_seconds": span,
                          "limit_seconds": limit.value, "limit_at": str(limit.origin),
                          "component": reading.component},
                key_path=f"{reading.component}.deployed",
                file=limit.origin.file, line=limit.origin.line,
                subject=f"{reading.component}|{token.name}",
            )
