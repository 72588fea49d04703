"""The known-good token of each environment, checked in the order a validator checks it:
parse -> algorithm -> key -> signature -> time -> issuer -> audience -> claims -> token type.

Every step is judged even when an earlier one fails (a user sees "expired" and "wrong
audience" together); the report marks the first failing step as the headline.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from driftcheck.compare import classify_issuer, entra_version_confusion
from driftcheck.durations import describe_instant, format_seconds, seconds_text
from driftcheck.findings import Finding, Severity, Step
from driftcheck.http_facts import environment_clock_offset
from driftcheck.models import Api, Environment
from driftcheck.observations import SecretObservation, TokenObservation
from driftcheck.profiles import Profile, get_profile
from driftcheck.profiles.effective import api_validator, effective
from driftcheck.rules import advice
from driftcheck.rules.advice import algorithms_fix
from driftcheck.rules.clock import DATE_RESOLUTION
from driftcheck.rules.registry import Rule, RuleContext, rule
from driftcheck.rules.verdicts import issuer_verdicts
from driftcheck.tokens.claims import (
    ASYMMETRIC_ALGORITHMS,
    HMAC_BITS,
    MILLISECONDS_THRESHOLD,
    UNSAFE_HEADERS,
    time_claims,
)
from driftcheck.tokens.kind import KindGuess, classify

SIGNATURE_BYTES = {"ES256": 64, "ES384": 96, "ES512": 132}
UNDERSTOOD_CRIT: frozenset[str] = frozenset()
"""`crit` extensions driftcheck's checks understand (RFC 7515 §4.1.11): none."""


def _tokens(context: RuleContext) -> Iterator[tuple[Environment, TokenObservation, Api | None]]:
    observations = context.observations
    assert observations is not None
    for environment in context.environments:
        seen = observations.environments.get(environment.name)
        for token in seen.tokens if seen else ():
            api = environment.apis.get(token.for_api) if token.for_api else None
            yield environment, token, api


def _decoded(context: RuleContext) -> Iterator[tuple[Environment, TokenObservation, Api | None,
                                                     Mapping[str, Any]]]:
    """Tokens that were had and decoded, with their claims."""
    for environment, token, api in _tokens(context):
        if token.claims is not None and token.header is not None:
            yield environment, token, api, token.claims


def _component(token: TokenObservation) -> str:
    return f"tokens.{token.name}"


def _token_key_path(environment: Environment, token: TokenObservation) -> str:
    return f"tokens.{token.name}" if token.name in environment.tokens else "tokens"


def _evidence(token: TokenObservation, **more: Any) -> dict[str, Any]:
    evidence: dict[str, Any] = {"token": f"fp:{token.fingerprint}", "source": token.source}
    if token.for_api:
        evidence["api"] = token.for_api
    evidence.update({k: v for k, v in more.items() if v is not None})
    return evidence


def _api_label(token: TokenObservation) -> str:
    return f"apis.{token.for_api}" if token.for_api else "the environment's IdP"


def _finding(self: Rule, environment: Environment, token: TokenObservation, message: str,
             key_path: str | None = None, **kwargs: Any) -> Finding:
    return self.finding(environment, _component(token), message,
                        key_path=key_path or _token_key_path(environment, token), **kwargs)


def _profile(api: Api | None) -> Profile | None:
    """The API's validator profile; None for a token not bound to an API."""
    return get_profile(api.validator) if api is not None else None


def _allowed_algorithms(api: Api | None) -> tuple[tuple[str, ...], str]:
    """The algorithms the API accepts, and where that comes from: its `algorithms`, else its
    validator profile's default (Spring Security: RS256 only); () means any."""
    if api is None:
        return (), "no API named"
    if api.algorithms:
        return api.algorithms, f"apis.{api.name}.algorithms"
    default = get_profile(api.validator).default_algorithms.value
    return default, f"{api.validator} default"


# -- cross-environment indexes (pure, memoized per evaluation) --------------------------------

@dataclass(frozen=True)
class _KeyOwner:
    environment: str
    kid: str | None


def _key_owners(context: RuleContext) -> dict[str, list[_KeyOwner]]:
    """Thumbprint -> which environments publish that key (and under which kid)."""
    if "key-owners" in context.memo:
        owners: dict[str, list[_KeyOwner]] = context.memo["key-owners"]
        return owners
    owners = {}
    observations = context.observations
    assert observations is not None
    for environment in context.environments:
        seen = observations.environments.get(environment.name)
        facts = context.jwks_facts(seen.jwks_url if seen else None)
        for key in facts.keys if facts else ():
            if key.thumbprint:
                owners.setdefault(key.thumbprint, []).append(_KeyOwner(environment.name, key.kid))
    context.memo["key-owners"] = owners
    return owners


def _issuers_of(context: RuleContext, environment: Environment) -> set[str]:
    observations = context.observations
    found = {environment.idp.issuer}
    for api in environment.apis.values():
        found.update(api.issuers)
    discovery = observations.discovery(environment.name) if observations else None
    if discovery is not None and discovery.ok and isinstance(discovery.body.get("issuer"), str):
        found.add(discovery.body["issuer"])
    return found


def _audiences_of(environment: Environment) -> set[str]:
    found = {a for api in environment.apis.values() for a in api.audiences}
    found |= {a for gateway in environment.gateways.values() for a in gateway.audiences}
    found |= {f.audience for f in environment.frontends.values() if f.audience}
    return found


def _others_matching(context: RuleContext, environment: Environment, values: set[str],
                     index: str) -> list[str]:
    """Other environments whose issuers (or audiences) include one of `values`."""
    matches = []
    for other in context.environments:
        if other.name == environment.name:
            continue
        theirs = _issuers_of(context, other) if index == "issuer" else _audiences_of(other)
        if theirs & values:
            matches.append(other.name)
    return matches


# -- the rules --------------------------------------------------------------------------------

@rule(
    "DC301", "token-unavailable", Severity.HIGH, Step.FETCH,
    summary="The environment's known-good token could not be obtained.",
    causes=(
        "the client secret variable is not set in the CI job",
        "the client is not registered in this tenant, or its secret was rotated",
        "a requested scope or resource (audience) the client may not ask for",
        "a token file or command that moved or fails",
    ),
    fix="Act on the reason: set the variable, fix the client registration, or request a "
    "scope/resource the client is allowed.",
)
def token_unavailable(self: Rule, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Reports each `[tokens.NAME]` source that yielded no token, with the reason: a missing
    variable, the token endpoint's HTTP status and OAuth `error`/`error_description`
    (`invalid_client`, `invalid_scope`, `invalid_target`), a missing file, a command's exit
    code. Secrets and command output are never shown.

    ## Why is this bad?
    The seed article's pre-deployment checklist starts with "validate one known-good token in
    each environment". Without a token, the token-side steps cannot be checked at all.

    ## Example
    `the token endpoint answered HTTP 400: invalid_target (resource 'api://orders-prod' is
    not registered for this client)`: the staging client asks for prod's audience.
    """
    for environment, token, _api in _tokens(context):
        if token.failure is not None:
            yield _finding(self, environment, token,
                           f"No token for {_component(token)} ({token.source}): "
                           f"{token.failure}.", evidence={"source": token.source})


@rule(
    "DC302", "token-malformed", Severity.HIGH, Step.PARSE,
    summary="The token is damaged in transport or cannot be decoded; the damage is named.",
    causes=(
        "the `Bearer ` prefix, quotes or whitespace kept when the token was copied",
        "URL-encoding from a query string or form",
        "truncation by a log line, a header size limit or a terminal",
        "an encrypted token (JWE) or an opaque token where a JWT is expected",
    ),
    fix="Send exactly `Authorization: Bearer <token>` with the three base64url segments "
    "unchanged; remove what the message names.",
)
def token_malformed(self: Rule, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Reports what was wrong with the token as it arrived, in the order driftcheck undid it:
    a kept `Bearer ` prefix, whitespace or newlines around or inside it, wrapping quotes,
    URL-encoding (`%2E`, `%3D`), `=` padding or the standard base64 alphabet, claims of the
    wrong JSON type (`exp` as a string, `aud` as a number), and what makes it unreadable:
    a segment count other than three, a JWE (five segments), base64 or JSON that ends early.

    ## Why is this bad?
    A validator sees the damaged string, not the repaired one, and fails with a parse or
    signature error that hides the real cause.

    ## Example
    `"Bearer eyJ…"` with the quotes from a JSON log: DC302 names the quotes and the prefix.
    """
    for environment, token, _api in _tokens(context):
        problems = [d.detail for d in token.damage]
        if token.fatal is not None:
            problems.append(f"cannot be decoded: {token.fatal.detail}")
        if not problems:
            continue
        kinds = [d.kind for d in token.damage] + ([token.fatal.kind] if token.fatal else [])
        yield _finding(self, environment, token,
                       f"The token of {_component(token)} is malformed: {'; '.join(problems)}.",
                       evidence=_evidence(token, damage=kinds))


@rule(
    "DC303", "alg-not-allowed", Severity.HIGH, Step.ALGORITHM,
    summary="The token's `alg` is `none`, HMAC where the API expects a public-key algorithm, "
    "or outside the API's list.",
    causes=(
        "an IdP client or tenant configured to sign with HS256 (or another algorithm)",
        "a token forged with alg none or with the public key as HMAC secret (key confusion)",
        "an API's algorithm list that does not match its IdP",
    ),
    fix="Sign with the algorithm the API lists (RS256/ES256 for IdP-issued tokens) and keep "
    "the API's `algorithms` explicit and narrow.",
)
def alg_not_allowed(self: Rule, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Compares the header's `alg` with the API's `algorithms`: `none` is critical; an HS*
    token presented to an API that expects RS*/ES* is the key-confusion pattern; any other
    algorithm outside the list is rejected. driftcheck never verifies a signature with an
    algorithm the API does not list, and never uses a public key as an HMAC secret.

    ## Why is this bad?
    Validators that take the algorithm from the token can be fooled into HMAC-verifying with
    the public key, or into skipping verification (`none`). A correct validator rejects these
    tokens, and a correct IdP never mints them.

    ## Example
    `{"alg": "HS256"}` at `apis.orders` with `algorithms = ["RS256"]`: DC303.
    """
    for environment, token, api, _claims in _decoded(context):
        alg = token.alg
        allowed, origin = _allowed_algorithms(api)
        key_path = (f"apis.{api.name}.algorithms" if api.algorithms else
                    f"apis.{api.name}.validator") if api else None
        fix: str | None = None
        if alg is None:
            message, severity = "The token's header has no alg.", Severity.HIGH
        elif alg.lower() == "none":
            message, severity = (f"The token of {_component(token)} is unsigned (alg "
                                 f"{alg!r}); no validator may accept it."), Severity.CRITICAL
        elif not allowed:
            if not alg.startswith("HS"):
                continue
            message, severity = (f"The token is HMAC-signed ({alg}) but no API declares "
                                 "which algorithms it accepts; an IdP's tokens are normally "
                                 "RS*/ES*."), Severity.MEDIUM
        elif alg in allowed:
            continue
        elif alg.startswith("HS") and all(a in ASYMMETRIC_ALGORITHMS for a in allowed):
            message, severity = (f"The token is HMAC-signed ({alg}) but {_api_label(token)} "
                                 f"accepts only {', '.join(allowed)} ({origin}): the "
                                 "key-confusion pattern (a public key used as an HMAC "
                                 "secret)."), Severity.HIGH
        else:
            message, severity = (f"The token's alg {alg} is not among the algorithms "
                                 f"{_api_label(token)} accepts ({', '.join(allowed)}; "
                                 f"{origin})."), Severity.HIGH
            if api is not None:
                fix = algorithms_fix(environment, f"apis.{api.name}", [alg])
        yield _finding(self, environment, token, message, key_path=key_path,
                       evidence=_evidence(token, alg=alg, allowed=list(allowed) or None),
                       severity=severity, fix=fix)


def _verifiable(token: TokenObservation, api: Api | None) -> bool:
    """Whether the key and signature steps apply with public keys: an asymmetric alg the API
    accepts."""
    alg = token.alg
    if alg is None or alg not in ASYMMETRIC_ALGORITHMS or not token.signature_length:
        return False
    allowed, _ = _allowed_algorithms(api)
    return not allowed or alg in allowed


def _hmac_applies(token: TokenObservation, api: Api | None) -> bool:
    """Whether the signature is judged with the API's shared secret: an HS* alg the API
    lists, and a secret configured for it."""
    alg = token.alg
    return (api is not None and alg in HMAC_BITS and alg in api.algorithms
            and bool(api.secret_env or api.secret_file))


def _signers(context: RuleContext, token: TokenObservation) -> list[_KeyOwner]:
    owners = _key_owners(context)
    return [owner for thumbprint in token.verified_by for owner in owners.get(thumbprint, [])]


def _signed_by(signers: list[_KeyOwner], environment: Environment) -> str:
    others = [s for s in signers if s.environment != environment.name]
    if not others:
        return ""
    names = ", ".join(sorted({f"{s.environment}'s key (kid {s.kid!r})" for s in others}))
    return f" The signature verifies under {names}: environment crossover."


def _kid_history(context: RuleContext, environment: Environment,
                 kid: str) -> tuple[bool | None, str]:
    """Whether the previous snapshot (`--snapshot-in`) had `kid` in this environment's JWKS
    (None: no snapshot to tell), and a sentence saying so."""
    previous = context.previous
    if previous is None:
        return None, ""
    seen = previous.environments.get(environment.name)
    facts = context.jwks_facts(seen.jwks_url if seen else None, previous=True)
    if facts is None:
        return None, " The previous snapshot has no JWKS of this environment to compare with."
    taken = describe_instant(previous.collected_at, context.now)
    if kid in facts.kids:
        return True, (f" It was in the JWKS at the previous snapshot ({taken}): the key "
                      "rotated out since; the token was minted before the rotation, or came "
                      "through a stale cache.")
    return False, f" It was not in the JWKS at the previous snapshot ({taken}) either."


@rule(
    "DC304", "kid-not-found", Severity.HIGH, Step.KEY,
    summary="The token's `kid` is not in the environment's JWKS.",
    causes=(
        "the token was minted by another environment's IdP (crossover)",
        "the IdP rotated keys and the token was signed before (or after) the set changed",
        "a validator's cached JWKS older than the key (stale cache)",
    ),
    fix="Send tokens from this environment's IdP; after a rotation keep the old key published "
    "for the rotation overlap and refresh JWKS caches.",
)
def kid_not_found(self: Rule, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Looks up the header's `kid` in the JWKS this environment publishes. When it is missing,
    it says which other environments publish that kid, and under whose key the signature
    actually verifies.

    ## Why is this bad?
    Validators select the verification key by `kid`. A missing kid is "invalid signature"
    or "no matching key" in the logs, whatever the cause: rotation, stale caches or a token
    from the wrong environment.

    ## Example
    A staging token with `kid` `prod-rs256-1` sent to staging's API: DC304, "the signature
    verifies under prod's key".
    """
    observations = context.observations
    assert observations is not None
    for environment, token, api, _claims in _decoded(context):
        seen = observations.environments[environment.name]
        facts = context.jwks_facts(seen.jwks_url)
        kid = token.kid
        if facts is None or kid is None or not _verifiable(token, api) or kid in facts.kids:
            continue
        elsewhere = sorted({o.environment for owners in _key_owners(context).values()
                            for o in owners if o.kid == kid and o.environment != environment.name})
        signers = _signers(context, token)
        where = f" It is published by {', '.join(elsewhere)}." if elsewhere else ""
        was_published, history = _kid_history(context, environment, kid)
        where += history
        yield _finding(
            self, environment, token,
            f"The token's kid {kid!r} is not in {environment.name}'s JWKS ({seen.jwks_url}; "
            f"published: {', '.join(facts.kids) or 'none'}).{where}"
            f"{_signed_by(signers, environment)}",
            evidence=_evidence(token, kid=kid, published=list(facts.kids),
                               jwks_uri=seen.jwks_url, published_by=elsewhere or None,
                               in_previous_snapshot=was_published,
                               verifies_under=sorted({s.environment for s in signers}) or None),
            related=[e for e in elsewhere if e != environment.name],
        )


@rule(
    "DC305", "signature-invalid", Severity.HIGH, Step.SIGNATURE,
    summary="The token's signature does not verify with the environment's key.",
    causes=(
        "the token was signed by another environment's key with the same kid",
        "the token was altered, or its signature truncated in transport",
        "a key type that does not match the algorithm (an RSA kid with ES256)",
    ),
    fix="Make sure the token comes from this environment's IdP and arrives whole; check that "
    "the JWKS serves the key the IdP signs with.",
)
def signature_invalid(self: Rule, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Checks whether the signature verifies under the environment's key with the token's `kid`
    (or any of its keys when there is no kid). When it does not, it says why when it can: a
    key of the wrong type for the algorithm, a signature of the wrong length (truncated), or
    a signature that verifies under another environment's key ("signed by prod's key").

    ## Why is this bad?
    This is the "invalid signature" error itself, which the seed article says is usually
    configuration drift rather than tampering.

    ## Example
    Staging and prod both use kid `signing-1` for different keys; a prod token at staging:
    DC305, "the signature verifies under prod's key".
    """
    observations = context.observations
    assert observations is not None
    for environment, token, api, _claims in _decoded(context):
        seen = observations.environments[environment.name]
        if _hmac_applies(token, api):
            finding = _hmac_signature(self, environment, token, api, seen.secrets)
            if finding is not None:
                yield finding
            continue
        facts = context.jwks_facts(seen.jwks_url)
        if facts is None or not _verifiable(token, api):
            continue
        kid = token.kid
        if kid is not None and kid not in facts.kids:
            continue  # DC304
        candidates = [k for k in facts.keys if k.error is None and (kid is None or k.kid == kid)]
        if not candidates or any(k.thumbprint in token.verified_by for k in candidates):
            continue
        reasons = []
        checked = set(token.checked_keys)
        wrong_type = [k for k in candidates if k.thumbprint not in checked]
        if wrong_type:
            reasons.append(f"{wrong_type[0].label} is a {wrong_type[0].kty} key"
                           f"{' on ' + wrong_type[0].crv if wrong_type[0].crv else ''}, which "
                           f"cannot verify {token.alg}")
        rsa_sizes = {k.rsa_bits // 8 for k in candidates if k.rsa_bits}
        expected = SIGNATURE_BYTES.get(token.alg or "") or (
            next(iter(rsa_sizes)) if len(rsa_sizes) == 1 else None)
        if expected is not None and token.signature_length != expected and not wrong_type:
            reasons.append(f"the signature is {token.signature_length} bytes where the key "
                           f"produces {expected}: truncated or mangled in transport")
        signers = _signers(context, token)
        crossover = _signed_by(signers, environment)
        if not reasons and not crossover:
            reasons.append("the token was altered after signing, or signed by a key this "
                           "environment does not publish")
        detail = "; ".join(reasons)
        yield _finding(
            self, environment, token,
            f"The token's signature does not verify with {environment.name}'s "
            f"{'kid ' + repr(kid) if kid else 'keys'}"
            f"{': ' + detail if detail else ''}.{crossover}",
            evidence=_evidence(token, kid=kid, alg=token.alg,
                               signature_bytes=token.signature_length,
                               verifies_under=sorted({s.environment for s in signers}) or None,
                               candidates=[k.thumbprint for k in candidates if k.thumbprint]),
            related=sorted({s.environment for s in signers} - {environment.name}),
        )


def _hmac_signature(self: Rule, environment: Environment, token: TokenObservation,
                    api: Api | None, secrets: tuple[SecretObservation, ...]) -> Finding | None:
    assert api is not None
    secret = next((s for s in secrets if s.api == api.name), None)
    source = secret.source if secret else "its secret"
    key_path = f"apis.{api.name}.{'secret_env' if api.secret_env else 'secret_file'}"
    if secret is None or secret.failure is not None:
        reason = secret.failure if secret and secret.failure else "it is not configured"
        return _finding(self, environment, token,
                        f"The {token.alg} signature cannot be checked: {api.name}'s shared "
                        f"secret ({source}) is unavailable: {reason}.",
                        key_path=key_path, severity=Severity.MEDIUM,
                        evidence=_evidence(token, alg=token.alg, secret=source))
    check = token.hmac
    if check is None or check.verified:
        return None
    if check.transform is not None:
        message = (f"The {token.alg} signature does not verify with {api.name}'s secret as "
                   f"configured ({source}), but verifies when the secret is "
                   f"{check.transform}: the IdP and the API read the same secret differently.")
    else:
        message = (f"The {token.alg} signature does not verify with {api.name}'s secret "
                   f"({source}), as configured or in any usual mangled form (whitespace, "
                   "quotes, base64, hex, text encoding): the secrets differ.")
    return _finding(self, environment, token, message, key_path=key_path,
                    evidence=_evidence(token, alg=token.alg, secret=source,
                                       verifies_when=check.transform))


def _skew(environment: Environment, api: Api | None) -> tuple[float, str]:
    """The API's effective clock skew and where it comes from ("60 s, spring-security
    default"); 0 s for a token not bound to an API."""
    validator = api_validator(environment, api)
    if validator is None:
        return 0.0, "no API named (0 s)"
    return validator.clock_skew.value, validator.clock_skew.origin


TIME_SLACK = DATE_RESOLUTION
"""Token times are whole seconds and clocks are read to the second: a token is judged with
the same one-second slack as the clock rule (DC701), so a fresh token is never "0 ms ahead"."""
ISSUED_EXPIRED_FIX = (
    "The IdP issues tokens that are already expired: check the access-token lifetime "
    "configured at the IdP (for this client, resource or API) and the IdP's clock (NTP; see "
    "DC701). Refreshing earlier cannot help.")


def _issued_expired(context: RuleContext, token: TokenObservation, iat: float | None,
                    exp: float, skew: float) -> bool:
    """Whether the IdP issued the token already expired: no positive lifetime, or expired on
    arrival from the IdP itself (a client_credentials grant made during this run), or expired
    within the clock skew of its own issue time when judged the moment it arrived."""
    if iat is not None and iat < MILLISECONDS_THRESHOLD and exp <= iat:
        return True
    if context.now_given:
        return False
    if token.source == "client_credentials":
        return True
    return (iat is not None and iat < MILLISECONDS_THRESHOLD
            and context.token_time(token.received_at) - iat <= skew + 2 * TIME_SLACK)


def _clock_note(context: RuleContext, environment: Environment, gap: float, ahead: bool) -> str:
    observations = context.observations
    assert observations is not None
    offset = environment_clock_offset(observations, environment.name)
    if offset is None or abs(offset) < 2 or (offset > 0) != ahead:
        return ""
    if abs(abs(offset) - gap) <= max(5.0, 0.2 * gap) or abs(offset) >= gap:
        side = "ahead of" if ahead else "behind"
        return (f" The IdP's clock runs {format_seconds(offset)} {side} this machine's "
                "(see DC701): that explains it.")
    return ""


@rule(
    "DC306", "token-expired", Severity.HIGH, Step.TIME,
    summary="The token's `exp` is past, beyond the API's clock skew.",
    causes=(
        "a cached token reused past its lifetime (stale browser storage, a long-lived tab)",
        "the IdP's clock runs behind, so tokens expire early",
        "a token lifetime shorter than the time between issuing and using it",
    ),
    fix="Request a new token before it expires (refresh before protected calls); fix clock "
    "drift; allow a small clock_skew.",
)
def token_expired(self: Rule, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Compares `exp` with the check time (`--now`, else when the token was collected), allowing
    the API's `clock_skew` (0 s when none is declared). Times are shown in UTC and relative
    to now; when the IdP's measured clock offset explains the failure, it says so.

    ## Why is this bad?
    An expired token is rejected everywhere. The seed article warns the visible "expired"
    error may really be clock skew, a cached token, or an ID token sent in its place.

    ## Example
    "expired 3 min 5 s ago (exp 2026-11-28 22:30:00 UTC), skew allowed 60 s; issued 1 h 3 min
    ago".
    """
    for environment, token, api, claims in _decoded(context):
        times = time_claims(claims)
        exp = times.get("exp")
        if exp is None or exp >= MILLISECONDS_THRESHOLD:
            continue
        skew, skew_source = _skew(environment, api)
        now = context.token_time(token.received_at)
        if exp + skew + TIME_SLACK >= now:
            continue
        profile = _profile(api)
        unchecked = (f" {profile.name} does not check exp by default "
                     f"({profile.exp_checked.source}): this API accepts it anyway."
                     if profile is not None and not profile.exp_checked.value else "")
        iat = times.get("iat")
        issued = f" It was issued {describe_instant(iat, now)}, lifetime " \
                 f"{format_seconds(exp - iat)}." if iat is not None and iat < exp else ""
        at_issue = _issued_expired(context, token, iat, exp, skew)
        yield _finding(
            self, environment, token,
            (f"The IdP issued the token already expired: exp {describe_instant(exp, now)} "
             f"is {format_seconds(now - exp)} before it was received"
             + (f", lifetime {format_seconds(exp - iat)}" if iat is not None else "")
             + f"; {_api_label(token)} allows {seconds_text(skew)} of skew ({skew_source})."
             if at_issue else
             f"The token expired {format_seconds(now - exp)} ago (exp "
             f"{describe_instant(exp, now)}); {_api_label(token)} allows "
             f"{seconds_text(skew)} of skew ({skew_source}).{issued}")
            + f"{unchecked}{_clock_note(context, environment, now - exp, ahead=False)}",
            evidence=_evidence(token, exp=int(exp), now=int(now), skew_seconds=skew,
                               clock_skew=f"{seconds_text(skew)}, {skew_source}",
                               issued_expired=at_issue or None,
                               validator_accepts=bool(unchecked) or None),
            fix=ISSUED_EXPIRED_FIX if at_issue else advice.expired_fix(context, environment, api),
        )


@rule(
    "DC307", "token-not-yet-valid", Severity.HIGH, Step.TIME,
    summary="The token's `nbf` or `iat` is in the future, beyond the API's clock skew.",
    causes=(
        "the IdP's clock runs ahead of the API's",
        "a validator with no clock skew at all facing normal NTP jitter",
    ),
    fix="Synchronise clocks (NTP); allow a small clock_skew (30-60 s) in validators.",
)
def token_not_yet_valid(self: Rule, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Compares `nbf` and `iat` with the check time, allowing the API's `clock_skew`. When the
    IdP's measured clock offset explains the failure, it says so.

    ## Why is this bad?
    Validators reject tokens "used before nbf" (and many reject `iat` in the future). It
    looks intermittent: the same token passes a few seconds later.

    ## Example
    The IdP runs 150 s ahead; a fresh token's `nbf` is 150 s in the future for an API with
    60 s of skew: DC307 (and DC701).
    """
    for environment, token, api, claims in _decoded(context):
        times = time_claims(claims)
        skew, skew_source = _skew(environment, api)
        now = context.token_time(token.received_at)
        profile = _profile(api)
        for name in ("nbf", "iat"):
            value = times.get(name)
            if (value is None or value >= MILLISECONDS_THRESHOLD
                    or value - skew - TIME_SLACK <= now):
                continue
            checked = profile is None or (profile.nbf_checked if name == "nbf"
                                          else profile.iat_checked).value
            consequence = "" if checked else (
                f" {api.validator if api else ''} does not check {name}, so this API accepts "
                "it; validators that do reject it.")
            yield _finding(
                self, environment, token,
                f"The token is not valid yet: {name} is {describe_instant(value, now)}, "
                f"{format_seconds(value - now)} ahead; {_api_label(token)} allows "
                f"{seconds_text(skew)} of skew ({skew_source}).{consequence}"
                f"{_clock_note(context, environment, value - now, ahead=True)}",
                evidence=_evidence(token, claim=name, value=int(value), now=int(now),
                                   skew_seconds=skew,
                                   clock_skew=f"{seconds_text(skew)}, {skew_source}",
                                   validator_accepts=not checked or None),
                severity=None if checked else Severity.LOW,
                fix=advice.not_yet_valid_fix(context, environment, api),
            )
            if checked:
                break  # nbf explains it; iat would say the same thing again


@rule(
    "DC308", "timestamp-in-milliseconds", Severity.HIGH, Step.TIME,
    summary="`exp`, `nbf` or `iat` is in milliseconds; JWT NumericDate is seconds.",
    causes=("a token minted by custom code using `Date.now()` or `System.currentTimeMillis()`",),
    fix="Divide by 1000 where the token is minted: NumericDate is seconds since the epoch "
    "(RFC 7519 §2).",
)
def timestamp_in_milliseconds(self: Rule, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Flags time claims above 10^11, which as seconds would lie past the year 5000, and shows
    the date they mean when read as milliseconds.

    ## Why is this bad?
    Read as seconds, such an `exp` never expires (a token valid forever), and `nbf`/`iat`
    make a token that is never valid yet; validators disagree on which they reject: PyJWT
    and joserfc reject a future `iat`, jose and jsonwebtoken do not look at it and accept a
    token that then never expires. The message says which applies to the token's API; the
    finding stays high either way.

    ## Example
    `"exp": 1764369000000` is 2025-11-28 22:30 UTC in milliseconds: DC308.
    """
    for environment, token, api, claims in _decoded(context):
        times = time_claims(claims)
        large = {name: value for name, value in times.items()
                 if value >= MILLISECONDS_THRESHOLD}
        if not large:
            continue
        described = "; ".join(
            f"{name} {int(value)} is "
            f"{describe_instant(value / 1000, context.token_time(token.received_at))} as "
            "milliseconds" for name, value in large.items())
        # Read as seconds, exp lies in the far future (accepted); nbf and iat lie there too,
        # and reject the token wherever the validator checks them.
        profile = _profile(api)
        rejecting = [name for name in large if name in ("nbf", "iat") and (
            profile is None or (profile.nbf_checked if name == "nbf"
                                else profile.iat_checked).value)]
        if profile is None:
            verdict = ""
        elif rejecting:
            verdict = (f" {profile.name} rejects it ({', '.join(rejecting)} in the far future).")
        else:
            verdict = (f" {profile.name} accepts it, and it never expires there: "
                       f"{'exp is far in the future' if 'exp' in large else 'nothing expires'}"
                       f"{'' if 'iat' not in large else ' and iat is not checked'}.")
        yield _finding(self, environment, token,
                       f"Time claims are in milliseconds, not seconds: {described}.{verdict}",
                       evidence=_evidence(token, **{k: int(v) for k, v in large.items()},
                                          validator_accepts=(bool(profile) and not rejecting)
                                          or None))


@rule(
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
def iss_mismatch(self: Rule, context: RuleContext) -> Iterator[Finding]:
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
    for environment, token, api, claims in _decoded(context):
        validator = api_validator(environment, api)
        expected = validator.expected_issuers(claims) if validator else [environment.idp.issuer]
        key_path = f"apis.{api.name}.issuers" if api and api.issuers else "idp.issuer"
        iss = claims.get("iss")
        if not isinstance(iss, str):
            if "iss" not in claims:
                yield _finding(self, environment, token, "The token has no iss claim.",
                               key_path=key_path, evidence=_evidence(token, expected=expected))
            continue
        if iss in expected:
            continue
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
        emitted = _issuers_of(context, environment) - set(expected)
        if others:
            whose = f" It is {', '.join(others)}'s issuer: environment crossover."
        elif iss in emitted:
            whose = (" It is what this environment's IdP emits (discovery): the API's "
                     "configuration is what differs.")
        else:
            whose = ""
        graded = issuer_verdicts(environment, iss, claims, [validator]) if validator else None
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


@rule(
    "DC310", "aud-mismatch", Severity.HIGH, Step.AUDIENCE,
    summary="The token's `aud` contains none of the audiences the API accepts.",
    causes=(
        "the client requested another resource or audience at login",
        "an ID token (aud = the frontend's client_id) sent instead of an access token",
        "a staging frontend calling a production API, or the reverse",
        "a gateway that exchanges or rewrites tokens",
    ),
    fix="Request a token for the API's audience (`resource`/`audience`/`scope`), and set the "
    "API's expected audience explicitly.",
)
def aud_mismatch(self: Rule, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Compares `aud` (a string or an array) with the API's `audiences` and names the
    environment whose audience it is. An API without declared audiences is judged by its
    validator profile: PyJWT, Microsoft.IdentityModel and API Gateway then reject any token
    that carries `aud`; a validator that never checks `aud` (Kong's jwt plugin) makes
    declared audiences decorative (info).

    ## Why is this bad?
    The audience says which resource a token is for; an API that accepts another resource's
    tokens can be called with tokens stolen from it. Every conforming validator rejects it.

    ## Example
    `aud` `api://orders-prod` at staging's `apis.orders` (expects `api://orders-staging`):
    DC310, "it is prod's audience".
    """
    for environment, token, api, claims in _decoded(context):
        if api is None:
            continue
        handling = get_profile(api.validator).audience
        if not api.audiences:
            if handling.value == "required" and "aud" in claims:
                yield _finding(
                    self, environment, token,
                    f"{_api_label(token)} declares no audiences, and {api.validator} then "
                    f"rejects every token that carries aud ({handling.source}).",
                    key_path=f"apis.{api.name}.audiences",
                    evidence=_evidence(token, validator=api.validator, audience=handling.value),
                    fix=advice.audience_fix(context, environment, api, token, [], []))
            continue
        if handling.value == "not-checked":
            yield _finding(
                self, environment, token,
                f"{_api_label(token)} declares audiences, but {api.validator} does not check "
                f"aud ({handling.source}): any audience is accepted there.",
                key_path=f"apis.{api.name}.validator", severity=Severity.INFO,
                evidence=_evidence(token, validator=api.validator, audience=handling.value))
            continue
        aud = claims.get("aud")
        audiences = [aud] if isinstance(aud, str) else [a for a in aud if isinstance(a, str)] \
            if isinstance(aud, list) else []
        if set(audiences) & set(api.audiences):
            continue
        others = _others_matching(context, environment, set(audiences), "audience")
        client_ids = {f.client_id for f in environment.frontends.values() if f.client_id}
        hints = []
        if others:
            hints.append(f"it is {', '.join(others)}'s audience: environment crossover")
        if client_ids & set(audiences):
            hints.append("it is a frontend's client_id: an ID token?")
        got = ", ".join(map(repr, audiences)) if audiences else "nothing (no aud claim)"
        yield _finding(
            self, environment, token,
            f"The token's aud is {got}; {_api_label(token)} accepts "
            f"{', '.join(map(repr, api.audiences))}"
            + (f" ({'; '.join(hints)})." if hints else "."),
            key_path=f"apis.{api.name}.audiences",
            evidence=_evidence(token, expected=list(api.audiences), actual=audiences,
                               matches_environment=others or None),
            related=others,
            fix=advice.audience_fix(context, environment, api, token, audiences, others),
        )


@rule(
    "DC311", "required-claim-missing", Severity.MEDIUM, Step.CLAIMS,
    summary="A claim the API requires is missing from the token.",
    causes=(
        "a scope not requested, so the IdP omits the claim",
        "a claim mapping configured in one tenant and not in another",
    ),
    fix="Request the scopes that produce the claim, or add the claim mapping for this client "
    "in the IdP.",
)
def required_claim_missing(self: Rule, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Checks the API's `required_claims` against the token's claims.

    ## Why is this bad?
    The request passes signature, time, issuer and audience checks and then fails in
    authorization, far from the identity configuration that caused it.

    ## Example
    `required_claims = ["sub", "scp"]` and the token carries `scope`, not `scp`: DC311.
    """
    for environment, token, api, claims in _decoded(context):
        if api is None:
            continue
        missing = [name for name in api.required_claims if name not in claims]
        if missing:
            yield _finding(self, environment, token,
                           f"The token lacks claims {_api_label(token)} requires: "
                           f"{', '.join(missing)} (present: {', '.join(sorted(claims))}).",
                           key_path=f"apis.{api.name}.required_claims",
                           evidence=_evidence(token, missing=missing))


def token_kind(environment: Environment, token: TokenObservation) -> KindGuess | None:
    if token.header is None or token.claims is None:
        return None
    client_ids = [f.client_id for f in environment.frontends.values() if f.client_id]
    return classify(token.header, token.claims, client_ids)


@rule(
    "DC312", "wrong-token-type", Severity.HIGH, Step.TOKEN_TYPE,
    summary="An ID token was sent to an API that expects access tokens (or the reverse).",
    causes=(
        "the frontend sends `id_token` where it should send `access_token`",
        "a login flow that requests no API audience, so only an ID token is useful",
    ),
    fix="Send access tokens to APIs (request them for the API's audience); keep ID tokens in "
    "the client that received them.",
)
def wrong_token_type(self: Rule, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Classifies the token as access or ID token from its evidence (`typ` `at+jwt` per RFC
    9068, `token_use` for Cognito, `nonce`/`at_hash`/`c_hash`/`auth_time`, `aud` equal to a
    frontend's `client_id`, `scope`/`scp`/`client_id`) and compares it with the API's
    `accepts`.

    ## Why is this bad?
    ID tokens assert a login to the client; they are not API credentials. Sent to an API
    they fail with audience or expiry errors that hide the real mistake.

    ## Example
    A token with `nonce` and `aud` = `web-staging` at an API that `accepts = "access"`:
    DC312.
    """
    for environment, token, api, _claims in _decoded(context):
        if api is None:
            continue
        guess = token_kind(environment, token)
        if guess is None or guess.kind == "unknown" or guess.kind == api.accepts:
            continue
        sent = "an ID token" if guess.kind == "id" else "an access token"
        wanted = "access tokens" if api.accepts == "access" else "ID tokens"
        yield _finding(self, environment, token,
                       f"{_api_label(token)} expects {wanted} but the token is {sent} "
                       f"({'; '.join(guess.evidence)}).",
                       key_path=f"apis.{api.name}.accepts",
                       evidence=_evidence(token, kind=guess.kind, clues=list(guess.evidence)),
                       severity=Severity.HIGH if guess.kind == "id" else Severity.MEDIUM,
                       fix=advice.token_type_fix(context, environment, api, guess.kind))


@rule(
    "DC313", "unsafe-header", Severity.MEDIUM, Step.ALGORITHM,
    summary="The token's header carries `jku`, `x5u`, `jwk`, `x5c` or an unknown `crit`.",
    causes=(
        "an IdP configured to embed certificates or key URLs",
        "a forged token trying to make the validator trust a key it supplies",
    ),
    fix="Validators must take keys only from the configured JWKS; configure the IdP not to "
    "emit these headers. driftcheck never fetches or trusts them.",
)
def unsafe_header(self: Rule, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Reports header parameters that point a validator at key material the token itself
    chooses (`jku`, `x5u`, `jwk`, `x5c`), and `crit` extensions a validator must reject
    when it does not understand them (RFC 7515 §4.1.11). None is ever fetched or used.

    ## Why is this bad?
    A validator that honours `jku` or an embedded `jwk` verifies the token with the
    attacker's key: the signature check proves nothing.

    ## Example
    `{"alg": "RS256", "jku": "https://attacker.example/keys"}`: DC313.
    """
    for environment, token, _api, _claims in _decoded(context):
        header = token.header or {}
        present = [name for name in UNSAFE_HEADERS if name in header]
        crit = header.get("crit")
        unknown_crit = [str(c) for c in crit if str(c) not in UNDERSTOOD_CRIT] \
            if isinstance(crit, list) else []
        if not present and not unknown_crit:
            continue
        parts = [f"{name} ({UNSAFE_HEADERS[name]})" for name in present]
        if unknown_crit:
            parts.append(f"crit {', '.join(unknown_crit)} (extensions a validator must "
                         "understand or reject)")
        yield _finding(self, environment, token,
                       f"The token's header carries {'; '.join(parts)}; driftcheck did not "
                       "follow or trust any of it.",
                       evidence=_evidence(token, parameters=present + (["crit"] if unknown_crit
                                                                        else [])),
                       severity=Severity.HIGH if unknown_crit else None)


VALIDATION_STEPS = (Step.PARSE, Step.ALGORITHM, Step.KEY, Step.SIGNATURE, Step.TIME,
                    Step.ISSUER, Step.AUDIENCE, Step.CLAIMS, Step.TOKEN_TYPE)
StepResult = str  # "pass" | "fail" | "skipped" | "not-judged"


@dataclass(frozen=True)
class TokenVerdict:
    """Each validation step's result for one token, in the order a validator runs them."""

    name: str
    for_api: str | None
    fingerprint: str | None
    kind: str | None
    steps: tuple[tuple[Step, StepResult], ...]
    unavailable: str | None = None

    @property
    def first_failing_step(self) -> Step | None:
        return next((step for step, result in self.steps if result == "fail"), None)


def token_verdicts(context: RuleContext, findings: list[Finding],
                   judged: Callable[[str], bool] = lambda rule: True,
                   ) -> dict[str, list[TokenVerdict]]:
    """Per environment: every token's step results, from the findings the rules produced.

    A step is skipped when an earlier step makes it meaningless (nothing to decode, no
    algorithm the API accepts, no key to verify with) or its inputs are missing. A step
    some of whose rules were not selected (`judged` says no: `--select`, `--ignore`, `diff`)
    was not judged: it never shows as passed.
    """
    if context.observations is None:
        return {}
    from driftcheck.rules.registry import all_rules

    unjudged = {step for step in VALIDATION_STEPS
                if any(not judged(r.id) for r in all_rules() if r.step is step)}
    verdicts: dict[str, list[TokenVerdict]] = {}
    for environment, token, api in _tokens(context):
        # Info findings, and findings whose evidence says the API's validator accepts the
        # token anyway, describe a step that passes (leniently), not one that fails.
        failed = {f.step for f in findings
                  if f.environment == environment.name and f.component == _component(token)
                  and f.severity is not Severity.INFO
                  and not f.evidence.get("validator_accepts")}
        guess = token_kind(environment, token)
        if token.failure is not None or token.claims is None:
            steps: list[tuple[Step, StepResult]] = [
                (step, "fail" if step is Step.PARSE and token.fatal else "skipped")
                for step in VALIDATION_STEPS]
        else:
            seen = context.observations.environments[environment.name]
            keys_known = context.jwks_facts(seen.jwks_url) is not None
            skipped: set[Step] = set()
            if _hmac_applies(token, api) and Step.ALGORITHM not in failed:
                if token.hmac is None:  # no secret to check with
                    skipped.add(Step.KEY)
            elif Step.ALGORITHM in failed or not _verifiable(token, api) or not keys_known:
                skipped |= {Step.KEY, Step.SIGNATURE}
            if Step.KEY in failed:
                skipped.add(Step.SIGNATURE)
            if api is None:
                skipped |= {Step.AUDIENCE, Step.CLAIMS, Step.TOKEN_TYPE}
            elif not api.audiences:
                skipped.add(Step.AUDIENCE)
            if guess is not None and guess.kind == "unknown":
                skipped.add(Step.TOKEN_TYPE)
            steps = [(step, "fail" if step in failed else "skipped" if step in skipped
                      else "not-judged" if step in unjudged else "pass")
                     for step in VALIDATION_STEPS]
        verdicts.setdefault(environment.name, []).append(TokenVerdict(
            name=token.name, for_api=token.for_api, fingerprint=token.fingerprint,
            kind=guess.kind if guess else None, steps=tuple(steps),
            unavailable=token.failure))
    return verdicts


@rule(
    "DC314", "token-lifetime", Severity.MEDIUM, Step.TIME,
    summary="The token lives longer than the API's max_token_age, or has no exp where the "
    "API needs one.",
    causes=(
        "an IdP access-token lifetime raised for convenience",
        "a client or tenant policy that differs between environments",
        "custom token minting without exp",
    ),
    fix="Align the IdP's access-token lifetime with the API's max_token_age; always set exp.",
    needs_network=True,
)
def token_lifetime(self: Rule, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Compares the known-good token's lifetime (`exp - iat`) with the API's `max_token_age`,
    and reports a token without `exp` at an API whose validator requires one (the default
    `strict` profile does).

    ## Why is this bad?
    A token that outlives the API's limit is rejected long before it expires by the IdP's
    reckoning ("token too old"), and a token without `exp` is valid forever wherever it is
    accepted.

    ## Example
    A 24 h token at an API with `max_token_age = "1h"`: DC314.
    """
    for environment, token, api, claims in _decoded(context):
        if api is None:
            continue
        times = time_claims(claims)
        exp, iat = times.get("exp"), times.get("iat")
        if "exp" not in claims:
            required = effective(environment, "apis", api).exp_required
            yield _finding(
                self, environment, token,
                f"The token has no exp; {_api_label(token)} "
                + (f"rejects it (exp required: {required.origin})." if required.value else
                   f"accepts it ({api.validator} does not require exp: {required.origin}), so "
                   "it never expires there; validators that require exp reject it."),
                key_path=required.key_path,
                severity=Severity.HIGH if required.value else Severity.MEDIUM,
                evidence=_evidence(token, validator=api.validator,
                                   exp_required=required.describe()))
            continue
        if exp is None or iat is None or api.max_token_age is None or exp <= iat:
            continue
        lifetime = exp - iat
        if lifetime > api.max_token_age:
            yield _finding(self, environment, token,
                           f"The token lives {format_seconds(lifetime)} (exp - iat), longer "
                           f"than {_api_label(token)}'s max_token_age "
                           f"({format_seconds(api.max_token_age)}): it is rejected "
                           f"{format_seconds(lifetime - api.max_token_age)} before it expires.",
                           key_path=f"apis.{api.name}.max_token_age",
                           evidence=_evidence(token, lifetime_seconds=lifetime,
                                              max_token_age_seconds=api.max_token_age),
                           fix=advice.lifetime_fix(context, environment, api))
