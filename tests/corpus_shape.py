"""Shape checks shared by the corpus split files' tests (tests/test_diagnose_corpus*.py):
complete lines, size and variety, whole libraries new to the corpus, one version each.
They read the files only; none runs `diagnose`."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path

from driftcheck.findings import Step

CORPUS = Path(__file__).resolve().parent / "diagnose" / "corpus"
KEYS = {"library", "version", "language", "source", "message", "expected", "split"}
EXPECTED = {step.value for step in Step} | {"vague", "unknown"}


def normal(name: str) -> str:
    """Lower case, letters and digits only, a parenthesised qualifier dropped."""
    return re.sub(r"[^a-z0-9]", "", re.sub(r"\(.*?\)", "", name.lower()))


def rows(path: Path) -> list[dict[str, str]]:
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        assert line.strip(), f"{path.name}:{number}: blank line"
        row = json.loads(line)
        assert isinstance(row, dict), f"{path.name}:{number}: not an object"
        found.append(row)
    return found


def assert_complete_lines(path: Path, split: str) -> None:
    for number, row in enumerate(rows(path), 1):
        assert set(row) == KEYS, (number, sorted(set(row) ^ KEYS))
        assert all(isinstance(row[key], str) and row[key].strip() for key in KEYS), number
        assert row["split"] == split, number
        assert row["expected"] in EXPECTED, (number, row["expected"])


def assert_large_and_varied(path: Path, *, lines: int, libraries: int, languages: int) -> None:
    found = rows(path)
    assert len(found) >= lines
    assert len({row["library"] for row in found}) >= libraries
    assert len({row["language"] for row in found}) >= languages
    expected = Counter(row["expected"] for row in found)
    assert expected["vague"] >= 1
    assert expected["unknown"] >= 1
    assert len({row["message"] for row in found}) == len(found), "a message written twice"


def assert_new_libraries(path: Path, earlier: Iterable[Path],
                         aliases: Mapping[str, tuple[str, ...]]) -> None:
    """No library of `path`, by name or alias, is a library of an earlier file."""
    seen = {normal(row["library"]) for earlier_path in earlier for row in rows(earlier_path)}
    for library in {row["library"] for row in rows(path)}:
        names = (library, *aliases.get(library, ()))
        assert not {normal(name) for name in names} & seen, library


def assert_one_version_per_library(path: Path) -> None:
    details: dict[str, set[tuple[str, str, str]]] = {}
    for row in rows(path):
        details.setdefault(row["library"], set()).add(
            (row["version"], row["language"], row["source"]))
    assert all(len(found) == 1 for found in details.values()), details
