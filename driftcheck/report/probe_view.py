"""Probe results as a renderer shows them: one line per probe, and a JSON document."""

from __future__ import annotations

from typing import Any

from driftcheck.result import ProbeCaseResult, ProbeResult


def case_text(case: ProbeCaseResult) -> tuple[bool | None, str]:
    """(as expected? None when undecided, "own token ✓ accepted")."""
    if case.skipped is not None:
        return None, f"{case.label} – skipped"
    if case.outcome == "no-answer":
        return None, f"{case.label} ? no answer"
    if case.outcome == "unexpected":
        return False, f"{case.label} ? HTTP {case.status}"
    ok = case.as_expected
    word = "accepted" if case.outcome == "accepted" else "rejected"
    if not ok:
        word = word.upper()
    if case.outcome == "rejected" and case.step not in (None, "unknown") and not ok:
        word += f" at {case.step}"
    return ok, f"{case.label} {'✓' if ok else '✗'} {word}"


def probe_line(result: ProbeResult) -> str:
    """`no token ✓ rejected · own token ✓ accepted · staging token ✗ ACCEPTED · ...`."""
    line = " · ".join(case_text(c)[1] for c in result.cases)
    extra = []
    if result.out_of_scope:
        extra.append(f"{result.out_of_scope} environment(s) outside the default scope")
    if result.withheld_prod:
        extra.append(f"{result.withheld_prod} prod token(s) withheld")
    return line + (f" ({'; '.join(extra)})" if extra else "")


def probe_summary(result: ProbeResult) -> str:
    """A short cell for the matrix: "7/7 as expected" or "2 of 7 wrong"."""
    decided = [case_text(c)[0] for c in result.cases]
    wrong = decided.count(False)
    sent = sum(1 for c in result.cases if c.sent)
    return f"{sent - wrong}/{sent} as expected" if not wrong else f"{wrong} of {sent} wrong"


def probe_document(result: ProbeResult) -> dict[str, Any]:
    return {
        "component": result.component,
        "url": result.url,
        "method": result.method,
        "validator": result.validator,
        "out_of_scope": result.out_of_scope,
        "withheld_prod": result.withheld_prod,
        "cases": [{
            "kind": c.kind,
            "label": c.label,
            "environment": c.environment,
            "forged": c.forged,
            "sent": c.sent,
            "skipped": c.skipped,
            "status": c.status,
            "challenge": dict(c.challenge),
            "outcome": c.outcome,
            "expected": c.expected,
            "step": c.step,
            "accepted": c.accepted,
            "as_expected": c.as_expected,
            "predicted": None if c.prediction is None else {
                "accepted": c.prediction.accepted, "step": c.prediction.step,
                "reason": c.prediction.reason},
            "token": c.token_fingerprint,
        } for c in result.cases],
    }
