"""How a diagnosis is shown: console, JSON, and the seed article's incident runbook."""

from __future__ import annotations

from typing import Any

from driftcheck.compare import classify_issuer
from driftcheck.diagnose.catalogue import Diagnosis, MessageMatch
from driftcheck.rule_index import indexed

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


def _compared(match: MessageMatch) -> dict[str, str] | None:
    captured = match.captured
    expected, actual = captured.get("expected"), captured.get("actual")
    if not expected or not actual:
        return None
    if match.step == "issuer":
        difference = classify_issuer(expected, actual)
        return {"expected": difference.expected_marked, "actual": difference.actual_marked,
                "difference": difference.explanation}
    return {"expected": expected, "actual": actual}


def _rule(rule_id: str) -> dict[str, Any] | None:
    """The rule's metadata from the generated index: importing the rules costs 250 ms."""
    return indexed().get(rule_id)


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
        "comparison": _compared(match),
        "misleading": match.entry.misleading,
        "candidate_steps": list(match.entry.candidate_steps),
        "distinguish": match.entry.distinguish,
        "fix": rule["fix"] if rule else None,
        "likely_causes": list(rule["causes"]) if rule else [],
        "next": NEXT_CHECKS.get(match.step),
    }


def diagnosis_document(diagnosis: Diagnosis, token_check: dict[str, Any] | None = None
                       ) -> dict[str, Any]:
    document: dict[str, Any] = {
        "input": diagnosis.input,
        "matches": [match_document(m) for m in diagnosis.matches],
        "candidate_steps": diagnosis.candidate_steps,
        "known": diagnosis.known,
    }
    if not diagnosis.known:
        document["closest"] = [{"id": e.id, "library": e.library, "example": e.example,
                                "step": e.step} for e in diagnosis.closest]
    if token_check is not None:
        document["token"] = token_check
    return document


def diagnosis_text(diagnosis: Diagnosis, token_check: dict[str, Any] | None = None) -> str:
    lines = []
    if not diagnosis.known:
        lines.append("Not a message driftcheck knows; no diagnosis is offered.")
        if diagnosis.closest:
            lines.append("The nearest known messages, in case one of them is a variant:")
            lines += [f"  - {e.library}: {e.example}  (step {e.step})" for e in diagnosis.closest]
        lines.append("Run `driftcheck inspect TOKEN --env NAME` to find the failing step from "
                     "the token itself.")
        return "\n".join(lines) + "\n"
    if len(diagnosis.matches) > 1 or diagnosis.matches[0].entry.candidate_steps:
        lines.append(f"Possible steps, most likely first: {', '.join(diagnosis.candidate_steps)}")
        lines.append("")
    for match in diagnosis.matches:
        document = match_document(match)
        lines.append(f"{match.entry.library} ({match.entry.versions}) → step {match.step}, "
                     f"{match.rule} {document['slug']}")
        lines.append(f"  source: {match.entry.source}")
        comparison = document["comparison"]
        if comparison:
            lines.append(f"  expected  {comparison['expected']}")
            lines.append(f"  actual    {comparison['actual']}")
            if "difference" in comparison:
                lines.append(f"  ({comparison['difference']})")
        for name, value in match.captured.items():
            if name not in ("expected", "actual"):
                lines.append(f"  {name}: {value}")
        if match.entry.misleading:
            lines.append(f"  how it misleads: {match.entry.misleading}")
        if match.entry.distinguish:
            lines.append(f"  what tells them apart: {match.entry.distinguish}")
        if document["likely_causes"]:
            lines.append("  likely causes:")
            lines += [f"    {i}. {c}" for i, c in enumerate(document["likely_causes"], 1)]
        lines.append(f"  fix: {document['fix']}")
        lines.append(f"  check next: {document['next']}")
        lines.append("")
    if token_check is not None:
        lines.append(f"With the token: {token_check['verdict']}")
    return "\n".join(lines).rstrip() + "\n"


def runbook(diagnosis: Diagnosis, token_check: dict[str, Any] | None = None) -> str:
    """The seed article's incident record, ready to paste into a runbook."""
    first = diagnosis.matches[0] if diagnosis.matches else None
    rule = _rule(first.rule) if first else None
    claim = ", ".join(f"{k}={v}" for k, v in first.captured.items()) if first else ""
    lines = [
        "## Auth incident record",
        "",
        "1. **Exact error string:**",
        "",
        "   ```",
        *[f"   {line}" for line in diagnosis.input.splitlines()],
        "   ```",
        f"2. **Failing step and claim:** {first.step if first else 'unknown'}"
        + (f" ({claim})" if claim else ""),
        f"3. **Root cause:** {token_check['verdict'] if token_check else '(to fill in)'}"
        + (f" Likely: {rule['causes'][0]}." if rule and rule["causes"] and not token_check
           else ""),
        f"4. **Environment-specific fix:** {rule['fix'] if rule else '(to fill in)'}",
        "5. **What exposed it fastest:** "
        + ("`driftcheck diagnose` with the token" if token_check else "`driftcheck diagnose`")
        + (f" → {first.rule} {rule['slug']}" if first and rule else ""),
    ]
    return "\n".join(lines) + "\n"
