"""JUnit XML: a testsuite per environment, a testcase per rule checked there.

Passing checks are testcases too (CI dashboards can then show green), failures carry the
findings, and a rule that could not run for an environment is skipped with the reason.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence

from driftcheck.findings import Finding, Step
from driftcheck.report.placement import findings_by_status
from driftcheck.result import EnvironmentStatus, RunResult
from driftcheck.rules import Rule, all_rules

_TOKEN_STEPS = {Step.PARSE, Step.ALGORITHM, Step.KEY, Step.SIGNATURE, Step.TIME, Step.ISSUER,
                Step.AUDIENCE, Step.CLAIMS, Step.TOKEN_TYPE}


def skip_reason(rule: Rule, status: EnvironmentStatus, result: RunResult) -> str | None:
    """Why `rule` did not run for this environment, or None when it did."""
    if not result.judged(rule.id):
        return "not selected (--select/--ignore)"
    if rule.phase == "policy" and not result.used_baseline:
        return "no baseline given (--baseline)"
    if rule.step is Step.CONFIG:
        return None
    if status.state == "invalid":
        return "the environment file is invalid"
    if rule.needs_network and status.state == "offline":
        return "not collected (offline, or absent from the snapshot)"
    if rule.needs_network and status.state == "unreachable" and rule.id != "DC010":
        return "nothing of the environment could be fetched"
    token_rule = rule.id == "DC301" or rule.step in _TOKEN_STEPS
    if token_rule and not status.tokens:
        return "no known-good token is configured"
    if rule.step is Step.PROBE and not status.probes:
        return "no live probe was sent (none declared, or --no-probe)"
    if rule.step is Step.DRIFT and not result.compared_with_previous:
        return "no previous snapshot to compare with (--snapshot-in)"
    return None


def _suite(status: EnvironmentStatus, findings: Sequence[Finding], result: RunResult,
           rules: Sequence[Rule]) -> ET.Element:
    suite = ET.Element("testsuite", name=status.name, file=status.file)
    counts = {"tests": 0, "failures": 0, "skipped": 0}
    for rule in rules:
        case = ET.SubElement(suite, "testcase", name=f"{rule.id} {rule.slug}",
                             classname=f"driftcheck.{status.name}.{rule.step.value}")
        counts["tests"] += 1
        mine = [f for f in findings if f.rule == rule.id and f.suppression is None]
        reason = skip_reason(rule, status, result)
        if mine:
            counts["failures"] += 1
            worst = max(mine, key=lambda f: f.severity.rank)
            failure = ET.SubElement(case, "failure", type=worst.severity.value,
                                    message=worst.message)
            failure.text = "\n\n".join(
                f"[{f.severity.value}] {f.component}: {f.message}\nfix: {f.fix}" for f in mine)
        elif reason is not None:
            counts["skipped"] += 1
            ET.SubElement(case, "skipped", message=reason)
    for name, value in counts.items():
        suite.set(name, str(value))
    suite.set("errors", "0")
    return suite


def render_junit(result: RunResult) -> str:
    rules = all_rules()
    root = ET.Element("testsuites", name="driftcheck")
    totals = {"tests": 0, "failures": 0, "skipped": 0, "errors": 0}
    for status, findings in findings_by_status(result):
        if status is None:
            continue  # no environment to file them under; JSON and SARIF carry them
        suite = _suite(status, findings, result, rules)
        root.append(suite)
        for name in totals:
            totals[name] += int(suite.get(name, "0"))
    for name, value in totals.items():
        root.set(name, str(value))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") \
        + "\n"
