"""Inside one environment: frontends, APIs, gateways and the IdP must agree (DC401-DC407)."""

from __future__ import annotations

from collections.abc import Iterator

from driftcheck.compare import classify_issuer, mark_difference
from driftcheck.durations import format_seconds, seconds_text
from driftcheck.facts.identity import RUNTIME_FIELDS, api_of, deployed_config
from driftcheck.findings import Finding, Severity, Step
from driftcheck.profiles import DEFAULT_PROFILE
from driftcheck.rules.advice import (
    algorithms_fix,
    frontend_audience_fix,
    layers_fix,
    skew_policy_fix,
)
from driftcheck.rules.registry import Rule, RuleContext, rule
from driftcheck.tokens.claims import ASYMMETRIC_ALGORITHMS, lifetime
from driftcheck.urls import url_under

_KEY_FAMILIES = {"RS": "RSA", "PS": "RSA", "ES": "EC", "Ed": "OKP"}


@rule(
    "DC401", "frontend-authority-mismatch", Severity.HIGH, Step.CONSISTENCY,
    summary="A frontend's authority is not its environment's issuer.",
    causes=(
        "the frontend was built with another environment's configuration",
        "a trailing slash or a custom domain in the authority",
    ),
    fix="Set the frontend's authority to this environment's issuer (exactly, when the client "
    "library validates `iss` against it).",
    needs_network=False,
)
def frontend_authority_mismatch(self: Rule, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Compares each frontend's `authority` with `idp.issuer`, classifying the difference like
    DC101-DC103. A trailing slash or letter case is medium (many client libraries normalize
    it for discovery, some compare it with `iss`); another tenant or host is high.

    ## Why is this bad?
    The frontend signs users in with one IdP while its API trusts another: logins succeed
    and every API call fails with an issuer or signature error.

    ## Example
    ```toml
    [frontends.web]
    authority = "https://login.example.com/tenants/prod"   # in staging.toml: DC401
    ```
    """
    for environment in context.environments:
        for name, frontend in environment.frontends.items():
            if not frontend.authority:
                continue
            difference = classify_issuer(environment.idp.issuer, frontend.authority)
            if difference.kind == "equal":
                continue
            yield self.finding(
                environment, f"frontends.{name}",
                f"Frontend `{name}` signs in at {frontend.authority!r}, but the environment's "
                f"issuer is {environment.idp.issuer!r}: {difference.explanation}.",
                evidence={"expected": environment.idp.issuer, "actual": frontend.authority,
                          "expected_marked": difference.expected_marked,
                          "actual_marked": difference.actual_marked},
                key_path=f"frontends.{name}.authority",
                severity=Severity.HIGH if difference.kind == "other" else Severity.MEDIUM,
            )


@rule(
    "DC402", "audience-not-accepted", Severity.HIGH, Step.CONSISTENCY,
    summary="A frontend requests an audience its API does not accept.",
    causes=(
        "the API's audience was renamed and the frontend kept the old one",
        "the frontend requests another environment's audience",
    ),
    fix="Make the frontend request an audience (resource) in its API's `audiences`.",
    needs_network=False,
)
def audience_not_accepted(self: Rule, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Finds the API each frontend calls (its `api`, or the API whose `url` its `api_base_url`
    lies under) and checks that the frontend's `audience` is one the API accepts.

    ## Why is this bad?
    Every token the frontend obtains is rejected by its API with an audience error: the
    seed article's "wrong resource requested during login".

    ## Example
    Frontend `audience = "api://orders"`, API `audiences = ["api://orders-staging"]`: DC402.
    """
    for environment in context.environments:
        for name, frontend in environment.frontends.items():
            api_name = api_of(environment, name)
            api = environment.apis.get(api_name) if api_name else None
            if api is None or not frontend.audience or not api.audiences:
                continue
            if frontend.audience in api.audiences:
                continue
            yield self.finding(
                environment, f"frontends.{name}",
                f"Frontend `{name}` requests audience {frontend.audience!r} but its API "
                f"`{api_name}` accepts {', '.join(map(repr, api.audiences))}.",
                evidence={"requested": frontend.audience, "accepted": list(api.audiences),
                          "api": api_name},
                key_path=f"frontends.{name}.audience",
                fix=frontend_audience_fix(context, environment, name, api.name, frontend.audience),
            )


@rule(
    "DC403", "gateway-api-disagree", Severity.HIGH, Step.CONSISTENCY,
    summary="A gateway and an API behind it accept different issuers, audiences or "
    "algorithms.",
    causes=(
        "the gateway's JWT policy and the API's middleware are configured in different repos",
        "one of them was updated for a migration and the other was not",
    ),
    fix="Accept the same issuers, audiences and algorithms at the gateway and behind it (or "
    "let only one layer validate).",
    needs_network=False,
)
def gateway_api_disagree(self: Rule, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Compares each gateway's `issuers`, `audiences` and `algorithms` with those of every API in
    its `upstream_apis`. Values the gateway accepts and the API rejects are high (tokens pass
    the gateway, then fail with a 401 from the API); values only the API accepts are medium.

    ## Why is this bad?
    The seed article: "assuming the gateway and application validate the same way". Each
    layer enforces its own list; a difference is a 401 whose source is hard to find.

    ## Example
    Gateway `issuers = [".../tenants/staging/"]`, API `issuers = [".../tenants/staging"]`:
    DC403.
    """
    for environment in context.environments:
        for name, gateway in environment.gateways.items():
            for api_name in gateway.upstream_apis:
                api = environment.apis.get(api_name)
                if api is None:
                    yield self.finding(
                        environment, f"gateways.{name}",
                        f"Gateway `{name}` forwards to `{api_name}`, which is not an API of "
                        "this environment.",
                        evidence={"upstream_api": api_name, "apis": sorted(environment.apis)},
                        key_path=f"gateways.{name}.upstream_apis", severity=Severity.MEDIUM,
                        subject=api_name)
                    continue
                for field in ("issuers", "audiences", "algorithms"):
                    at_gateway, at_api = getattr(gateway, field), getattr(api, field)
                    if not at_gateway or not at_api:
                        continue
                    passed_then_rejected = sorted(set(at_gateway) - set(at_api))
                    never_forwarded = sorted(set(at_api) - set(at_gateway))
                    if passed_then_rejected:
                        listed = ", ".join(map(repr, passed_then_rejected))
                        yield self.finding(
                            environment, f"gateways.{name}",
                            f"Gateway `{name}` accepts {field} {listed} "
                            f"that API `{api_name}` rejects: such tokens pass the gateway and "
                            "fail behind it.",
                            evidence={"field": field, "gateway": list(at_gateway),
                                      "api": list(at_api), "api_name": api_name},
                            key_path=f"gateways.{name}.{field}", subject=api_name,
                            fix=layers_fix(context, environment, name, api_name, field,
                                           passed_then_rejected, True))
                    if never_forwarded:
                        yield self.finding(
                            environment, f"gateways.{name}",
                            f"API `{api_name}` accepts {field} "
                            f"{', '.join(map(repr, never_forwarded))} that gateway `{name}` "
                            "rejects before forwarding.",
                            evidence={"field": field, "gateway": list(at_gateway),
                                      "api": list(at_api), "api_name": api_name},
                            key_path=f"apis.{api_name}.{field}", severity=Severity.MEDIUM,
                            subject=name, fix=layers_fix(context, environment, name, api_name,
                                                         field, never_forwarded, False))


@rule(
    "DC404", "algorithms-too-broad", Severity.MEDIUM, Step.CONSISTENCY,
    summary="An API accepts algorithms its IdP never signs with, or mixes HS* with RS*/ES*.",
    causes=(
        "a framework default list (`RS256, HS256, ...`) left in place",
        "an algorithm list copied from another provider",
    ),
    fix="List exactly the algorithms the IdP's keys sign with; never mix HMAC with public-key "
    "algorithms, never list `none`.",
)
def algorithms_too_broad(self: Rule, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Checks every API's and gateway's `algorithms`: `none` is critical; HS* next to RS*/ES*
    is high (the key-confusion setup); an asymmetric algorithm no key of the IdP's JWKS can
    sign with (ES256 with only RSA keys; RS384 when every RSA key says `"alg": "RS256"`) is
    medium.

    ## Why is this bad?
    The seed article: "Accepting too many algorithms. Validation should be explicit and
    narrow." Extra algorithms only add ways to be fooled.

    ## Example
    `algorithms = ["RS256", "HS256"]`: DC404 (high).
    """
    observations = context.seen
    for environment in context.environments:
        seen = observations.environments.get(environment.name)
        facts = context.jwks_facts(seen.jwks_url if seen else None)
        usable = [k for k in facts.keys if k.error is None and k.kty != "oct"] if facts else None
        key_types = {k.kty for k in usable} if usable is not None else None
        validators = [("apis", n, a.algorithms) for n, a in environment.apis.items()] + [
            ("gateways", n, g.algorithms) for n, g in environment.gateways.items()]
        for family, name, algorithms in validators:
            component, key_path = f"{family}.{name}", f"{family}.{name}.algorithms"
            if any(a.lower() == "none" for a in algorithms):
                yield self.finding(environment, component,
                                   f"{component} accepts alg none: unsigned tokens.",
                                   evidence={"algorithms": list(algorithms)}, key_path=key_path,
                                   severity=Severity.CRITICAL, subject="none")
            hmac = [a for a in algorithms if a.startswith("HS")]
            public = [a for a in algorithms if a in ASYMMETRIC_ALGORITHMS]
            if hmac and public:
                yield self.finding(
                    environment, component,
                    f"{component} accepts both {', '.join(hmac)} and {', '.join(public)}: a "
                    "validator that picks the key by algorithm can be fed tokens HMAC-signed "
                    "with the public key.",
                    evidence={"algorithms": list(algorithms)}, key_path=key_path,
                    severity=Severity.HIGH, subject="hmac-mixed")
            if key_types is None:
                continue
            # A key with an explicit `alg` signs with that algorithm only (RFC 7517 §4.4).
            unusable = [a for a in public if not any(
                (k.alg == a) if k.alg else _KEY_FAMILIES.get(a[:2]) == k.kty
                for k in usable or ())]
            if unusable and key_types:
                published = sorted(t or "?" for t in key_types)
                marked = sorted({k.alg for k in usable or () if k.alg})
                yield self.finding(
                    environment, component,
                    f"{component} accepts {', '.join(unusable)}, but no key in the IdP's JWKS "
                    f"can sign with it (it publishes {', '.join(published)} keys"
                    f"{' marked ' + ', '.join(marked) if marked else ''}).",
                    evidence={"algorithms": list(algorithms), "unusable": unusable,
                              "key_types": published},
                    key_path=key_path, subject="no-key",
                    fix=algorithms_fix(environment, component,
                                       [a for a in public if a not in unusable] + marked))


@rule(
    "DC405", "frontend-api-url-mismatch", Severity.HIGH, Step.CONSISTENCY,
    summary="A frontend's api_base_url is not the URL of any API of its environment.",
    causes=(
        "the frontend calls another environment's API (see DC505)",
        "an API moved to a new host or path and the frontend kept the old one",
    ),
    fix="Point the frontend's api_base_url at an API of its own environment.",
    needs_network=False,
)
def frontend_api_url_mismatch(self: Rule, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Checks that each frontend's `api_base_url` lies under the `url` of one of the
    environment's APIs or gateways (host, port and path prefix, after normalizing case,
    default ports and trailing dots). With an explicit `api`, it must be that API's URL.

    ## Why is this bad?
    A frontend that calls an API of another environment sends it tokens from its own IdP:
    every call fails, or worse, succeeds against the wrong data.

    ## Example
    Staging's frontend with `api_base_url = "https://api.example.com"` (prod's API): DC405
    and DC505.
    """
    for environment in context.environments:
        targets = {**{a.url: f"apis.{n}" for n, a in environment.apis.items() if a.url},
                   **{g.url: f"gateways.{n}" for n, g in environment.gateways.items() if g.url}}
        for name, frontend in environment.frontends.items():
            base = frontend.api_base_url
            if not base or not targets:
                continue
            if frontend.api is not None:
                api = environment.apis.get(frontend.api)
                if api is None or not api.url or url_under(base, api.url):
                    continue
                message = (f"Frontend `{name}` calls {base}, but its API `{frontend.api}` is "
                           f"at {api.url}.")
            elif any(url_under(base, url) for url in targets):
                continue
            else:
                message = (f"Frontend `{name}` calls {base}, which is not under any API of "
                           f"{environment.name} ({', '.join(sorted(targets))}).")
            yield self.finding(environment, f"frontends.{name}", message,
                               evidence={"api_base_url": base, "apis": sorted(targets)},
                               key_path=f"frontends.{name}.api_base_url")


SHORT_LIVED = 600.0
MAX_SKEW = 300.0


@rule(
    "DC406", "clock-skew-policy", Severity.MEDIUM, Step.CONSISTENCY,
    summary="A clock_skew of 0 s with tokens shorter than 10 min, or a skew over 5 min.",
    causes=(
        "a framework default of 0 s (PyJWT, jose) kept in place",
        "a skew raised to paper over a clock problem",
    ),
    fix="Allow 30-60 s of skew and fix clocks with NTP; never more than a few minutes.",
)
def clock_skew_policy(self: Rule, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Flags an API or gateway whose effective clock skew (declared `clock_skew`, else its
    validator profile's default: 0 s for PyJWT, jose, jsonwebtoken, golang-jwt) is 0 s when
    the environment's known-good token lives less than 10 minutes (normal NTP jitter then
    rejects fresh tokens), and any effective skew above 5 minutes (expired tokens stay
    accepted that much longer).

    ## Why is this bad?
    The seed article: "Short-lived tokens make even small NTP issues visible." Zero
    tolerance turns milliseconds of drift into intermittent 401s; a large tolerance hides
    replay of expired tokens.

    ## Example
    `clock_skew = "0s"` with 5-minute tokens: DC406.
    """
    observations = context.observations
    for environment in context.environments:
        seen = observations.environments.get(environment.name) if observations else None
        lifetimes = [span for t in (seen.tokens if seen else ())
                     if (span := lifetime(t.claims)) is not None]
        shortest = min(lifetimes) if lifetimes else None
        offset = context.facts.clock_offsets.get(environment.name)
        for validator in context.facts.validators[environment.name]:
            skew = validator.clock_skew.value
            component = validator.component
            if validator.profile.name == DEFAULT_PROFILE and not validator.clock_skew.declared:
                continue  # strict's 0 s is an assumption for judging tokens, not a setting
            described = validator.clock_skew.describe(seconds_text)
            if skew == 0 and shortest is not None and 0 < shortest < SHORT_LIVED:
                measured = (f" The IdP's clock is measured {format_seconds(offset)} "
                            f"{'ahead' if offset > 0 else 'behind'} right now."
                            if offset is not None and abs(offset) >= 1 else "")
                message = (f"{component} allows no clock skew ({described}) while tokens "
                           f"live {format_seconds(shortest)}: any drift between IdP and API "
                           f"rejects fresh tokens.{measured}")
            elif skew > MAX_SKEW:
                message = (f"{component} allows {described} of clock skew: expired tokens "
                           "stay accepted that long.")
            else:
                continue
            yield self.finding(environment, component, message,
                               evidence={"clock_skew_seconds": skew,
                                         "clock_skew": described,
                                         "token_lifetime_seconds": shortest},
                               key_path=validator.clock_skew.key_path,
                               fix=skew_policy_fix(context, environment, component, skew))


@rule(
    "DC407", "runtime-config-drift", Severity.HIGH, Step.CONSISTENCY,
    summary="A frontend's deployed runtime config differs from what the environment file "
    "declares.",
    causes=(
        "a build or deployment that baked in another environment's config",
        "a config map edited in place",
        "a CDN serving a stale config.json",
    ),
    fix="Redeploy the frontend with the declared values, or update the environment file if "
    "the deployed value is the intended one.",
)
def runtime_config_drift(self: Rule, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Reads each frontend's `runtime_config_url` through the JSON Pointers of
    `runtime_config_map` and compares authority, client_id, api_base_url and audience with
    the declared values, one finding per differing field (a pointer that finds nothing is a
    difference too).

    ## Why is this bad?
    The file says staging; the browser runs what was deployed. The seed article's
    "environment drift often looks like an infrastructure problem first".

    ## Example
    Declared `api_base_url = "https://api.staging.example.com"`, deployed
    `"apiBaseUrl": "https://api.example.com"`: DC407 (and DC505: it is prod's API).
    """
    for environment in context.environments:
        deployed = deployed_config(environment, context.observations)
        for name, values in deployed.items():
            frontend = environment.frontends[name]
            for field in RUNTIME_FIELDS:
                declared = getattr(frontend, field)
                pointer = getattr(frontend.runtime_config_map, field)
                if declared is None or pointer is None:
                    continue
                if field not in values:
                    message = (f"Frontend `{name}`'s deployed config has nothing at {pointer} "
                               f"for {field} (declared {declared!r}).")
                    evidence = {"field": field, "pointer": pointer, "expected": declared}
                elif values[field] != declared:
                    actual = values[field]
                    shown = actual if isinstance(actual, str) else repr(actual)
                    message = (f"Frontend `{name}`'s deployed {field} is {shown!r}, the "
                               f"environment file declares {declared!r}.")
                    evidence = {"field": field, "pointer": pointer, "expected": declared,
                                "actual": actual}
                    if isinstance(actual, str):
                        marked = mark_difference(declared, actual)
                        evidence.update(expected_marked=marked[0], actual_marked=marked[1])
                else:
                    continue
                yield self.finding(environment, f"frontends.{name}", message,
                                   evidence=evidence, key_path=f"frontends.{name}.{field}")


@rule(
    "DC408", "refresh-margin", Severity.MEDIUM, Step.CONSISTENCY,
    summary="A frontend's refresh_before_expiry is shorter than its API's clock skew, or not "
    "shorter than the token lifetime.",
    causes=(
        "a refresh margin set before the token lifetime was shortened",
        "a margin of a few seconds with browsers whose clocks drift",
    ),
    fix="Refresh at least one clock_skew before expiry, and well within the token's lifetime "
    "(a few minutes before expiry for tokens of an hour).",
)
def refresh_margin(self: Rule, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Compares each frontend's `refresh_before_expiry` with its API's `clock_skew` and with the
    lifetime of the environment's known-good token for that API.

    ## Why is this bad?
    The seed article: "ensure the client refresh logic requests a new access token before
    protected API calls". A margin shorter than the clock skew lets a frontend whose clock
    is behind present tokens the API already considers expired; a margin as long as the
    token's lifetime makes every fresh token look due for refresh: a refresh loop.

    ## Example
    `refresh_before_expiry = "2h"` with 1-hour tokens: DC408 (high).
    """
    observations = context.observations
    for environment in context.environments:
        seen = observations.environments.get(environment.name) if observations else None
        for name, frontend in environment.frontends.items():
            margin = frontend.refresh_before_expiry
            api_name = api_of(environment, name)
            api = environment.apis.get(api_name) if api_name else None
            if margin is None or api is None:
                continue
            spans = [span for t in (seen.tokens if seen else ()) if t.for_api == api_name
                     and (span := lifetime(t.claims)) is not None]
            component, key_path = f"frontends.{name}", f"frontends.{name}.refresh_before_expiry"
            if spans and margin >= min(spans):
                yield self.finding(
                    environment, component,
                    f"Frontend `{name}` refreshes {format_seconds(margin)} before expiry, but "
                    f"tokens for `{api_name}` live {format_seconds(min(spans))}: every token "
                    "is due for refresh as soon as it arrives (a refresh loop).",
                    evidence={"refresh_before_expiry_seconds": margin,
                              "token_lifetime_seconds": min(spans)},
                    key_path=key_path, severity=Severity.HIGH, subject="loop")
            if api.clock_skew is not None and margin < api.clock_skew:
                yield self.finding(
                    environment, component,
                    f"Frontend `{name}` refreshes {format_seconds(margin)} before expiry, less "
                    f"than `{api_name}`'s clock_skew ({format_seconds(api.clock_skew)}): with "
                    "a browser clock that much behind, it presents tokens the API already "
                    "counts as expired.",
                    evidence={"refresh_before_expiry_seconds": margin,
                              "clock_skew_seconds": api.clock_skew, "api": api_name},
                    key_path=key_path, subject="skew")
