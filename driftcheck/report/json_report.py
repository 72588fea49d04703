"""The JSON report: a frozen, versioned shape (schemas/report.schema.json), kept apart from
the internal dataclasses so that those can change without breaking users."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from driftcheck._version import __version__
from driftcheck.findings import Finding, Severity
from driftcheck.report.probe_view import probe_document
from driftcheck.result import CauseGroup, ObservedIdp, RunResult, TokenVerdict

REPORT_VERSION = "1.1"
"""1.1 added a finding's `cause`, an environment's `headline` and a token's `not_judged`."""


def _timestamp(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def cause_document(group: CauseGroup | None, finding: Finding) -> dict[str, Any] | None:
    """The typed link between findings of one cause: the group, and whether this finding is
    its headline (else which finding is)."""
    if group is None:
        return None
    return {"group": group.id, "kind": group.kind, "headline": group.headline == finding,
            "headline_fingerprint": group.headline.fingerprint,
            "headline_rule": group.headline.rule}


def finding_document(finding: Finding, group: CauseGroup | None = None) -> dict[str, Any]:
    return {
        "rule": finding.rule,
        "slug": finding.slug,
        "severity": finding.severity.value,
        "environment": finding.environment,
        "component": finding.component,
        "step": finding.step.value,
        "message": finding.message,
        "evidence": dict(finding.evidence),
        "fix": finding.fix,
        "related": list(finding.related),
        "file": finding.file,
        "key_path": finding.key_path,
        "fingerprint": finding.fingerprint,
        "line": finding.line,
        **({"column": finding.column} if finding.column else {}),
        "suppressed": None if finding.suppression is None else {
            "reason": finding.suppression.reason, "expires": finding.suppression.expires},
        "cause": cause_document(group, finding),
    }


def verdict_document(verdict: TokenVerdict) -> dict[str, Any]:
    first = verdict.first_failing_step
    return {
        "name": verdict.name,
        "api": verdict.for_api,
        "fingerprint": verdict.fingerprint,
        "kind": verdict.kind,
        "unavailable": verdict.unavailable,
        "first_failing_step": first.value if first else None,
        # "not-judged" keeps the frozen step vocabulary: "skipped", and listed in not_judged.
        "steps": {step.value: "skipped" if result == "not-judged" else result
                  for step, result in verdict.steps},
        "not_judged": [step.value for step, result in verdict.steps if result == "not-judged"],
    }


def _observed(observed: ObservedIdp | None) -> dict[str, Any] | None:
    if observed is None:
        return None
    return {
        "issuer": observed.issuer,
        "jwks_uri": observed.jwks_uri,
        "keys": [
            {"kid": k.kid, "kty": k.kty, "alg": k.alg, "use": k.use, "thumbprint": k.thumbprint}
            for k in observed.keys
        ],
    }


def report_document(result: RunResult) -> dict[str, Any]:
    active = [f for f in result.findings if f.suppression is None]
    by_severity = Counter(f.severity.value for f in active)
    states = Counter(s.state for s in result.environments)
    return {
        "version": REPORT_VERSION,
        "tool": {"name": "driftcheck", "version": __version__},
        "generated_at": _timestamp(result.generated_at),
        "environments": [
            {
                "name": s.name,
                "file": s.file,
                "tier": s.tier,
                "status": s.state,
                "first_failing_step": s.first_failing_step.value if s.first_failing_step else None,
                "headline": s.headline.fingerprint if s.headline else None,
                "findings": s.findings,
                "observed": _observed(s.observed),
                "tokens": [verdict_document(t) for t in s.tokens],
                "probes": [probe_document(p) for p in s.probes],
            }
            for s in result.environments
        ],
        "findings": [finding_document(f, result.group_of(f)) for f in result.findings],
        "summary": {
            "findings": len(active),
            "suppressed": len(result.findings) - len(active),
            "by_severity": {s.value: by_severity.get(s.value, 0) for s in Severity},
            "environments": {
                state: states.get(state, 0)
                for state in ("checked", "invalid", "unreachable", "offline")
            },
            "fail_on": result.fail_on.value,
            "exit_code": result.exit_code,
        },
    }


def render_json(result: RunResult) -> str:
    return json.dumps(report_document(result), indent=2, sort_keys=False) + "\n"
