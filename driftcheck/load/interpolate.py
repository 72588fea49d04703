"""`${NAME}` and `${NAME:-default}` in string values; `$${` stands for a literal `${`."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

_REFERENCE = re.compile(r"\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


def interpolate(
    value: Any,
    env: Mapping[str, str],
    on_missing: Callable[[str, str], None],
    path: str = "",
) -> Any:
    """Return `value` with references replaced; report each unresolved one as (key path, name).

    Substituted text is not scanned again, so a variable that contains `${...}` cannot loop.
    """
    if isinstance(value, str):
        return _replace(value, env, lambda name: on_missing(path, name))
    if isinstance(value, dict):
        return {
            key: interpolate(item, env, on_missing, f"{path}.{key}" if path else key)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [interpolate(item, env, on_missing, f"{path}[{i}]") for i, item in enumerate(value)]
    return value


def _replace(text: str, env: Mapping[str, str], missing: Callable[[str], None]) -> str:
    def substitute(match: re.Match[str]) -> str:
        if match.group(0) == "$${":
            return "${"
        name, default = match.group(1), match.group(2)
        if name in env:
            return env[name]
        if default is not None:
            return default
        missing(name)
        return match.group(0)

    return _REFERENCE.sub(substitute, text)
