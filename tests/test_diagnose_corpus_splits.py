"""The split files of the diagnose corpus (tests/corpus_splits.py): their shape only, never
their accuracy. A held-out split is measured separately (benchmarks/diagnose.py), so these
checks never run `diagnose`."""

from __future__ import annotations

import re

import pytest

from tests.corpus_shape import (
    CORPUS,
    assert_complete_lines,
    assert_large_and_varied,
    assert_new_libraries,
    assert_one_version_per_library,
    rows,
)
from tests.corpus_splits import SPLITS, Split

BY_FILE = pytest.mark.parametrize("split", SPLITS, ids=[s.file for s in SPLITS])
# A whole JWT (three segments) never stands in a message; quoted tokens are cut short.
WHOLE_JWT = re.compile(r"eyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]{5,}")


def earlier_files(split: Split) -> tuple:
    if split.earlier is not None:
        return tuple(CORPUS / name for name in split.earlier)
    return tuple(p for p in sorted(CORPUS.glob("*.jsonl")) if p.name != split.file)


@BY_FILE
def test_every_line_is_complete(split):
    assert_complete_lines(CORPUS / split.file, split.split)


@BY_FILE
def test_split_is_large_and_varied(split):
    assert_large_and_varied(CORPUS / split.file, lines=split.lines,
                            libraries=split.libraries, languages=split.languages)


@BY_FILE
def test_no_library_of_an_earlier_file_reappears(split):
    earlier = earlier_files(split)
    assert earlier
    assert CORPUS / split.file not in earlier
    assert_new_libraries(CORPUS / split.file, earlier, split.aliases)


@BY_FILE
def test_every_library_has_its_aliases_listed(split):
    libraries = {row["library"] for row in rows(CORPUS / split.file)}
    if split.aliases_complete:
        assert libraries == set(split.aliases)
    else:
        assert set(split.aliases) <= libraries


@BY_FILE
def test_each_library_keeps_one_version_language_and_source(split):
    assert_one_version_per_library(CORPUS / split.file)


# (dev-3.jsonl, written before this rule, quotes a made-up three-segment token in one line;
# diagnose redacts such tokens from its output)
@pytest.mark.parametrize("split", [s for s in SPLITS if s.file != "dev-3.jsonl"],
                         ids=[s.file for s in SPLITS if s.file != "dev-3.jsonl"])
def test_no_message_quotes_a_whole_jwt(split):
    assert not [number for number, row in enumerate(rows(CORPUS / split.file), 1)
                if WHOLE_JWT.search(row["message"])]


def test_every_corpus_file_but_the_first_is_a_split():
    assert {p.name for p in CORPUS.glob("*.jsonl")} == {"messages.jsonl",
                                                       *(s.file for s in SPLITS)}
