"""Live probes (DC801-DC807): what the deployed API really does with real and forged tokens.

Each rule reads the judged probe cases (probes/judge.py): the answer (accepted or rejected,
the step it names), what was expected, and driftcheck's own prediction for the same token at
the same validator.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from driftcheck.findings import Finding, Severity, Step
from driftcheck.models import Environment
from driftcheck.probes.judge import ProbeCaseResult, ProbeResult
from driftcheck.rules.advice import probe_crossover_fix
from driftcheck.rules.registry import Rule, RuleContext, rule

_STEPS = {step.value for step in Step}


def _probes(context: RuleContext) -> Iterator[tuple[Environment, ProbeResult]]:
    results = context.facts.probes
    for environment in context.environments:
        for result in results.get(environment.name, ()):
            yield environment, result


def _evidence(result: ProbeResult, case: ProbeCaseResult, **more: Any) -> dict[str, Any]:
    evidence: dict[str, Any] = {"url": result.url, "method": result.method, "case": case.label,
                                "status": case.status}
    if case.token_fingerprint:
        evidence["token"] = case.token_fingerprint
    if case.challenge:
        evidence["challenge"] = dict(case.challenge)
    if case.reading is not None and case.reading.step is not None:
        evidence["answer_step"] = case.reading.step
        if case.reading.message:
            evidence["answer_message"] = case.reading.message
        if case.reading.catalogue_entry:
            evidence["catalogue_entry"] = case.reading.catalogue_entry
        if case.reading.captured:
            evidence["answer_values"] = dict(case.reading.captured)
    if case.prediction is not None:
        evidence["predicted"] = case.prediction.describe()
    evidence.update(more)
    return evidence


def _finding(self: Rule, environment: Environment, result: ProbeResult, case: ProbeCaseResult,
             message: str, *, step: str | None = None, severity: Severity | None = None,
             related: tuple[str, ...] = (), fix: str | None = None, **more: Any) -> Finding:
    found = self.finding(environment, result.component, message,
                         evidence=_evidence(result, case, **more),
                         key_path=f"{result.component}.probe", severity=severity,
                         related=related, subject=f"{result.url} {case.label}", fix=fix)
    return replace(found, step=Step(step)) if step in _STEPS else found


def _answered(case: ProbeCaseResult) -> str:
    text = f"HTTP {case.status}"
    reading = case.reading
    if reading is not None and reading.step not in (None, "unknown"):
        text += f", naming the {reading.step} step"
        if reading.message:
            text += f" ({reading.message[:160]!r})"
    elif case.outcome == "rejected":
        text += " without naming a step"
    return text


def _values(case: ProbeCaseResult) -> str:
    captured = case.reading.captured if case.reading is not None else {}
    expected = captured.get("expected")
    actual = captured.get("actual")
    if expected and actual:
        return f" The API expects {expected!r}; the token has {actual!r}."
    named = ", ".join(f"{k} {v!r}" for k, v in captured.items())
    return f" The answer names {named}." if named else ""


@rule(
    "DC801", "probe-known-good-rejected", Severity.HIGH, Step.PROBE,
    summary="The deployed API rejects this environment's known-good token.",
    causes=(
        "the deployed configuration (a config map, a Helm value, an app setting) has drifted "
        "from the environment file: another audience, an issuer with a trailing slash, a JWKS "
        "URL pinned to an old tenant",
        "the token really is wrong for this API (scope, audience) and the file says so too",
        "the API's key cache holds a key set from before a rotation",
    ),
    fix="Compare the step the API names with the deployed setting for it; fix the "
    "deployment, or the environment file where it no longer describes the deployment.",
)
def probe_known_good_rejected(self: Rule, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Sends the environment's known-good token to the probe URL of each API and gateway that
    declares `[apis.X.probe]` and reports a rejection (401, 403, 400), with the validation
    step the answer names (read with `driftcheck diagnose`'s catalogue from
    `WWW-Authenticate` and the body), the values it names, and what driftcheck's own
    validation of the same token predicted for this API's declared validator.

    ## Why is this bad?
    A user with this token gets the same 401. When driftcheck predicted acceptance, the
    environment file no longer describes the deployed API: every other check of it judges a
    fiction.

    ## Example
    `apis.orders` answers `401 WWW-Authenticate: Bearer error="invalid_token",
    error_description="unexpected \\"aud\\" claim value"` while the file accepts
    `api://orders-staging`: rejected at audience, predicted accepted.
    """
    for environment, result in _probes(context):
        for case in result.cases:
            if case.kind != "own" or case.outcome != "rejected":
                continue
            prediction = case.prediction
            if prediction is None or prediction.accepted is None:
                verdict = "driftcheck could not predict this token's verdict"
            elif prediction.accepted:
                verdict = ("driftcheck's own validation predicted acceptance: the environment "
                           "file no longer describes this API")
            else:
                verdict = f"driftcheck predicted it too: {prediction.describe()}"
            yield _finding(self, environment, result, case,
                           f"{result.component} ({result.url}) rejects {environment.name}'s "
                           f"known-good token: {_answered(case)}; {verdict}.{_values(case)}",
                           step=case.step,
                           prediction_mismatch=case.mismatch)


@rule(
    "DC802", "probe-unauthenticated-accepted", Severity.HIGH, Step.PROBE,
    summary="The probed endpoint answers 2xx without any token.",
    causes=(
        "the route is excluded from authentication (a health check pattern, a permitAll)",
        "the probe URL names a public endpoint: point it at a protected one",
    ),
    fix="Require a token on the route, or point `probe.url` at an endpoint that requires one.",
)
def probe_unauthenticated_accepted(self: Rule, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Reports a probe whose request without any `Authorization` header was accepted.

    ## Why is this bad?
    Either the endpoint is open to anyone, or it is not protected and every other probe case
    says nothing about token validation.

    ## Example
    `GET /orders/v1/ping` without a token answers 200.
    """
    for environment, result in _probes(context):
        for case in result.cases:
            if case.kind == "no-token" and case.outcome == "accepted":
                yield _finding(self, environment, result, case,
                               f"{result.component} ({result.url}) answers HTTP {case.status} "
                               "to a request without any token.")


@rule(
    "DC803", "probe-cross-environment-accepted", Severity.HIGH, Step.PROBE,
    summary="The deployed API accepts another environment's known-good token.",
    causes=(
        "the API trusts several issuers (a leftover list, a shared tenant)",
        "environments share a signing key and the API does not check the issuer or audience",
        "audience validation switched off",
    ),
    fix="Accept only this environment's issuer and audience; give each environment its own "
    "keys.",
)
def probe_cross_environment_accepted(self: Rule, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Sends other environments' known-good tokens to the probe URL (by default every
    environment that shares an issuer host, an audience or a signing key, plus environments
    of a lower or equal tier up to a cap; `--probe-scope all` sends all) and reports each
    one accepted. A prod environment's token is never sent to a non-prod URL.

    ## Why is this bad?
    Crossover proven, not inferred: a staging token opens this API. Critical when a
    non-prod token opens a prod API.

    ## Example
    The prod `orders` API answers 200 to staging's token.
    """
    by_name = {e.name: e for e in context.environments}
    for environment, result in _probes(context):
        for case in result.cases:
            if case.kind != "other-env" or case.outcome != "accepted":
                continue
            other = by_name.get(case.environment or "")
            critical = environment.tier == "prod" and (other is None or other.tier != "prod")
            predicted = case.prediction.describe() if case.prediction else "no prediction"
            yield _finding(self, environment, result, case,
                           f"{result.component} ({result.url}) accepts {case.environment}'s "
                           f"known-good token (HTTP {case.status}); driftcheck predicted: "
                           f"{predicted}.",
                           severity=Severity.CRITICAL if critical else None,
                           related=(case.environment,) if case.environment else (),
                           fix=probe_crossover_fix(context, environment, result.component,
                                                   case.environment))


@rule(
    "DC804", "probe-forged-accepted", Severity.CRITICAL, Step.PROBE,
    summary="The deployed API accepts a token forged to be invalid.",
    causes=(
        "the library accepts alg none, or takes the algorithm from the token header",
        "HS/RS key confusion: the public key is used as an HMAC secret",
        "the signature is not verified at all (decode instead of verify)",
    ),
    fix="Pin the accepted algorithms, verify signatures with the IdP's published keys only, "
    "and upgrade the JWT library.",
)
def probe_forged_accepted(self: Rule, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Sends tokens forged from the known-good token, each invalid by construction and marked
    with a `jti` starting `driftcheck-forged-`: `alg: none` without a signature, HS256 keyed
    with the IdP's public key, re-signed by a throwaway key under the real `kid`, and with
    the signature stripped. Reports each one accepted.

    ## Why is this bad?
    Anyone can mint a token this API accepts.

    ## Example
    The API answers 200 to `{"alg":"none"}`.
    """
    for environment, result in _probes(context):
        for case in result.cases:
            if case.kind == "forged" and case.outcome == "accepted":
                yield _finding(self, environment, result, case,
                               f"{result.component} ({result.url}) accepts a forged token "
                               f"({case.label}): HTTP {case.status}.", forged=case.forged)


@rule(
    "DC805", "probe-challenge-missing", Severity.LOW, Step.PROBE,
    summary="A rejection without an RFC 6750 challenge or error code, or 403 where 401 is due.",
    causes=(
        "a custom error handler that drops WWW-Authenticate",
        "a gateway that maps every authentication failure to 403",
    ),
    fix="Answer a missing or invalid token with 401 and `WWW-Authenticate: Bearer` "
    "(RFC 6750 §3), with `error=\"invalid_token\"` and a description when a token was sent.",
)
def probe_challenge_missing(self: Rule, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Looks at every rejection a probe received. Reports, once per probe, the cases answered
    without a `WWW-Authenticate: Bearer` challenge and without an RFC 6750 error code, and
    those answered 403 for a missing or invalid token (RFC 6750 §3.1: 401; 403 is for
    `insufficient_scope`).

    ## Why is this bad?
    Clients cannot tell an expired token from a wrong one, and people read "forbidden" as a
    permissions problem while the token was never valid.

    ## Example
    `401` with an empty body and no `WWW-Authenticate`.
    """
    for environment, result in _probes(context):
        bare = [c for c in result.cases if c.outcome == "rejected" and c.reading is not None
                and not c.reading.has_challenge]
        forbidden = [c for c in result.cases if c.outcome == "rejected" and c.status == 403
                     and c.challenge.get("error") != "insufficient_scope"
                     and c.kind != "own"]
        if not bare and not forbidden:
            continue
        parts = []
        if bare:
            parts.append("without a Bearer challenge or error code: "
                         + ", ".join(c.label for c in bare))
        if forbidden:
            parts.append("403 where 401 is due: " + ", ".join(c.label for c in forbidden))
        first = (bare or forbidden)[0]
        yield _finding(self, environment, result, first,
                       f"{result.component} ({result.url}) rejects {'; '.join(parts)}.",
                       cases=[c.label for c in bare + forbidden])


@rule(
    "DC806", "probe-unexpected-answer", Severity.MEDIUM, Step.PROBE,
    summary="A probe got a 5xx, a redirect (to a login page), another status, or no answer.",
    causes=(
        "the probe URL points at a page behind an interactive login, not at an API",
        "the API fails on tokens it should reject (an unhandled exception)",
        "the endpoint is down or not reachable from where driftcheck runs",
    ),
    fix="Point `probe.url` at a cheap, token-protected API endpoint; fix the API where it "
    "fails on bad tokens; list the statuses that mean accepted in `probe.accepted`.",
)
def probe_unexpected_answer(self: Rule, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Reports, once per probe, the cases answered with neither an accepted status
    (`probe.accepted`, default any 2xx) nor a rejection (400, 401, 403): 5xx, a redirect
    (never followed), 404, or no answer at all (timeout, refused).

    ## Why is this bad?
    The case proves nothing either way, and a 5xx on a forged token is a bug an attacker can
    probe for.

    ## Example
    `302 Location: https://login.example.com/...` for a request without a token.
    """
    for environment, result in _probes(context):
        odd = [c for c in result.cases if c.outcome in ("unexpected", "no-answer")]
        if not odd:
            continue
        parts = [f"{c.label}: HTTP {c.status}" if c.outcome == "unexpected"
                 else f"{c.label}: no answer ({c.failure})" for c in odd]
        yield _finding(self, environment, result, odd[0],
                       f"{result.component} ({result.url}) answered neither accepted nor "
                       f"rejected: {'; '.join(parts)}.", cases=[c.label for c in odd])


@rule(
    "DC807", "probe-prediction-mismatch", Severity.MEDIUM, Step.PROBE,
    summary="The API's real verdict differs from what its declared validator and profile "
    "predict.",
    causes=(
        "the deployed configuration has drifted from the environment file",
        "the `validator` named in the file is not the one deployed, or its profile does not "
        "match the version in use",
    ),
    fix="Update the environment file (or the deployment) so that the declaration matches "
    "what the API does; name the right `validator`.",
)
def probe_prediction_mismatch(self: Rule, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Compares each answered case with driftcheck's own validation of the same token for this
    API (declared settings and validator profile): a token the API accepts that driftcheck
    predicts it rejects, another environment's token the API rejects that driftcheck predicts
    it accepts. Cases already reported with their prediction are not repeated: a rejected
    known-good token (DC801), an accepted foreign (DC803) or forged (DC804) token. A rejection
    at another step than predicted is not a mismatch: validators check claims in different
    orders (jsonwebtoken checks the audience before the issuer).

    ## Why is this bad?
    Every other rule judges this API by its declaration. When the declaration predicts wrong,
    their verdicts about it are wrong too.

    ## Example
    The file says `audiences = ["api://orders-prod"]`, the token's `aud` is
    `api://orders`, driftcheck predicts rejection at audience, and the API accepts it.
    """
    for environment, result in _probes(context):
        for case in result.cases:
            prediction = case.prediction
            if prediction is None or prediction.accepted is None or case.accepted is None:
                continue
            if case.accepted and case.kind in ("other-env", "forged"):
                continue  # DC803 / DC804 say it, with the prediction
            if not case.accepted and case.kind == "own":
                continue  # DC801 says it, with the prediction
            if case.mismatch:
                verdict = "accepts" if case.accepted else "rejects"
                message = (f"{result.component} ({result.url}) {verdict} the {case.label} "
                           f"(HTTP {case.status}); driftcheck predicted "
                           f"{prediction.describe()} for validator {result.validator}."
                           f"{_values(case)}")
                yield _finding(self, environment, result, case, message, step=case.step)
