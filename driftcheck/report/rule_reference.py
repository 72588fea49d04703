"""The rule reference, generated from the registry: `driftcheck rules` and docs/rules.md."""

from __future__ import annotations

from typing import TYPE_CHECKING

from driftcheck.rules import Rule, all_rules

_HEADER = """# driftcheck rule reference

<!-- Generated from the rule registry by `driftcheck rules --markdown`; do not edit by hand.
     tests/test_rule_docs.py fails when this file is out of date. -->

Rule IDs are stable: rules are added, never renumbered. Each finding names its rule, the
checklist step it belongs to, the expected and the actual value, and the fix.

| ID | slug | default severity | step | summary |
| --- | --- | --- | --- | --- |
"""


def anchor(rule: Rule) -> str:
    return f"{rule.id.lower()}-{rule.slug}"


def rules_markdown() -> str:
    from driftcheck.profiles.reference import aspect_table_markdown
    rules = all_rules()
    lines = [_HEADER.rstrip("\n")]
    for rule in rules:
        lines.append(
            f"| [{rule.id}](#{anchor(rule)}) | `{rule.slug}` | {rule.severity.value} | "
            f"{rule.step.value} | {rule.summary} |"
        )
    for rule in rules:
        sections = rule.sections
        lines += [
            "",
            f"## {rule.id} {rule.slug}",
            "",
            f"**Severity:** {rule.severity.value} · **Step:** {rule.step.value} · "
            f"**Needs the network:** {'yes' if rule.needs_network else 'no'}",
            "",
            rule.summary,
        ]
        for title in ("What it does", "Why is this bad?"):
            if title in sections:
                lines += ["", f"### {title}", "", sections[title]]
        lines += ["", "### Likely causes", ""] + [f"- {cause}" for cause in rule.causes]
        lines += ["", "### Fix", "", rule.fix]
        if "Example" in sections:
            lines += ["", "### Example", "", sections["Example"]]
        behaviour = aspect_table_markdown(rule.id)
        if behaviour:
            lines += ["", "### How validators behave", "",
                      "The validator profile of each API decides the outcome "
                      "([docs/profiles.md](profiles.md)):", "", *behaviour]
    return "\n".join(lines) + "\n"


if TYPE_CHECKING:
    from rich.console import Console


def print_rule(console: Console, rule: Rule) -> None:
    from rich.text import Text

    from driftcheck.profiles.reference import aspect_table_text

    title = Text(f"{rule.id} {rule.slug}", style="bold")
    title.append(f"  ({rule.severity.value}, step {rule.step.value})", style="dim")
    console.print(title)
    console.print(Text(rule.summary))
    sections = rule.sections
    for heading in ("What it does", "Why is this bad?"):
        if heading in sections:
            console.print()
            console.print(Text(heading, style="bold"))
            console.print(Text(sections[heading]))
    console.print()
    console.print(Text("Likely causes", style="bold"))
    for cause in rule.causes:
        console.print(Text(f"- {cause}"))
    console.print()
    console.print(Text("Fix", style="bold"))
    console.print(Text(rule.fix))
    if "Example" in sections:
        console.print()
        console.print(Text("Example", style="bold"))
        console.print(Text(sections["Example"]))
    behaviour = aspect_table_text(rule.id)
    if behaviour:
        console.print()
        console.print(Text("How validators behave (driftcheck profiles NAME)", style="bold"))
        console.print(Text(behaviour.rstrip("\n")))
