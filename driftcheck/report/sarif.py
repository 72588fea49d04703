"""SARIF 2.1.0: one run, the rule registry as `tool.driver.rules`, one result per finding.

Validated in tests against the official OASIS schema, formats included. `partialFingerprints`
carry the finding's fingerprint, which does not change with times, offsets or token
fingerprints. Rules carry no `helpUri`: SARIF wants an absolute URI there and driftcheck has no
published address for its rule reference, so `help` says where to read it instead.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

from driftcheck._version import __version__
from driftcheck.findings import Finding, Severity
from driftcheck.report.json_report import cause_document
from driftcheck.result import CauseGroup, RunResult
from driftcheck.rules import all_rules

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"

LEVELS = {Severity.CRITICAL: "error", Severity.HIGH: "error", Severity.MEDIUM: "warning",
          Severity.LOW: "note", Severity.INFO: "note"}
# GitHub code scanning ranks security alerts by this property (0.0-10.0).
SECURITY_SEVERITY = {Severity.CRITICAL: "9.5", Severity.HIGH: "8.0", Severity.MEDIUM: "5.5",
                     Severity.LOW: "3.0", Severity.INFO: "1.0"}


def _uri(file: str) -> str:
    """An absolute file URI, or a relative reference percent-encoded like one (spaces...)."""
    path = Path(file)
    return path.resolve().as_uri() if path.is_absolute() else quote(path.as_posix())


def _result(finding: Finding, index: int, group: CauseGroup | None = None) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": index,
        "level": LEVELS[finding.severity],
        "message": {"text": finding.message},
        "partialFingerprints": {"driftcheck/v1": finding.fingerprint},
        "properties": {
            "severity": finding.severity.value,
            "environment": finding.environment,
            "component": finding.component,
            "step": finding.step.value,
            "keyPath": finding.key_path,
            "evidence": dict(finding.evidence),
            "related": list(finding.related),
            "fix": finding.fix,
            "cause": cause_document(group, finding),
        },
    }
    if finding.file:
        location: dict[str, Any] = {"artifactLocation": {"uri": _uri(finding.file)}}
        if finding.line:
            location["region"] = {"startLine": finding.line}
            if finding.column:
                location["region"]["startColumn"] = finding.column
        result["locations"] = [{"physicalLocation": location}]
    if finding.suppression is not None:
        result["suppressions"] = [{"kind": "external", "status": "accepted",
                                   "justification": finding.suppression.reason}]
    return result


def sarif_document(result: RunResult) -> dict[str, Any]:
    rules = all_rules()
    index = {rule.id: position for position, rule in enumerate(rules)}
    driver_rules = []
    for rule in rules:
        sections = rule.sections
        driver_rules.append({
            "id": rule.id,
            "name": rule.slug,
            "shortDescription": {"text": rule.summary},
            "fullDescription": {"text": sections.get("What it does", rule.summary)},
            "help": {
                "text": f"{rule.fix}\n\nLikely causes: " + "; ".join(rule.causes)
                + f"\n\nReference: driftcheck rules {rule.id}",
                "markdown": f"**Fix:** {rule.fix}\n\n**Likely causes:**\n"
                + "\n".join(f"- {c}" for c in rule.causes)
                + f"\n\nReference: `driftcheck rules {rule.id}`",
            },
            "defaultConfiguration": {"level": LEVELS[rule.severity]},
            "properties": {"tags": ["security", "jwt", "oidc", rule.step.value],
                           "security-severity": SECURITY_SEVERITY[rule.severity],
                           "precision": "high"},
        })
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "driftcheck", "version": __version__,
                                "semanticVersion": __version__, "rules": driver_rules}},
            "invocations": [{"executionSuccessful": result.exit_code in (0, 1),
                             "exitCode": result.exit_code}],
            "results": [_result(f, index[f.rule], result.group_of(f))
                        for f in result.findings],
        }],
    }


def render_sarif(result: RunResult) -> str:
    return json.dumps(sarif_document(result), indent=2) + "\n"
