"""`[tokens.NAME]` tables as the token source class of their `source` kind.

The schema enumerates the kinds, so an unknown one is a schema error first; this module
refuses it too (`UnknownTokenSource`), so that no table is ever read as another kind. A key
that belongs to another kind (`command` on a `source = "env"` table) is refused the same way,
by the schema first and here again (`ForeignTokenKey`): it would otherwise be dropped unread.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from typing import Any, assert_never

from driftcheck.models import (
    TOKEN_SOURCE_CLASSES,
    ClientCredentialsSource,
    CommandSource,
    EnvSource,
    FileSource,
    TokenSource,
    TokenSourceBase,
    TokenSourceKind,
)

COMMON_KEYS = ("source", "for_api")
"""Keys every `[tokens.NAME]` table may hold, whatever its kind."""


def own_keys(kind: TokenSourceKind) -> tuple[str, ...]:
    """The keys only `source = kind` reads: its class's own fields (named as in the file)."""
    common = {f.name for f in fields(TokenSourceBase)}
    return tuple(f.name for f in fields(TOKEN_SOURCE_CLASSES[kind]) if f.name not in common)


def key_owner(key: str) -> TokenSourceKind | None:
    """The kind whose own key `key` is (None for a common or unknown key)."""
    return next((kind for kind in TOKEN_SOURCE_CLASSES if key in own_keys(kind)), None)


def foreign_key_message(key: str, kind: TokenSourceKind) -> str:
    """What is said about `key` on a `source = kind` table when another kind owns it (the
    schema's `dependentSchemas` carry the same words; a test keeps them equal)."""
    owner = key_owner(key)
    expected = ", ".join((*own_keys(kind), *COMMON_KEYS))
    return (f'belongs to source = "{owner}", but this token has source = "{kind}" '
            f'(its keys: {expected})')


class ForeignTokenKey(ValueError):
    def __init__(self, name: str, key: str, kind: TokenSourceKind) -> None:
        self.key = f"tokens.{name}.{key}"
        super().__init__(foreign_key_message(key, kind))


class UnknownTokenSource(ValueError):
    def __init__(self, name: str, kind: object) -> None:
        self.key = f"tokens.{name}.source"
        self.kind = str(kind)
        expected = ", ".join(f'"{k}"' for k in TOKEN_SOURCE_CLASSES)
        super().__init__(f"{self.key}: expected one of {expected}, got {kind!r}")


def token_source_kind(name: str, value: object) -> TokenSourceKind:
    """`source = value` of `[tokens.NAME]` as a known kind, else UnknownTokenSource."""
    for kind in TOKEN_SOURCE_CLASSES:
        if kind == value:
            return kind
    raise UnknownTokenSource(name, value)


def token_source(name: str, table: Mapping[str, Any], *, path: str | None,
                 timeout: float | None) -> TokenSource:
    """The source `table` declares (schema-valid). `path` is already resolved against the
    file that named it and `timeout` parsed to seconds (the loader's helpers)."""
    kind = token_source_kind(name, table.get("source"))
    for key in table:
        if key_owner(key) not in (None, kind):
            raise ForeignTokenKey(name, key, kind)
    for_api = table.get("for_api")
    match kind:
        case "client_credentials":
            return ClientCredentialsSource(
                name=name, for_api=for_api, client_id=table["client_id"],
                client_secret_env=table["client_secret_env"],
                auth_method=table.get("auth_method", "client_secret_basic"),
                scope=table.get("scope"), resource=table.get("resource"),
                audience=table.get("audience"))
        case "env":
            return EnvSource(name=name, for_api=for_api, env=table["env"])
        case "file":
            assert path is not None  # required for this kind by the schema
            return FileSource(name=name, for_api=for_api, path=path)
        case "command":
            return CommandSource(name=name, for_api=for_api, command=tuple(table["command"]),
                                 timeout=timeout or 30.0)
        case _:
            assert_never(kind)
