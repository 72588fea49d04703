"""The fourth held-out split of the diagnose corpus: its shape only, never its accuracy.

The split was written by someone who neither tuned nor read the reader and is measured
separately, so this test must not run `diagnose` on it."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from driftcheck.findings import Step

CORPUS = Path(__file__).resolve().parent / "diagnose" / "corpus"
HELD_OUT_4 = CORPUS / "held-out-4.jsonl"
EARLIER = (CORPUS / "messages.jsonl", CORPUS / "dev-3.jsonl")  # the third split, now dev
KEYS = {"library", "version", "language", "source", "message", "expected", "split"}
EXPECTED = {step.value for step in Step} | {"vague", "unknown"}

# Other names the split's libraries go by (packages, repositories, former names): none of
# them may be a library of an earlier split either.
ALIASES = {
    "keycloak-connect": ("keycloak-nodejs-connect",),
    "@cfworker/jwt": ("cfworker-jwt",),
    "@tsndr/cloudflare-worker-jwt": ("cloudflare-worker-jwt",),
    "@feathersjs/authentication": ("feathers-authentication",),
    "@loopback/authentication-jwt": ("loopback-authentication-jwt",),
    "next-auth": ("Auth.js", "@auth/core"),
    "Flask-JWT": ("flask_jwt",),
    "litestar": ("starlite",),
    "fastapi-jwt-auth": ("fastapi_jwt_auth",),
    "django-oauth-toolkit": ("oauth2_provider",),
    "Apache APISIX jwt-auth plugin": ("APISIX", "apisix jwt-auth"),
    "league/oauth2-server": ("oauth2-server",),
    "jwt-authorizer": ("cduvray/jwt-authorizer",),
    "Micronaut Security (security-jwt)": ("micronaut-security-jwt",),
    "Doorkeeper": ("doorkeeper-gem",),
    "IdentityModel.AspNetCore.OAuth2Introspection": (
        "Duende.AspNetCore.Authentication.OAuth2Introspection",
    ),
    "pomerium/sdk-go": ("Pomerium",),
    "Quarkus OIDC": ("quarkus-oidc",),
    "Laravel Passport": ("laravel/passport",),
    "Grafana JWT authentication": ("Grafana",),
    "ory/fosite": ("fosite",),
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


def test_every_line_is_a_complete_held_out_message():
    rows = _rows(HELD_OUT_4)
    for number, row in enumerate(rows, 1):
        assert set(row) == KEYS, (number, sorted(set(row) ^ KEYS))
        assert all(isinstance(row[key], str) and row[key].strip() for key in KEYS), number
        assert row["split"] == "held-out", number
        assert row["expected"] in EXPECTED, (number, row["expected"])


def test_split_is_large_and_varied():
    rows = _rows(HELD_OUT_4)
    assert len(rows) >= 150
    assert len({row["library"] for row in rows}) >= 18
    assert len({row["language"] for row in rows}) >= 7
    expected = Counter(row["expected"] for row in rows)
    assert expected["vague"] >= 1
    assert expected["unknown"] >= 1
    assert len({row["message"] for row in rows}) == len(rows), "a message written twice"


def test_no_library_of_an_earlier_split_reappears():
    seen = {_normal(row["library"]) for path in EARLIER for row in _rows(path)}
    for library in {row["library"] for row in _rows(HELD_OUT_4)}:
        names = (library, *ALIASES.get(library, ()))
        assert not {_normal(name) for name in names} & seen, library


def test_every_library_has_its_aliases_listed():
    assert {row["library"] for row in _rows(HELD_OUT_4)} == set(ALIASES)


def test_each_library_keeps_one_version_language_and_source():
    details: dict[str, set[tuple[str, str, str]]] = {}
    for row in _rows(HELD_OUT_4):
        details.setdefault(row["library"], set()).add(
            (row["version"], row["language"], row["source"]))
    assert all(len(found) == 1 for found in details.values()), details
