"""Turn jsonschema errors into one line each: the key path and what was expected."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from driftcheck.resources import load_schema

_JSON_TYPES = {
    "string": "a string",
    "array": "an array",
    "object": "a table",
    "boolean": "true or false",
    "integer": "an integer",
    "number": "a number",
}

# Keys people write where driftcheck insists on indirection (SPEC: secrets never inline).
_INLINE_SECRET_HINTS = {
    "client_secret": "secrets are never inline: name an environment variable with "
    "client_secret_env",
    "secret": "secrets are never inline: use secret_env or secret_file",
    "token": 'tokens are never inline: use source = "env", "file" or "command"',
    "password": "secrets are never inline: name an environment variable instead",
}


@cache
def environment_validator() -> Draft202012Validator:
    return Draft202012Validator(load_schema("environment.schema.json"))


def key_path(parts: Any) -> str:
    path = ""
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path = f"{path}.{part}" if path else str(part)
    return path


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"number {value}"
    if isinstance(value, str):
        return f"string {value!r}"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    return repr(value)


Explained = Iterator[tuple[str, str]]


def _unknown_keys(error: ValidationError, path: str, schema: dict[str, Any]) -> Explained:
    allowed = sorted(schema.get("properties", {}))
    for extra in sorted(set(error.instance) - set(allowed)):
        hint = _INLINE_SECRET_HINTS.get(extra)
        if hint is None:
            close = difflib.get_close_matches(extra, allowed, n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"allowed: {', '.join(allowed)}"
        yield (f"{path}.{extra}" if path else extra), f"unknown key ({hint})"


def _missing_keys(error: ValidationError, path: str, schema: dict[str, Any]) -> Explained:
    properties = schema.get("properties", {})
    for missing in error.validator_value:
        if missing not in error.instance:
            what = properties.get(missing, {}).get("description")
            expected = f": expected {what}" if what else ""
            yield (f"{path}.{missing}" if path else missing), f"missing required key{expected}"


def _wrong_type(error: ValidationError, path: str, _schema: dict[str, Any]) -> Explained:
    expected = _JSON_TYPES.get(str(error.validator_value), str(error.validator_value))
    yield path, f"expected {expected}, got {_describe(error.instance)}"


def _not_an_option(error: ValidationError, path: str, schema: dict[str, Any]) -> Explained:
    options = error.validator_value if error.validator == "enum" else [error.validator_value]
    expected = schema.get("description") or "one of " + ", ".join(repr(o) for o in options)
    hint = ""
    if len(options) > 4 and isinstance(error.instance, str):  # name the closest option
        text = [str(o) for o in options]
        close = [o for o in text if o.startswith(error.instance)] or \
            difflib.get_close_matches(error.instance, text, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
    yield path, f"expected {expected}, got {_describe(error.instance)}{hint}"


def _no_match(error: ValidationError, path: str, schema: dict[str, Any]) -> Explained:
    expected = schema.get("description") or f"a string matching {error.validator_value}"
    yield path, f"expected {expected}, got {_describe(error.instance)}"


def _refused_key(_error: ValidationError, path: str, schema: dict[str, Any]) -> Explained:
    """A key the schema forbids where it is (`{"not": {}}` with the reason as description,
    such as another token source kind's key); the value is never printed back."""
    yield path, schema.get("description") or "not allowed here"


# Bounds: the count, never the value (a 900,000-item array printed back is the attack).
_EXPLAIN: dict[str, Callable[[ValidationError, str, dict[str, Any]], Explained]] = {
    "additionalProperties": _unknown_keys,
    "required": _missing_keys,
    "type": _wrong_type,
    "enum": _not_an_option,
    "const": _not_an_option,
    "pattern": _no_match,
    "not": _refused_key,
    "minLength": lambda _e, path, _s: iter([(path, "expected a non-empty string")]),
    "minItems": lambda e, path, _s: iter(
        [(path, f"expected at least {e.validator_value} item(s)")]),
    "maxItems": lambda e, path, _s: iter(
        [(path, f"expected at most {e.validator_value} items, got {len(e.instance)}")]),
    "maxLength": lambda e, path, _s: iter(
        [(path, f"expected at most {e.validator_value} characters, got {len(e.instance)}")]),
    "maxProperties": lambda e, path, _s: iter(
        [(path, f"expected at most {e.validator_value} entries, got {len(e.instance)}")]),
}
"""How each kind of schema error is said in words; any other kind keeps jsonschema's."""


def explain(error: ValidationError) -> Explained:
    """Yield (key path, message) for one schema error; one error can name several keys."""
    path = key_path(error.absolute_path)
    schema = error.schema if isinstance(error.schema, dict) else {}
    explained = _EXPLAIN.get(str(error.validator))
    if explained is None:
        yield path, error.message
    else:
        yield from explained(error, path, schema)


def schema_problems(document: dict[str, Any]) -> list[tuple[str, str]]:
    """All (key path, message) pairs for `document`, sorted by key path."""
    errors = environment_validator().iter_errors(document)
    found = [item for error in errors for item in explain(error)]
    return sorted(set(found))
