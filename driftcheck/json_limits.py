"""Limits on JSON from outside: documents nested deeper than any real one are refused, so
that no recursive walk over them (redaction, rules, snapshots) can exhaust the stack."""

from __future__ import annotations

from typing import Any

MAX_DEPTH = 64
"""Discovery documents, JWKS, runtime configs and token claims nest a handful of levels."""


def too_deep(value: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether `value` nests objects/arrays deeper than `limit` (walked without recursion)."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth >= limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False
