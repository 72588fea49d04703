"""One rule registry: complete metadata, `driftcheck rules`, and docs/rules.md in sync."""

from __future__ import annotations

import re
from pathlib import Path

from driftcheck.findings import Step
from driftcheck.report.rule_reference import rules_markdown
from driftcheck.rule_index import INDEX, generated
from driftcheck.rules import all_rules, get_rule

DOCS = Path(__file__).resolve().parent.parent / "docs" / "rules.md"


def test_every_rule_is_fully_described():
    rules = all_rules()
    assert len({r.id for r in rules}) == len(rules)
    for rule in rules:
        assert re.fullmatch(r"DC\d{3}", rule.id)
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.slug)
        assert isinstance(rule.step, Step)
        assert rule.summary.endswith(".")
        assert rule.fix
        assert rule.causes
        assert set(rule.sections) == {"What it does", "Why is this bad?", "Example"}, rule.id


def test_foundation_rules_are_registered():
    ids = {r.id for r in all_rules()}
    assert {"DC001", "DC002", "DC003", "DC010", "DC101", "DC102", "DC103"} <= ids


def test_lookup_by_id_or_slug():
    assert get_rule("dc102") is get_rule("issuer-trailing-slash") is not None
    assert get_rule("DC999") is None


def test_docs_rules_md_is_generated_from_the_registry():
    assert DOCS.read_text(encoding="utf-8") == rules_markdown(), (
        "docs/rules.md is out of date: run `driftcheck rules --markdown > docs/rules.md`"
    )


def test_rule_index_is_generated_from_the_registry():
    assert INDEX.read_text(encoding="utf-8") == generated(), (
        "driftcheck/rule_index.json is out of date: run `python -m driftcheck.rule_index "
        "--write`"
    )


def test_rules_command(cli):
    code, out, _ = cli("rules")
    assert code == 0
    for rule in all_rules():
        assert rule.id in out
        assert rule.slug in out
    code, out, _ = cli("rules", "DC102")
    assert code == 0
    assert out.startswith("DC102 issuer-trailing-slash")
    assert "Why is this bad?" in out
    assert "Likely causes" in out
    assert "Fix" in out
    code, _, err = cli("rules", "DC999")
    assert code == 2
    assert "no rule 'DC999'" in err
