"""GitHub Actions workflow commands: one annotation per finding, on the file and line."""

from __future__ import annotations

from driftcheck.findings import Finding, Severity
from driftcheck.result import RunResult

_COMMAND = {Severity.CRITICAL: "error", Severity.HIGH: "error", Severity.MEDIUM: "warning",
            Severity.LOW: "notice", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """The message part: %, CR and LF are escaped (as actions/toolkit does)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value: additionally ':' and ','."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding) -> str:
    properties = []
    if finding.file:
        properties.append(f"file={escape_property(finding.file)}")
        if finding.line:
            properties.append(f"line={finding.line}")
            if finding.column:
                properties.append(f"col={finding.column}")
    properties.append(f"title={escape_property(f'{finding.rule} {finding.slug}')}")
    message = f"[{finding.environment}] {finding.message} Fix: {finding.fix}"
    return f"::{_COMMAND[finding.severity]} {','.join(properties)}::{escape_data(message)}"


def render_github(result: RunResult) -> str:
    lines = [annotation(f) for f in result.findings if f.suppression is None]
    active = [f for f in result.findings if f.suppression is None]
    lines.append(f"driftcheck: {len(active)} findings in {len(result.environments)} "
                 f"environments; fail-on {result.fail_on.value} → exit {result.exit_code}")
    return "\n".join(lines) + "\n"
