"""The reader's patterns are searched only where their required literals occur
(driftcheck/diagnose/gated.py): the literals are generated, must be necessary for a match,
and must never change a reading."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.diagnose import corpus
from driftcheck.diagnose import diagnose, tables
from driftcheck.diagnose.gated import Gated, gate_key, registered
from driftcheck.diagnose.literals import GATES_FILE, current, literals

PATTERNS = registered()


def test_generated_gates_are_in_sync():
    """Regenerate with `python -m driftcheck.diagnose.generate` after changing a pattern."""
    assert GATES_FILE.read_text(encoding="utf-8") == current()


def test_generated_tables_are_in_sync():
    """_tables.py holds catalogue.toml and families.toml as parsed now (regenerate with
    `python -m driftcheck.diagnose.generate` after editing either)."""
    assert (Path(tables.__file__).with_name("_tables.py").read_text(encoding="utf-8")
            == tables.current())
    for name in tables.SOURCES:
        path = Path(tables.__file__).with_name(name)
        assert tables.load_toml(path) == tomllib.loads(path.read_text(encoding="utf-8"))


def test_a_toml_file_edited_since_generation_is_parsed(tmp_path):
    edited = tmp_path / "families.toml"
    edited.write_text('[[family]]\nlibrary = "x"\n', encoding="utf-8")
    assert tables.load_toml(edited) == {"family": [{"library": "x"}]}


def test_nearly_every_reader_pattern_is_gated():
    from driftcheck.diagnose._gates import GATES

    gated = [p for p in PATTERNS if gate_key(p) in GATES]
    assert len(gated) >= len(PATTERNS) - 2, [p[:60] for p in PATTERNS if p not in gated]


@pytest.mark.parametrize(("pattern", "expected"), [
    ("abc", ("abc",)),
    (r"\bfoo\b|bar", ("bar", "foo")),
    (r"x?yz", ("yz",)),
    (r"(?:ab|cd)e", ("ab", "cd")),       # two 2-character strings beat one of 1
    (r"a.{0,40}bcd", ("bcd",)),
    (r"(?<!no )abc(?= def)", ("abc",)),  # lookarounds match no character
    (r"(?:ab)+c", ("ab",)),
    (r"(?:ab)*c", ("c",)),
    (r"key for|key for alg", ("key for",)),  # a superstring adds nothing
    (r"\d+", None),
    (r"foo|\d", None),                    # one alternative needs no literal
    (r"(?i)foo", None),                   # not matched literally
    (r"x(?i:foo)", ("x",)),               # nor is a group with its own flag
])
def test_required_literals(pattern, expected):
    assert literals(pattern) == expected


@pytest.mark.parametrize("pattern", PATTERNS, ids=[gate_key(p) for p in PATTERNS])
@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(data=st.data())
def test_every_match_holds_a_required_literal(pattern, data):
    """Strings generated to match the pattern always hold one of its literals."""
    required = literals(pattern)
    text = data.draw(st.from_regex(pattern, fullmatch=False))
    if required is not None:
        assert any(literal in text for literal in required), text


def test_gates_never_change_a_diagnosis(monkeypatch):
    messages = [row["message"] for row in corpus()]
    gated = [diagnose(message) for message in messages]
    monkeypatch.setattr(Gated, "_possible", lambda _self, _text: True)
    assert [diagnose(message) for message in messages] == gated
