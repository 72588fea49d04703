"""Read a probed API's answer: accepted or rejected, and the validation step it names.

The step comes from driftcheck's diagnose catalogue (the real messages of real validators),
applied to the RFC 6750 `error_description`, then to the body; an RFC 6750 error code alone
names a step only where the RFC gives it one (`insufficient_scope`: claims;
`invalid_request`: parse). An answer that names nothing is `unknown`: driftcheck does not
guess.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from driftcheck.diagnose.catalogue import match_catalogue
from driftcheck.models import Probe
from driftcheck.observations import ProbeAnswer

Outcome = Literal["accepted", "rejected", "unexpected", "no-answer"]
UNKNOWN_STEP = "unknown"
REJECTION_STATUSES = (400, 401, 403)
_ERROR_CODE_STEPS = {"insufficient_scope": "claims", "invalid_request": "parse"}
_BODY_FIELDS = ("error_description", "message", "detail", "error", "title", "msg")


@dataclass(frozen=True)
class AnswerReading:
    outcome: Outcome
    step: str | None = None
    """For a rejection: a Step value, or "unknown" when the answer names none."""
    message: str | None = None
    """The text the step was read from (redacted at collection)."""
    catalogue_entry: str | None = None
    captured: Mapping[str, str] = field(default_factory=dict)
    """Values the message names (expected and actual issuer, say)."""
    has_challenge: bool = False
    """A `WWW-Authenticate: Bearer` challenge, or an RFC 6750 error code in the body."""


def outcome_of(probe_accepted: Probe | None, answer: ProbeAnswer | None) -> Outcome:
    if answer is None or answer.status is None:
        return "no-answer"
    status = answer.status
    if probe_accepted is not None and probe_accepted.accepts(status):
        return "accepted"
    if probe_accepted is None and 200 <= status < 300:
        return "accepted"
    if status in REJECTION_STATUSES:
        return "rejected"
    return "unexpected"


def _messages(answer: ProbeAnswer) -> list[str]:
    """Candidate texts, most specific first."""
    found = []
    description = answer.challenge.get("error_description")
    if description:
        found.append(description)
    body = answer.body_excerpt.strip()
    if body:
        try:
            document = json.loads(body)
        except ValueError:
            document = None
        if isinstance(document, dict):
            found += [str(document[k]) for k in _BODY_FIELDS
                      if isinstance(document.get(k), str) and document[k]]
        found.append(body)
    return found


def _rfc6750_code(answer: ProbeAnswer) -> str | None:
    code = answer.challenge.get("error")
    if code:
        return code
    try:
        document = json.loads(answer.body_excerpt)
    except ValueError:
        return None
    error = document.get("error") if isinstance(document, dict) else None
    return error if error in ("invalid_request", "invalid_token", "insufficient_scope") \
        else None


def read_answer(probe: Probe | None, answer: ProbeAnswer | None) -> AnswerReading:
    outcome = outcome_of(probe, answer)
    if answer is None or outcome != "rejected":
        return AnswerReading(outcome)
    code = _rfc6750_code(answer)
    challenged = (answer.challenge_scheme or "").lower() == "bearer" or code is not None
    for text in _messages(answer):
        specific = [m for m in match_catalogue(text) if not m.entry.generic]
        if specific:
            match = specific[0]
            return AnswerReading(outcome, match.step, text, match.entry.id,
                                 dict(match.captured), challenged)
    if code in _ERROR_CODE_STEPS:
        return AnswerReading(outcome, _ERROR_CODE_STEPS[code], code, None, {}, challenged)
    return AnswerReading(outcome, UNKNOWN_STEP, None, None, {}, challenged)
