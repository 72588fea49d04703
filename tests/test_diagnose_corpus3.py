"""The third split of the diagnose corpus (dev-3.jsonl): its shape.

Written by someone who did not tune the reader as a held-out split, measured once and then
moved into dev; its accuracy is checked with the rest of dev in test_diagnose_layers.py."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from driftcheck.findings import Step

CORPUS = Path(__file__).resolve().parent / "diagnose" / "corpus"
DEV_3 = CORPUS / "dev-3.jsonl"
KEYS = {"library", "version", "language", "source", "message", "expected", "split"}
EXPECTED = {step.value for step in Step} | {"vague", "unknown"}

# Other names the split's libraries go by (packages, forks, repositories): none of them may
# be a library of messages.jsonl either.
ALIASES = {
    "drf-jwt": ("djangorestframework-jwt", "django-rest-framework-jwt"),
    "@fastify/jwt": ("fastify-jwt",),
    "@hapi/jwt": ("hapi-jwt",),
    "JWT.NET (jwt-dotnet/jwt)": ("jwt-dotnet", "JWT"),
    "openidconnect (Rust)": ("openidconnect-rs",),
    "msal (Python)": ("microsoft-authentication-library-for-python",),
    "Ktor auth-jwt": ("ktor-server-auth-jwt",),
    "lexik/jwt-authentication-bundle": ("LexikJWTAuthenticationBundle",),
    "tymon/jwt-auth": ("jwt-auth",),
    "appleboy/gin-jwt": ("gin-jwt",),
    "labstack/echo-jwt": ("echo-jwt",),
    "go-chi/jwtauth": ("jwtauth",),
}


def _normal(name: str) -> str:
    """Lower case, letters and digits only, a parenthesised qualifier dropped."""
    return re.sub(r"[^a-z0-9]", "", re.sub(r"\(.*?\)", "", name.lower()))


def _rows(path: Path) -> list[dict[str, str]]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        assert line.strip(), f"{path.name}:{number}: blank line"
        row = json.loads(line)
        assert isinstance(row, dict), f"{path.name}:{number}: not an object"
        rows.append(row)
    return rows


def test_every_line_is_a_complete_dev_message():
    rows = _rows(DEV_3)
    for number, row in enumerate(rows, 1):
        assert set(row) == KEYS, (number, sorted(set(row) ^ KEYS))
        assert all(isinstance(row[key], str) and row[key].strip() for key in KEYS), number
        assert row["split"] == "dev", number
        assert row["expected"] in EXPECTED, (number, row["expected"])


def test_split_is_large_and_varied():
    rows = _rows(DEV_3)
    assert len(rows) >= 200
    assert len({row["library"] for row in rows}) >= 20
    assert len({row["language"] for row in rows}) >= 8
    expected = Counter(row["expected"] for row in rows)
    assert expected["vague"] >= 1
    assert expected["unknown"] >= 1
    assert len({row["message"] for row in rows}) == len(rows), "a message written twice"


def test_no_library_of_the_main_corpus_reappears():
    seen = {_normal(row["library"]) for row in _rows(CORPUS / "messages.jsonl")}
    for library in {row["library"] for row in _rows(DEV_3)}:
        names = (library, *ALIASES.get(library, ()))
        assert not {_normal(name) for name in names} & seen, library


def test_each_library_keeps_one_version_language_and_source():
    details: dict[str, set[tuple[str, str, str]]] = {}
    for row in _rows(DEV_3):
        details.setdefault(row["library"], set()).add(
            (row["version"], row["language"], row["source"]))
    assert all(len(found) == 1 for found in details.values()), details
