"""How a diagnosis is shown: console, JSON, and the seed article's incident runbook."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from driftcheck.diagnose.catalogue import Answer, Diagnosis, MessageMatch
from driftcheck.diagnose.rule_meta import indexed

NEXT_CHECKS = {
    "parse": "Look at the exact Authorization header the server received: `Bearer `, one "
    "space, three base64url segments; run `driftcheck inspect` on the raw value.",
    "algorithm": "Compare the token's alg with the algorithms the API accepts.",
    "key": "Compare the token's kid with the JWKS the API uses now and with its cached copy; "
    "check for a recent key rotation and for tokens from another environment.",
    "signature": "Check which environment's IdP minted the token (`driftcheck inspect --env`),"
    " and that the token arrives whole.",
    "time": "Compare the clocks of the IdP, the API host and the client (driftcheck DC701), "
    "and how the client refreshes tokens.",
    "issuer": "Compare the token's iss with the API's configured issuer character by "
    "character, and with the discovery document's issuer.",
    "audience": "Compare the token's aud with the API's audience; check which resource the "
    "client requested, and that an access token (not an ID token) is sent.",
    "claims": "Check the scopes requested and the IdP's claim mappings for this client.",
    "token-type": "Check that the client sends the access token, not the ID token.",
    "fetch": "Check that the API can reach its IdP's metadata and JWKS URLs.",
}


def _comparison(step: str, captured: Mapping[str, str]) -> dict[str, str] | None:
    expected, actual = captured.get("expected"), captured.get("actual")
    if not expected or not actual:
        return None
    if step == "issuer":
        from driftcheck.compare import classify_issuer

        difference = classify_issuer(expected, actual)
        return {"expected": difference.expected_marked, "actual": difference.actual_marked,
                "difference": difference.explanation}
    return {"expected": expected, "actual": actual}


def _rule(rule_id: str | None) -> dict[str, Any] | None:
    """The rule's metadata from the generated index: importing the rules costs 250 ms."""
    return indexed().get(rule_id) if rule_id else None


def match_document(match: MessageMatch) -> dict[str, Any]:
    rule = _rule(match.rule)
    return {
        "id": match.entry.id,
        "library": match.entry.library,
        "versions": match.entry.versions,
        "source": match.entry.source,
        "step": match.step,
        "rule": match.rule,
        "slug": rule["slug"] if rule else None,
        "captured": dict(match.captured),
        "comparison": _comparison(match.step, match.captured),
        "misleading": match.entry.misleading,
        "candidate_steps": list(match.entry.candidate_steps),
        "distinguish": match.entry.distinguish,
        "fix": rule["fix"] if rule else None,
        "likely_causes": list(rule["causes"]) if rule else [],
        "next": NEXT_CHECKS.get(match.step),
    }


# A mismatch rule's causes explain a claim with the wrong value; when the words say the claim
# is absent, the causes are these instead (the rule and step stay the same).
ABSENT_CAUSES = {
    "DC309": (
        "the token was minted without an iss claim: a hand-made or test token, or a system "
        "that is not the IdP",
        "an opaque or reference token decoded as if it were a JWT",
    ),
    "DC310": (
        "the client asked the IdP for a token without naming the API (no audience, resource "
        "or scope parameter), so the IdP issued no aud for it",
        "an ID token or a token for another client sent where the API's access token belongs",
    ),
}
_ABSENT = ("missing", "no ", "not present", "absent", "is required", "empty")


def _causes(rule_id: str | None, rule: dict[str, Any] | None,
            decided_by: tuple[str, ...]) -> list[str]:
    if rule_id in ABSENT_CAUSES and any(
            word.lower().startswith(_ABSENT) for word in decided_by):
        return list(ABSENT_CAUSES[rule_id])
    return list(rule["causes"]) if rule else []


def answer_document(diagnosis: Diagnosis, answer: Answer) -> dict[str, Any]:
    """A family or reader answer in the same shape as a catalogue match."""
    rule = _rule(answer.rule)
    step = answer.step
    return {
        "id": f"{diagnosis.layer}:{diagnosis.decided_by[0]}" if diagnosis.decided_by
        else diagnosis.layer,
        "library": answer.library,
        "versions": None,
        "source": answer.source,
        "step": step,
        "rule": answer.rule,
        "slug": rule["slug"] if rule else None,
        "captured": dict(answer.captured),
        "comparison": _comparison(step, answer.captured) if step else None,
        "misleading": None,
        "candidate_steps": [s for s in answer.candidate_steps if s != step],
        "distinguish": None,
        "fix": rule["fix"] if rule else None,
        "likely_causes": _causes(answer.rule, rule, diagnosis.decided_by),
        "next": NEXT_CHECKS.get(step) if step else None,
    }


def _documents(diagnosis: Diagnosis) -> list[dict[str, Any]]:
    if diagnosis.answer is not None:
        return [answer_document(diagnosis, diagnosis.answer)]
    return [match_document(m) for m in diagnosis.matches]


def diagnosis_document(diagnosis: Diagnosis, token_check: dict[str, Any] | None = None
                       ) -> dict[str, Any]:
    document: dict[str, Any] = {
        "input": diagnosis.input,
        "matches": _documents(diagnosis),
        "candidate_steps": diagnosis.candidate_steps,
        "known": diagnosis.known,
        "step": diagnosis.step,
        "rule": diagnosis.rule,
        "layer": diagnosis.layer,
        "confidence": diagnosis.confidence,
        "decided_by": list(diagnosis.decided_by),
        "envelope": diagnosis.envelope,
        "status": diagnosis.status,
    }
    if not diagnosis.known:
        document["closest"] = [{"id": e.id, "library": e.library, "example": e.example,
                                "step": e.step} for e in diagnosis.closest]
    if token_check is not None:
        document["token"] = token_check
    return document


def _decided(diagnosis: Diagnosis) -> str:
    words = ", ".join(f"“{w}”" for w in diagnosis.decided_by[:4])
    return (f"layer {diagnosis.layer}, confidence {diagnosis.confidence}, envelope "
            f"{diagnosis.envelope}" + (f"; decided by {words}" if words else ""))


def _unknown_text(diagnosis: Diagnosis) -> list[str]:
    """What is said when no step is offered."""
    if diagnosis.decided_by:
        lines = ["Not a token-validation failure (it is about "
                 f"{', '.join(diagnosis.decided_by)}); no step is offered."]
    else:
        lines = ["Not a message driftcheck knows; no diagnosis is offered."]
    if diagnosis.closest:
        lines.append("The nearest known messages, in case one of them is a variant:")
        lines += [f"  - {e.library}: {e.example}  (step {e.step})" for e in diagnosis.closest]
    lines.append("Run `driftcheck inspect TOKEN --env NAME` to find the failing step from "
                 "the token itself.")
    return lines


def _candidates_text(diagnosis: Diagnosis) -> list[str]:
    """The steps it could be, and for a vague input how to tell them apart."""
    if diagnosis.vague:
        return [
            "Too vague to name one step. Possible steps, in validation order: "
            f"{', '.join(diagnosis.candidate_steps)}",
            f"  ({_decided(diagnosis)})",
            "  Find the validator's own message (API logs, error_description), or run "
            "`driftcheck diagnose ... --token TOKEN --env NAME`.",
            "",
            *(f"  what tells them apart: {m.entry.distinguish}" for m in diagnosis.matches
              if m.entry.distinguish),
        ]
    lines = []
    if len(diagnosis.candidate_steps) > 1:
        lines += ["Possible steps, most likely first: "
                  f"{', '.join(diagnosis.candidate_steps)}", ""]
    return [*lines, f"Answered by the {_decided(diagnosis)}"]


def _document_text(document: dict[str, Any]) -> list[str]:
    """One answer: where it comes from, the values it compares, causes, fix, next check."""
    origin = (f"{document['library']} ({document['versions']})" if document["versions"]
              else document["library"] or "general reader")
    lines = [f"{origin} → step {document['step']}, {document['rule']} {document['slug']}"]
    if document["source"]:
        lines.append(f"  source: {document['source']}")
    comparison = document["comparison"]
    if comparison:
        lines.append(f"  expected  {comparison['expected']}")
        lines.append(f"  actual    {comparison['actual']}")
        if "difference" in comparison:
            lines.append(f"  ({comparison['difference']})")
    lines += [f"  {name}: {value}" for name, value in document["captured"].items()
              if name not in ("expected", "actual")]
    for key, label in (("misleading", "how it misleads"),
                       ("distinguish", "what tells them apart")):
        if document[key]:
            lines.append(f"  {label}: {document[key]}")
    if document["likely_causes"]:
        lines.append("  likely causes:")
        lines += [f"    {i}. {c}" for i, c in enumerate(document["likely_causes"], 1)]
    for key, label in (("fix", "fix"), ("next", "check next")):
        if document[key]:
            lines.append(f"  {label}: {document[key]}")
    return [*lines, ""]


def diagnosis_text(diagnosis: Diagnosis, token_check: dict[str, Any] | None = None) -> str:
    if not diagnosis.known:
        return "\n".join(_unknown_text(diagnosis)) + "\n"
    lines = _candidates_text(diagnosis)
    for document in [] if diagnosis.vague else _documents(diagnosis):
        lines += _document_text(document)
    if token_check is not None:
        lines.append(f"With the token: {token_check['verdict']}")
    return "\n".join(lines).rstrip() + "\n"


def runbook(diagnosis: Diagnosis, token_check: dict[str, Any] | None = None) -> str:
    """The seed article's incident record, ready to paste into a runbook."""
    documents = _documents(diagnosis) if diagnosis.known and not diagnosis.vague else []
    first = documents[0] if documents else None
    rule = _rule(first["rule"]) if first else None
    claim = ", ".join(f"{k}={v}" for k, v in first["captured"].items()) if first else ""
    step = first["step"] if first else (
        "one of " + ", ".join(diagnosis.candidate_steps) if diagnosis.vague else "unknown")
    lines = [
        "## Auth incident record",
        "",
        "1. **Exact error string:**",
        "",
        "   ```",
        *[f"   {line}" for line in diagnosis.input.splitlines()],
        "   ```",
        f"2. **Failing step and claim:** {step}" + (f" ({claim})" if claim else ""),
        f"3. **Root cause:** {token_check['verdict'] if token_check else '(to fill in)'}"
        + (f" Likely: {rule['causes'][0]}." if rule and rule["causes"] and not token_check
           else ""),
        f"4. **Environment-specific fix:** {rule['fix'] if rule else '(to fill in)'}",
        "5. **What exposed it fastest:** "
        + ("`driftcheck diagnose` with the token" if token_check else "`driftcheck diagnose`")
        + (f" → {first['rule']} {rule['slug']}" if first and rule else ""),
    ]
    return "\n".join(lines) + "\n"
