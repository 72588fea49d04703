"""Each probe case judged: what was sent, what came back, what was expected and predicted.

`ProbeResult` is the typed model the rules, the run result and every report read; it is
built once per evaluation, in the facts stage (`driftcheck.facts`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from driftcheck.models import Api, Environment, Gateway, Probe
from driftcheck.observations import (
    ForgedKind,
    ProbeCase,
    ProbeCaseKind,
    ProbeObservation,
    TokenObservation,
)
from driftcheck.probes.answer import AnswerReading, Outcome, read_answer
from driftcheck.probes.predict import Prediction, predict

if TYPE_CHECKING:
    from driftcheck.facts import Facts

Expectation = Literal["accept", "reject"]


@dataclass(frozen=True)
class ProbeCaseResult:
    kind: ProbeCaseKind
    label: str
    """"no token", "own token", "staging token", "alg none", ..."""
    expected: Expectation
    environment: str | None = None
    """Whose known-good token it carried (own and other-env cases)."""
    forged: ForgedKind | None = None
    skipped: str | None = None
    """Why it was not sent; None when it was."""
    status: int | None = None
    challenge: Mapping[str, str] = field(default_factory=dict)
    outcome: Outcome | Literal["skipped"] = "skipped"
    reading: AnswerReading | None = None
    """The step the answer names (reading.step), with the message it was read from."""
    prediction: Prediction | None = None
    """driftcheck's own verdict for this token at this component (None: no token)."""
    token_fingerprint: str | None = None
    failure: str | None = None
    """Why no answer came (timeout, refused, ...)."""

    @property
    def sent(self) -> bool:
        return self.skipped is None

    @property
    def accepted(self) -> bool | None:
        """True/False for an accepted/rejected answer; None otherwise."""
        if self.outcome == "accepted":
            return True
        if self.outcome == "rejected":
            return False
        return None

    @property
    def step(self) -> str | None:
        return self.reading.step if self.reading is not None else None

    @property
    def as_expected(self) -> bool | None:
        if self.accepted is None:
            return None
        return self.accepted == (self.expected == "accept")

    @property
    def mismatch(self) -> bool:
        """The real verdict differs from driftcheck's definite prediction."""
        p = self.prediction
        return (p is not None and p.accepted is not None and self.accepted is not None
                and p.accepted != self.accepted)


@dataclass(frozen=True)
class ProbeResult:
    environment: str
    component: str
    url: str
    method: str
    validator: str
    cases: tuple[ProbeCaseResult, ...]
    out_of_scope: int = 0
    withheld_prod: int = 0


def _component(environment: Environment, component: str) -> tuple[str, Api | Gateway | None]:
    family, _, name = component.partition(".")
    found = environment.apis.get(name) if family == "apis" else environment.gateways.get(name)
    return family, found


def _token_facts(facts: Facts, case: ProbeCase) -> TokenObservation | None:
    if case.forged_token is not None:
        return case.forged_token
    observations = facts.observations
    if case.environment is None or case.token_name is None or observations is None:
        return None
    seen = observations.environments.get(case.environment)
    if seen is None:
        return None
    return next((t for t in seen.tokens if t.name == case.token_name), None)


def _judge_probe(facts: Facts, environment: Environment,
                 observed: ProbeObservation) -> ProbeResult:
    family, declared = _component(environment, observed.component)
    probe: Probe | None = declared.probe if declared is not None else None
    keys = facts.environment_jwks(environment.name)
    thumbprints = keys.thumbprints if keys is not None else None
    kids = keys.kids if keys is not None else None
    results = []
    for case in observed.cases:
        token = _token_facts(facts, case)
        prediction = None
        if token is not None and declared is not None:
            prediction = predict(environment, family, declared, token, thumbprints, kids,
                                 facts.now)
        answer = case.answer
        reading = read_answer(probe, answer) if case.skipped is None else None
        results.append(ProbeCaseResult(
            kind=case.kind, label=case.label,
            expected="accept" if case.kind == "own" else "reject",
            environment=case.environment, forged=case.forged, skipped=case.skipped,
            status=answer.status if answer else None,
            challenge=dict(answer.challenge) if answer else {},
            outcome=reading.outcome if reading is not None else "skipped",
            reading=reading, prediction=prediction,
            token_fingerprint=token.fingerprint if token is not None else None,
            failure=(f"{answer.failure.kind}: {answer.failure.detail}"
                     if answer is not None and answer.failure is not None else None),
        ))
    return ProbeResult(environment.name, observed.component, observed.url, observed.method,
                       declared.validator if declared is not None else "strict",
                       tuple(results), observed.out_of_scope, observed.withheld_prod)


def judge_probes(facts: Facts) -> dict[str, tuple[ProbeResult, ...]]:
    """Environment name -> its judged probes."""
    found: dict[str, tuple[ProbeResult, ...]] = {}
    observations = facts.observations
    if observations is not None:
        for environment in facts.environments:
            seen = observations.environments.get(environment.name)
            if seen is not None and seen.probes:
                found[environment.name] = tuple(
                    _judge_probe(facts, environment, p) for p in seen.probes)
    return found
