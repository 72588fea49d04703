"""SARIF 2.1.0 validation for the tests: the official OASIS schema (tests/schemas) with
jsonschema's FormatChecker, so values the schema types as `uri` (helpUri, $schema) or
`uri-reference` (artifact locations) are checked too, not only the document's shape."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest

SCHEMA_FILE = Path(__file__).parent / "schemas" / "sarif-schema-2.1.0.json"
URI_FORMATS = {"uri", "uri-reference"}


@cache
def _validator() -> Any:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    checker = jsonschema.FormatChecker()
    if missing := URI_FORMATS - set(checker.checkers):
        # jsonschema skips a format whose checker library is missing: fail, never pass blind.
        pytest.fail(f"jsonschema cannot check {sorted(missing)}: install the test extra "
                    "(rfc3986-validator)", pytrace=False)
    return jsonschema.validators.validator_for(schema)(schema, format_checker=checker)


def sarif_errors(document: Any) -> list[str]:
    """Every schema or format violation, as `path: message`."""
    return [f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
            for error in _validator().iter_errors(document)]


def validate_sarif(document: Any) -> None:
    errors = sarif_errors(document)
    assert errors == [], "\n".join(errors)
