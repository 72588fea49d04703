"""A token's verdict: each validation step's outcome, in the order a validator runs them.

Its own module because both the cause groups (`driftcheck.causes`) and the result model
(`driftcheck.result`) read it, and neither may depend on the rules that produced it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from driftcheck.findings import Step

VALIDATION_STEPS = (Step.PARSE, Step.ALGORITHM, Step.KEY, Step.SIGNATURE, Step.TIME,
                    Step.ISSUER, Step.AUDIENCE, Step.CLAIMS, Step.TOKEN_TYPE)
StepResult = Literal["pass", "fail", "skipped", "not-judged"]


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
