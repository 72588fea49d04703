"""Grade a difference by what each API and gateway of the environment really does with it.

The same trailing slash is fatal behind Spring Security and harmless behind a validator that
normalises URLs: these helpers turn the effective validator behaviour (profiles/effective.py)
into a severity, a sentence naming who rejects and who accepts, and evidence.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from driftcheck.durations import seconds_text
from driftcheck.findings import Severity
from driftcheck.profiles.effective import EffectiveValidator

COMPARISONS = {
    "exact": "exact string comparison",
    "strip-trailing-slash": "compares with one trailing slash stripped",
    "url-normalized": "compares URL-normalized issuers",
}


@dataclass(frozen=True)
class Graded:
    severity: Severity | None
    """None: the rule's default severity."""
    sentence: str
    evidence: Mapping[str, Any] = field(default_factory=dict)


def comparison_text(validator: EffectiveValidator) -> str:
    comparison = validator.issuer_comparison
    return f"{COMPARISONS.get(comparison.value, comparison.value)}, {comparison.origin}"


def _names(validators: list[EffectiveValidator],
           detail: Callable[[EffectiveValidator], str]) -> str:
    return "; ".join(f"{v.label}: {detail(v)}" for v in validators)


def issuer_verdicts(validators: Sequence[EffectiveValidator], iss: str,
                    claims: Mapping[str, object] | None = None) -> Graded:
    """Which of `validators` accept a token whose `iss` is `iss`. Info when all of them do."""
    chosen = list(validators)
    if not chosen:
        return Graded(None, "")
    verdicts = [(v, v.accepts_issuer(iss, claims)) for v in chosen]
    rejecting = [v for v, ok in verdicts if not ok]
    accepting = [v for v, ok in verdicts if ok]
    evidence = {"validators": [
        {"component": v.component, "validator": v.profile.name,
         "issuer_comparison": v.issuer_comparison.describe(), "accepts": ok}
        for v, ok in verdicts]}
    if not rejecting:
        lenient = any(iss not in v.expected_issuers(claims) for v in accepting)
        tail = (" tokens pass today, but a validator that compares strings exactly would "
                "reject them." if lenient else " they are configured with it.")
        return Graded(Severity.INFO,
                      f" Accepted by every validator here ({_names(accepting, comparison_text)}):"
                      + tail, evidence)
    sentence = f" Rejected by {_names(rejecting, comparison_text)}."
    if accepting:
        sentence += f" Accepted by {_names(accepting, comparison_text)}."
    return Graded(None, sentence, evidence)


def skew_verdicts(validators: Sequence[EffectiveValidator], offset: float,
                  resolution: float) -> tuple[list[EffectiveValidator], list[EffectiveValidator]]:
    """(validators whose effective clock skew the offset exceeds, those it does not)."""
    beyond, within = [], []
    for validator in validators:
        if abs(offset) - resolution > validator.clock_skew.value:
            beyond.append(validator)
        else:
            within.append(validator)
    return beyond, within


def skew_text(validator: EffectiveValidator) -> str:
    return f"{validator.label} allows ({validator.clock_skew.describe(seconds_text)})"
