"""A Markdown summary for a pull-request comment or $GITHUB_STEP_SUMMARY."""

from __future__ import annotations

from collections import Counter

from driftcheck.findings import Finding, Severity
from driftcheck.report.placement import findings_by_status
from driftcheck.report.text import evidence_lines
from driftcheck.result import RunResult

_MARK = {Severity.CRITICAL: "🟥", Severity.HIGH: "🔴", Severity.MEDIUM: "🟠",
         Severity.LOW: "🔵", Severity.INFO: "⚪"}


def _cell(text: object) -> str:
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _evidence(finding: Finding) -> str:
    lines = [f"- `{key}`: {_cell(value)}"
             for key, value in evidence_lines(finding.evidence, finding.related)]
    lines.append(f"- fix: {_cell(finding.fix)}")
    return "\n".join(lines)


def render_markdown(result: RunResult) -> str:
    active = [f for f in result.findings if f.suppression is None]
    counts = Counter(f.severity for f in active)
    summary = ", ".join(f"{counts[s]} {s.value}" for s in sorted(counts, key=lambda s: -s.rank))
    lines = [
        f"## driftcheck: {len(result.environments)} environments · {len(active)} findings"
        + (f" ({summary})" if summary else "")
        + f" · fail-on {result.fail_on.value} → exit {result.exit_code}",
        "",
        "| environment | tier | status | first failing step | findings |",
        "| --- | --- | --- | --- | --- |",
    ]
    for status in result.environments:
        mine = [f for f in active if f.environment == status.name]
        worst = max((f.severity for f in mine), key=lambda s: s.rank, default=None)
        badge = f"{_MARK[worst]} {len(mine)}" if worst else "✅ 0"
        step = status.first_failing_step.value if status.first_failing_step else "–"
        tier = status.tier or ("–" if status.state == "invalid" else "unknown")
        lines.append(f"| {_cell(status.name)} | {tier} | {status.state} | "
                     f"{step} | {badge} |")
    for placed, mine in findings_by_status(result):
        tokens = placed.tokens if placed else ()
        if not mine and not tokens:
            continue
        lines += ["", f"### {_cell(placed.name) if placed else 'other findings'}", ""]
        for verdict in tokens:
            # ✅ only for a step that was judged and passed; – skipped or not judged.
            steps = " · ".join(f"{s.value} {'✅' if r == 'pass' else '❌' if r == 'fail' else '–'}"
                               for s, r in verdict.steps)
            lines += [f"Token `{verdict.name}` → {verdict.for_api or 'IdP'}: {steps}", ""]
        if not mine:
            continue
        lines += ["| severity | rule | component | step | message |",
                  "| --- | --- | --- | --- | --- |"]
        for finding in mine:
            accepted = " (accepted)" if finding.suppression else ""
            group = result.group_of(finding)
            first = " **← first failing step**" if placed and finding == placed.headline \
                and len(mine) > 1 else ""
            cause = "" if group is None else (
                f" *(headline of {len(group.related) + 1} with one cause: {group.kind})*"
                if group.headline == finding else
                f" *(same cause: see {group.headline.rule})*")
            lines.append(f"| {_MARK[finding.severity]} {finding.severity.value}{accepted} | "
                         f"{finding.rule} `{finding.slug}` | `{_cell(finding.component)}` | "
                         f"{finding.step.value} | {_cell(finding.message)}{first}{cause} |")
        lines += ["", "<details><summary>Evidence and fixes</summary>", ""]
        for finding in mine:
            lines += [f"**{finding.rule} {finding.slug}** ({_cell(finding.component)})", "",
                      _evidence(finding), ""]
        lines += ["</details>"]
    return "\n".join(lines) + "\n"
