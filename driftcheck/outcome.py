"""From facts and judged findings to the result model (`driftcheck.result`): each token's
per-step verdict, what each IdP really publishes, each environment's status and headline.

Everything here reads typed fields (`Finding.validator_accepts`, the token facts), never
evidence keys."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from driftcheck.causes import headline
from driftcheck.facts import Facts, TokenFacts
from driftcheck.findings import Finding, Severity, Step
from driftcheck.load.problems import ConfigProblem
from driftcheck.models import Environment
from driftcheck.observations import Observations
from driftcheck.result import (
    SNAPSHOT_ONLY,
    VALIDATION_STEPS,
    EnvironmentState,
    EnvironmentStatus,
    ObservedIdp,
    StepResult,
    TokenVerdict,
)
from driftcheck.tokens.steps import hmac_applies, verifiable
from driftcheck.urls import refusal


def observed_idp(facts: Facts, environment: Environment) -> ObservedIdp | None:
    observations = facts.observations
    if observations is None or environment.name not in observations.environments:
        return None
    seen = observations.environments[environment.name]
    discovery = facts.discovery[environment.name]
    keys = facts.jwks.get(seen.jwks_url)
    return ObservedIdp(
        issuer=discovery.issuer,
        jwks_uri=seen.jwks_url if keys is not None else None,
        keys=keys.keys if keys is not None else (),
        discovery_url=seen.discovery_url,
        clock_offset=facts.clock_offsets.get(environment.name),
        algorithms=discovery.algorithms,
    )


def _steps(facts: Facts, token: TokenFacts, failed: set[Step],
           unjudged: set[Step]) -> list[tuple[Step, StepResult]]:
    observed, api = token.token, token.api
    if observed.failure is not None or observed.claims is None:
        return [(step, "fail" if step is Step.PARSE and observed.fatal else "skipped")
                for step in VALIDATION_STEPS]
    keys_known = facts.environment_jwks(token.environment.name) is not None
    skipped: set[Step] = set()
    if hmac_applies(observed, api) and Step.ALGORITHM not in failed:
        if observed.hmac is None:  # no secret to check with
            skipped.add(Step.KEY)
    elif Step.ALGORITHM in failed or not verifiable(observed, api) or not keys_known:
        skipped |= {Step.KEY, Step.SIGNATURE}
    if Step.KEY in failed:
        skipped.add(Step.SIGNATURE)
    if api is None:
        skipped |= {Step.AUDIENCE, Step.CLAIMS, Step.TOKEN_TYPE}
    elif not api.audiences:
        skipped.add(Step.AUDIENCE)
    if token.kind is not None and token.kind.kind == "unknown":
        skipped.add(Step.TOKEN_TYPE)
    return [(step, "fail" if step in failed else "skipped" if step in skipped
             else "not-judged" if step in unjudged else "pass")
            for step in VALIDATION_STEPS]


def token_verdicts(facts: Facts, findings: Sequence[Finding],
                   unjudged: set[Step]) -> dict[str, list[TokenVerdict]]:
    """Per environment: every token's step results, from the findings the rules produced.

    A step is skipped when an earlier step makes it meaningless (nothing to decode, no
    algorithm the API accepts, no key to verify with) or its inputs are missing. A step
    some of whose rules were not selected (`unjudged`: `--select`, `--ignore`, `diff`) was
    not judged: it never shows as passed.
    """
    verdicts: dict[str, list[TokenVerdict]] = {}
    for token in facts.tokens:
        # Info findings, and findings where the API's validator accepts the token anyway,
        # describe a step that passes (leniently), not one that fails.
        failed = {f.step for f in findings
                  if f.environment == token.environment.name and f.component == token.component
                  and f.severity is not Severity.INFO and not f.validator_accepts}
        verdicts.setdefault(token.environment.name, []).append(TokenVerdict(
            name=token.token.name, for_api=token.token.for_api,
            fingerprint=token.token.fingerprint,
            kind=token.kind.kind if token.kind else None,
            steps=tuple(_steps(facts, token, failed, unjudged)),
            unavailable=token.token.failure))
    return verdicts


def unjudged_steps(judged: Callable[[str], bool], rule_steps: Sequence[tuple[str, Step]]
                   ) -> set[Step]:
    """Validation steps some of whose rules were not selected."""
    return {step for step in VALIDATION_STEPS
            if any(not judged(rule) for rule, of in rule_steps if of is step)}


def _reachable(environment: Environment, observations: Observations) -> bool:
    seen = observations.environments.get(environment.name)
    if seen is None:
        return False
    for url in seen.urls():
        response = observations.response(url)
        if response is not None and response.ok and not refusal(url,
                                                               environment.allow_insecure_http):
            return True
    return False


def environment_statuses(facts: Facts, findings: Sequence[Finding],
                         verdicts: dict[str, list[TokenVerdict]],
                         problems: Sequence[ConfigProblem],
                         in_scope: Callable[[str], bool]) -> list[EnvironmentStatus]:
    """Each environment in scope with its state and headline, then each invalid file."""
    observations = facts.observations
    statuses: list[EnvironmentStatus] = []
    for environment in facts.environments:
        if not in_scope(environment.name):
            continue
        mine = [f for f in findings if f.environment == environment.name]
        state: EnvironmentState
        if observations is None or environment.name not in observations.environments:
            state = "offline"  # not collected: --offline, or absent from the snapshot
        elif _reachable(environment, observations):
            state = "checked"
        else:
            state = "unreachable"
        tokens = tuple(verdicts.get(environment.name, ()))
        first = headline(mine, tokens)
        statuses.append(EnvironmentStatus(
            name=environment.name,
            file=environment.file,
            tier=None if environment.file == SNAPSHOT_ONLY else environment.tier,
            state=state,
            first_failing_step=first.step if first else None,
            headline=first,
            findings=len(mine),
            observed=observed_idp(facts, environment),
            tokens=tokens,
            probes=facts.probes.get(environment.name, ()),
        ))
    invalid_files = {p.loaded_file: p.environment or p.loaded_file for p in problems}
    for problem_file, label in invalid_files.items():
        if any(s.file == problem_file for s in statuses):
            continue
        statuses.append(EnvironmentStatus(
            name=label, file=problem_file, tier=None, state="invalid",
            first_failing_step=Step.CONFIG,
            findings=sum(1 for f in findings if f.environment == label),
        ))
    return statuses
