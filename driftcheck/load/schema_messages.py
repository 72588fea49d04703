"""Turn jsonschema errors into one line each: the key path and what was expected."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
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


def explain(error: ValidationError) -> Iterator[tuple[str, str]]:
    """Yield (key path, message) for one schema error; one error can name several keys."""
    path = key_path(error.absolute_path)
    schema = error.schema if isinstance(error.schema, dict) else {}
    description = schema.get("description")
    kind = error.validator
    if kind == "additionalProperties":
        allowed = sorted(schema.get("properties", {}))
        for extra in sorted(set(error.instance) - set(allowed)):
            hint = _INLINE_SECRET_HINTS.get(extra)
            if hint is None:
                close = difflib.get_close_matches(extra, allowed, n=1)
                hint = f"did you mean {close[0]!r}?" if close else f"allowed: {', '.join(allowed)}"
            yield (f"{path}.{extra}" if path else extra), f"unknown key ({hint})"
    elif kind == "required":
        properties = schema.get("properties", {})
        for missing in error.validator_value:
            if missing not in error.instance:
                what = properties.get(missing, {}).get("description")
                expected = f": expected {what}" if what else ""
                yield (f"{path}.{missing}" if path else missing), f"missing required key{expected}"
    elif kind == "type":
        expected = _JSON_TYPES.get(str(error.validator_value), str(error.validator_value))
        yield path, f"expected {expected}, got {_describe(error.instance)}"
    elif kind in ("enum", "const"):
        options = error.validator_value if kind == "enum" else [error.validator_value]
        expected = description or "one of " + ", ".join(repr(o) for o in options)
        hint = ""
        if len(options) > 4 and isinstance(error.instance, str):  # name the closest option
            text = [str(o) for o in options]
            close = [o for o in text if o.startswith(error.instance)] or \
                difflib.get_close_matches(error.instance, text, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
        yield path, f"expected {expected}, got {_describe(error.instance)}{hint}"
    elif kind == "pattern":
        expected = description or f"a string matching {error.validator_value}"
        yield path, f"expected {expected}, got {_describe(error.instance)}"
    elif kind == "minLength":
        yield path, "expected a non-empty string"
    elif kind == "minItems":
        yield path, f"expected at least {error.validator_value} item(s)"
    # Bounds: the count, never the value (a 900,000-item array printed back is the attack).
    elif kind == "maxItems":
        yield path, f"expected at most {error.validator_value} items, got {len(error.instance)}"
    elif kind == "maxLength":
        yield path, (f"expected at most {error.validator_value} characters, got "
                     f"{len(error.instance)}")
    elif kind == "maxProperties":
        yield path, f"expected at most {error.validator_value} entries, got {len(error.instance)}"
    else:
        yield path, error.message


def schema_problems(document: dict[str, Any]) -> list[tuple[str, str]]:
    """All (key path, message) pairs for `document`, sorted by key path."""
    errors = environment_validator().iter_errors(document)
    found = [item for error in errors for item in explain(error)]
    return sorted(set(found))
