"""Does the token confirm what the error message says, or point elsewhere?"""

from __future__ import annotations

from typing import Any

from driftcheck.diagnose.catalogue import Diagnosis
from driftcheck.durations import describe_instant, format_seconds
from driftcheck.inspect_check import inspect_in_environment
from driftcheck.inspect_token import inspect_token
from driftcheck.run import CheckOptions
from driftcheck.tokens.claims import time_claims


def check_with_token(diagnosis: Diagnosis, raw: str, environment: str | None,
                     options: CheckOptions, now: float) -> dict[str, Any]:
    claimed = diagnosis.step
    if environment is not None:
        inspection = inspect_in_environment(raw, environment, options, now)
        assert inspection.validation is not None
        status = next(s for s in inspection.validation.environments if s.name == environment)
        agrees: bool
        verdict = status.tokens[0] if status.tokens else None
        first = verdict.first_failing_step.value if verdict and verdict.first_failing_step \
            else None
        findings = inspection.token_findings
        headline = next((f for f in findings if f.step.value == first), None)
        if verdict is None or first is None:
            text = (f"the token passes every step in {environment}: the message is about "
                    "another token, or the failing validator is configured differently from "
                    f"{environment}'s environment file")
            agrees = False
        elif first == claimed or (first in diagnosis.candidate_steps and claimed is None):
            text = f"confirms: the first failing step in {environment} is {first}" + (
                f" ({headline.rule}: {headline.message})" if headline else "")
            agrees = True
        else:
            text = (f"points elsewhere: the first failing step in {environment} is {first}"
                    + (f" ({headline.rule}: {headline.message})" if headline else "")
                    + (f", before the {claimed} step the message names" if claimed else ""))
            agrees = False
        return {"environment": environment, "first_failing_step": first, "confirms": agrees,
                "fingerprint": inspection.fingerprint, "verdict": text}
    inspection = inspect_token(raw, now)
    times = time_claims(inspection.claims or {})
    confirms: bool | None
    exp, nbf = times.get("exp"), times.get("nbf")
    if inspection.fatal is not None:
        text = f"the token cannot be decoded: {inspection.fatal.detail}"
        confirms = claimed == "parse"
    elif claimed == "time" and exp is not None and exp > now and (nbf is None or nbf <= now):
        text = (f"the token is still valid by this machine's clock (exp "
                f"{describe_instant(exp, now)}): if the validator says it expired, its clock "
                f"is at least {format_seconds(exp - now)} ahead: clock skew, not an expired "
                "token")
        confirms = False
    elif claimed == "time" and exp is not None and exp <= now:
        text = f"confirms: the token expired {format_seconds(now - exp)} ago"
        confirms = True
    else:
        text = ("decoded without an environment; pass --env NAME to validate every step "
                "against that environment")
        confirms = None
    return {"environment": None, "first_failing_step": None, "confirms": confirms,
            "fingerprint": inspection.fingerprint, "verdict": text}
