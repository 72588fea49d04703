"""`[tokens.NAME]` tables as the token source class of their `source` kind.

The schema enumerates the kinds, so an unknown one is a schema error first; this module
refuses it too (`UnknownTokenSource`), so that no table is ever read as another kind.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, assert_never

from driftcheck.models import (
    TOKEN_SOURCE_CLASSES,
    ClientCredentialsSource,
    CommandSource,
    EnvSource,
    FileSource,
    TokenSource,
    TokenSourceKind,
)


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
