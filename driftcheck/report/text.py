"""Evidence values as text a person reads: no Python reprs in any human format."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def value_text(value: Any) -> str:
    """Lists as comma-separated items (semicolons between tables), tables as `key: value`
    pairs, booleans as yes/no, None as a dash."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Mapping):
        return ", ".join(f"{k}: {value_text(v)}" for k, v in value.items() if v is not None)
    if isinstance(value, list | tuple | set | frozenset):
        items = list(value)
        if not items:
            return "none"
        separator = "; " if any(isinstance(i, Mapping | list | tuple) for i in items) else ", "
        return separator.join(value_text(i) for i in items)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def evidence_lines(evidence: Mapping[str, Any],
                   related: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """(key, text) of each evidence entry to show; a `*_marked` value (the difference marked
    with brackets) replaces its plain one; `related` environments come last."""
    shown = dict(evidence)
    for key in [k for k in shown if k.endswith("_marked")]:
        shown[key[: -len("_marked")]] = shown.pop(key)
    lines = [(key, value_text(value)) for key, value in shown.items() if value is not None]
    if related:
        lines.append(("related", ", ".join(related)))
    return lines
