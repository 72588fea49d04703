"""RFC 6901 JSON Pointers, as `runtime_config_map` uses them to find values in a frontend's
runtime configuration."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def resolve_pointer(document: Any, pointer: str) -> tuple[bool, Any]:
    """RFC 6901: (found, value) of `pointer` in `document`."""
    if pointer == "":
        return True, document
    current = document
    for raw in pointer.split("/")[1:]:
        token = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(current, Mapping) and token in current:
            current = current[token]
        elif isinstance(current, list) and token.isdigit() and int(token) < len(current):
            current = current[int(token)]
        else:
            return False, None
    return True, current
