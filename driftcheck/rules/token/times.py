"""The token's time claims: expired (DC306), not valid yet (DC307), in milliseconds (DC308),
and its lifetime (DC314)."""

from __future__ import annotations

from collections.abc import Iterator

from driftcheck.durations import describe_instant, format_seconds, seconds_text
from driftcheck.facts import TokenFacts
from driftcheck.findings import Finding, Severity, Step
from driftcheck.models import Environment
from driftcheck.observations import TokenObservation
from driftcheck.rules import advice
from driftcheck.rules.clock import DATE_RESOLUTION
from driftcheck.rules.registry import Rule, RuleContext
from driftcheck.rules.token._shared import (
    _api_label,
    _evidence,
    _finding,
    token_rule,
)
from driftcheck.tokens.claims import (
    MILLISECONDS_THRESHOLD,
)

TIME_SLACK = DATE_RESOLUTION


ISSUED_EXPIRED_FIX = (
    "The IdP issues tokens that are already expired: check the access-token lifetime "
    "configured at the IdP (for this client, resource or API) and the IdP's clock (NTP; see "
    "DC701). Refreshing earlier cannot help.")


def _skew(t: TokenFacts) -> tuple[float, str]:
    """The API's effective clock skew and where it comes from ("60 s, spring-security
    default"); 0 s for a token not bound to an API."""
    validator = t.validator
    if validator is None:
        return 0.0, "no API named (0 s)"
    return validator.clock_skew.value, validator.clock_skew.origin


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
    offset = context.facts.clock_offsets.get(environment.name)
    if offset is None or abs(offset) < 2 or (offset > 0) != ahead:
        return ""
    if abs(abs(offset) - gap) <= max(5.0, 0.2 * gap) or abs(offset) >= gap:
        side = "ahead of" if ahead else "behind"
        return (f" The IdP's clock runs {format_seconds(offset)} {side} this machine's "
                "(see DC701): that explains it.")
    return ""


@token_rule(
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
def token_expired(self: Rule, context: RuleContext, t: TokenFacts) -> Iterator[Finding]:
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
    environment, token = t.environment, t.token
    times = t.times
    exp = times.get("exp")
    if exp is None or exp >= MILLISECONDS_THRESHOLD:
        return
    skew, skew_source = _skew(t)
    now = context.token_time(token.received_at)
    if exp + skew + TIME_SLACK >= now:
        return
    validator = t.validator
    exp_checked = validator.checks("exp") if validator is not None else None
    unchecked = (f" {validator.profile.name} does not check exp by default "
                 f"({exp_checked.source}): this API accepts it anyway."
                 if validator is not None and exp_checked is not None
                 and not exp_checked.value else "")
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
        fix=ISSUED_EXPIRED_FIX if at_issue else advice.expired_fix(context, environment, t.api),
        validator_accepts=bool(unchecked),
    )


@token_rule(
    "DC307", "token-not-yet-valid", Severity.HIGH, Step.TIME,
    summary="The token's `nbf` or `iat` is in the future, beyond the API's clock skew.",
    causes=(
        "the IdP's clock runs ahead of the API's",
        "a validator with no clock skew at all facing normal NTP jitter",
    ),
    fix="Synchronise clocks (NTP); allow a small clock_skew (30-60 s) in validators.",
)
def token_not_yet_valid(self: Rule, context: RuleContext, t: TokenFacts) -> Iterator[Finding]:
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
    environment, token, api = t.environment, t.token, t.api
    times = t.times
    skew, skew_source = _skew(t)
    now = context.token_time(token.received_at)
    validator = t.validator
    for name in ("nbf", "iat"):
        value = times.get(name)
        if (value is None or value >= MILLISECONDS_THRESHOLD
                or value - skew - TIME_SLACK <= now):
            continue
        checked = validator is None or validator.checks(name).value
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
            validator_accepts=not checked,
            fix=advice.not_yet_valid_fix(context, environment, api),
        )
        if checked:
            break  # nbf explains it; iat would say the same thing again


@token_rule(
    "DC308", "timestamp-in-milliseconds", Severity.HIGH, Step.TIME,
    summary="`exp`, `nbf` or `iat` is in milliseconds; JWT NumericDate is seconds.",
    causes=("a token minted by custom code using `Date.now()` or `System.currentTimeMillis()`",),
    fix="Divide by 1000 where the token is minted: NumericDate is seconds since the epoch "
    "(RFC 7519 §2).",
)
def timestamp_in_milliseconds(self: Rule, context: RuleContext, t: TokenFacts) -> Iterator[Finding]:
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
    environment, token = t.environment, t.token
    times = t.times
    large = {name: value for name, value in times.items()
             if value >= MILLISECONDS_THRESHOLD}
    if not large:
        return
    described = "; ".join(
        f"{name} {int(value)} is "
        f"{describe_instant(value / 1000, context.token_time(token.received_at))} as "
        "milliseconds" for name, value in large.items())
    # Read as seconds, exp lies in the far future (accepted); nbf and iat lie there too,
    # and reject the token wherever the validator checks them.
    validator = t.validator
    profile = validator.profile if validator is not None else None
    rejecting = [name for name in ("nbf", "iat") if name in large and (
        validator is None or validator.checks(name).value)]
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
                                      or None),
                   validator_accepts=bool(profile) and not rejecting)


@token_rule(
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
def token_lifetime(self: Rule, context: RuleContext, t: TokenFacts) -> Iterator[Finding]:
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
    environment, token, api, claims = t.environment, t.token, t.api, t.claims
    if api is None:
        return
    times = t.times
    exp, iat = times.get("exp"), times.get("iat")
    if "exp" not in claims and t.validator is not None:
        required = t.validator.exp_required
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
        return
    if exp is None or iat is None or api.max_token_age is None or exp <= iat:
        return
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
