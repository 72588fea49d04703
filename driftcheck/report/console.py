"""The terminal report: grouped by environment, the first failing step first, one summary line.

Built from rich `Text` objects, never markup strings: messages contain brackets ("[/]" marks a
differing trailing slash) that markup would swallow. Rich drops colour when the output is not
a terminal or NO_COLOR is set.
"""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from driftcheck.findings import Finding, Severity
from driftcheck.report.placement import findings_by_status
from driftcheck.report.probe_view import case_text, probe_line
from driftcheck.report.text import evidence_lines
from driftcheck.result import EnvironmentStatus, ProbeResult, RunResult, TokenVerdict

_SEVERITY_STYLE = {
    Severity.CRITICAL: "bold white on red",
    Severity.HIGH: "bold red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
    Severity.INFO: "dim",
}
_STATE_NOTE = {
    "invalid": "not checked: the file is invalid",
    "unreachable": "nothing of it could be fetched",
    "offline": "offline: network rules skipped",
}


def render_finding(console: Console, finding: Finding, first: bool) -> None:
    head = Text("  ")
    if finding.suppression is not None:
        head.append("accepted ", style="dim")
    head.append(f"{finding.severity.value.upper():<8}",
                style="dim" if finding.suppression else _SEVERITY_STYLE[finding.severity])
    head.append(f" {finding.rule} ", style="bold")
    head.append(finding.slug)
    head.append(f"  {finding.component} · {finding.step.value}", style="dim")
    if first:
        head.append("  ← first failing step", style="bold magenta")
    console.print(head)
    console.print(Text("    " + finding.message))
    evidence = evidence_lines(finding.evidence, finding.related)
    width = max((len(k) for k, _ in evidence), default=0)
    for key, value in evidence:
        line = Text(f"      {key:<{width}}  ", style="dim")
        line.append(value)
        console.print(line)
    fix = Text("    fix: ", style="green")
    fix.append(finding.fix)
    console.print(fix)
    if finding.suppression is not None:
        console.print(Text(f"    accepted in the baseline until {finding.suppression.expires}: "
                           f"{finding.suppression.reason}", style="dim"))


def _related_line(finding: Finding) -> Text:
    line = Text("      · ", style="dim")
    line.append(f"{finding.severity.value.upper():<8}",
                style="dim" if finding.suppression else _SEVERITY_STYLE[finding.severity])
    line.append(f" {finding.rule} {finding.slug}", style="bold")
    line.append(f"  {finding.component} · {finding.step.value}", style="dim")
    line.append(f"  {finding.message}")
    return line


def _render_environment(console: Console, status: EnvironmentStatus,
                        findings: list[Finding], result: RunResult) -> None:
    title = Text()
    title.append(status.name, style="bold")
    if status.tier:
        title.append(f" ({status.tier})", style="dim")
    elif status.state != "invalid":
        title.append(" (tier unknown)", style="dim")  # known only from a snapshot
    title.append(f"  {status.file}", style="dim")
    if status.state in _STATE_NOTE:
        title.append(f"  {_STATE_NOTE[status.state]}", style="yellow")
    if not findings:
        title.append("  ✓ no findings", style="green")
    console.print(title)
    for verdict in status.tokens:
        console.print(verdict_line(verdict))
    for probe in status.probes:
        console.print(probe_console_line(probe))
    for finding in findings:
        group = result.group_of(finding)
        if group is not None and group.headline != finding:
            continue  # listed beneath its group's headline
        render_finding(console, finding,
                       first=finding == status.headline and len(findings) > 1)
        if group is not None:
            console.print(Text(f"    same cause ({group.kind}), also reported as:",
                               style="dim"))
            for related in group.related:
                console.print(_related_line(related))
    console.print()


def probe_console_line(probe: ProbeResult) -> Text:
    """`probe apis.orders GET …: no token ✓ rejected · own token ✓ accepted · …`"""
    line = Text("  probe ", style="dim")
    line.append(probe.component, style="bold")
    line.append(f" {probe.method} {probe.url}: ", style="dim")
    for index, case in enumerate(probe.cases):
        ok, text = case_text(case)
        if index:
            line.append(" · ", style="dim")
        line.append(text, style="dim" if ok is None and not case.sent else
                    "green" if ok else "bold red" if ok is False else "yellow")
    tail = probe_line(probe)[len(" · ".join(case_text(c)[1] for c in probe.cases)):]
    if tail:
        line.append(tail, style="dim")
    return line


_RESULT_MARK = {"pass": ("✓", "green"), "fail": ("✗", "bold red"), "skipped": ("–", "dim"),
                "not-judged": ("–", "dim")}


def verdict_line(verdict: TokenVerdict) -> Text:
    """`token probe fp:… → apis.orders (access): parse ✓ · algorithm ✓ · … · time ✗ …`"""
    line = Text("  token ", style="dim")
    line.append(verdict.name, style="bold")
    if verdict.fingerprint:
        line.append(f" fp:{verdict.fingerprint}", style="dim")
    line.append(f" → {'apis.' + verdict.for_api if verdict.for_api else 'IdP'}")
    if verdict.kind:
        line.append(f" ({verdict.kind} token)", style="dim")
    if verdict.unavailable:
        line.append(": unavailable (DC301)", style="bold red")
        return line
    line.append(": ")
    for index, (step, result) in enumerate(verdict.steps):
        mark, style = _RESULT_MARK[result]
        if index:
            line.append(" · ", style="dim")
        line.append(f"{step.value} ", style="dim" if result in ("skipped", "not-judged")
                    else None)
        line.append(mark, style=style)
    if verdict.first_failing_step is not None:
        line.append(f"  (first failing step: {verdict.first_failing_step.value})",
                    style="bold magenta")
    return line


def summary_line(result: RunResult) -> Text:
    active = [f for f in result.findings if f.suppression is None]
    counts = {s: sum(1 for f in active if f.severity == s) for s in Severity}
    text = Text()
    states = [s.state for s in result.environments]
    text.append(f"{len(states)} environment{'s' if len(states) != 1 else ''}")
    extra = [f"{states.count(k)} {k}" for k in ("invalid", "unreachable", "offline")
             if states.count(k)]
    if extra:
        text.append(f" ({', '.join(extra)})")
    text.append(f" · {len(active)} finding{'s' if len(active) != 1 else ''}")
    parts = [f"{n} {s.value}" for s, n in sorted(counts.items(), key=lambda i: -i[0].rank) if n]
    if parts:
        text.append(": " + ", ".join(parts))
    if len(active) != len(result.findings):
        text.append(f" ({len(result.findings) - len(active)} accepted in the baseline)")
    text.append(f" · fail-on {result.fail_on.value} → exit {result.exit_code}",
                style="bold red" if result.exit_code else "bold green")
    return text


def render_console(result: RunResult, console: Console) -> None:
    for status, findings in findings_by_status(result):
        if status is None:
            console.print(Text("other findings", style="bold"))
            for finding in findings:
                render_finding(console, finding, first=False)
            console.print()
            continue
        _render_environment(console, status, findings, result)
    console.print(summary_line(result))
