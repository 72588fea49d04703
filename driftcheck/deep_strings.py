"""Apply one function to every string inside a value: JSON data, dataclasses, and anything
nested of them (for redaction and for escaping what humans will read)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import fields, is_dataclass, replace
from enum import Enum
from typing import Any, TypeVar

T = TypeVar("T")


def map_strings(value: T, change: Callable[[str], str]) -> T:
    """`value` with `change` applied to every string (keys included); enums, numbers and
    other values unchanged. Frozen dataclasses are rebuilt with `replace`."""
    return _walk(value, change)  # type: ignore[no-any-return]


def _walk(value: Any, change: Callable[[str], str]) -> Any:
    if isinstance(value, Enum):
        return value
    if isinstance(value, str):
        return change(value)
    if isinstance(value, Mapping):
        return {_walk(k, change): _walk(v, change) for k, v in value.items()}
    if isinstance(value, list):
        return [_walk(item, change) for item in value]
    if isinstance(value, tuple):
        return tuple(_walk(item, change) for item in value)
    if isinstance(value, frozenset | set):
        return type(value)(_walk(item, change) for item in value)
    if is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: _walk(getattr(value, f.name), change) for f in fields(value)
                   if f.init}
        return replace(value, **changes)
    return value
