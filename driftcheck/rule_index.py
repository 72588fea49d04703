"""`driftcheck rules` without importing the rules: a generated index of their metadata.

Importing every rule module (and what they import) costs a quarter of a second; listing the
rules should not. `rule_index.json` beside this module is generated from the registry by
`python -m driftcheck.rule_index --write`, and tests/test_rules_registry.py fails when it
differs from what the registry says.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

INDEX = Path(__file__).with_name("rule_index.json")
FIELDS = ("id", "slug", "severity", "step", "summary")


def generated() -> str:
    """The index as the registry describes it now (imports every rule)."""
    from driftcheck.rules import all_rules

    rows = [{"id": r.id, "slug": r.slug, "severity": r.severity.value, "step": r.step.value,
             "summary": r.summary, "causes": list(r.causes), "fix": r.fix} for r in all_rules()]
    return json.dumps(rows, indent=1, ensure_ascii=False) + "\n"


def rule_slugs() -> dict[str, str]:
    """Rule ID -> slug, from the index."""
    entries = json.loads(INDEX.read_text(encoding="utf-8"))
    return {entry["id"]: entry["slug"] for entry in entries}


def table_text() -> str:
    """The rule list as aligned plain text, from the index."""
    entries = json.loads(INDEX.read_text(encoding="utf-8"))
    rows = [("ID", "slug", "severity", "step", "summary")] + [
        tuple(entry[f] for f in FIELDS) for entry in entries]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    return "".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row[:4], widths, strict=True))
        + "  " + row[4] + "\n"
        for row in rows)


if __name__ == "__main__":
    if sys.argv[1:] == ["--write"]:
        INDEX.write_text(generated(), encoding="utf-8")
    else:
        sys.stdout.write(generated())
