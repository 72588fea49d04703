"""Secrets where they do not belong: `${...}` in keys whose value names where a secret lives
(`client_secret_env = "NAME"`), and credentials inside URLs.

Such a key holds a variable's *name*. Written as `"${NAME}"` it would hold the secret itself
after substitution, and every message that names the variable would print it. So a `${...}`
reference there is refused before substitution, and the message shows the key, never a value.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from driftcheck.urls import has_userinfo

# (table, key): the key of every entry of the table names an environment variable.
SECRET_NAMING_KEYS = (
    ("tokens", "client_secret_env"),
    ("tokens", "env"),
    ("apis", "secret_env"),
    ("gateways", "secret_env"),
)


def substituted_secret_names(document: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """(key path, message) for each secret-naming key written with a `${...}` reference."""
    for table, key in SECRET_NAMING_KEYS:
        entries = document.get(table)
        if not isinstance(entries, Mapping):
            continue
        for name, entry in entries.items():
            value = entry.get(key) if isinstance(entry, Mapping) else None
            if isinstance(value, str) and "${" in value:
                yield (f"{table}.{name}.{key}",
                       "expected the NAME of an environment variable (such as "
                       "\"STAGING_PROBE_SECRET\"), not a ${...} reference: substituted, it would "
                       "hold the secret itself (its value is not shown)")


def credentials_in_urls(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """(key path, message) for each http(s) URL that carries user information: a password
    in a URL would be sent, logged and printed with it. The URL itself is not shown."""
    if isinstance(value, str):
        if value.lower().startswith(("http://", "https://")) and has_userinfo(value):
            yield path, ("expected a URL without user information (user:password@): "
                         "credentials do not belong in URLs (the value is not shown)")
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from credentials_in_urls(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from credentials_in_urls(item, f"{path}[{index}]")
