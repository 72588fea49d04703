"""Reading a TOML file driftcheck wrote or was handed (baseline, snapshot), with errors that
name the file and what went wrong, raised as the caller's error class."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from driftcheck.errors import DriftcheckError
from driftcheck.safe_files import UnreadableFile, read_regular_text

MAX_TOML_BYTES = 256 * 1024 * 1024
"""Snapshots of many environments with 1 MiB bodies stay well below this."""


def read_toml_file(path: Path, what: str, error: type[DriftcheckError]) -> dict[str, Any]:
    try:
        text = read_regular_text(path, MAX_TOML_BYTES)
    except UnreadableFile as exc:
        if str(exc) == "not found":
            raise error(f"{path}: {what} file not found") from None
        raise error(f"{path}: cannot read the {what}: {exc}") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{path}: invalid TOML: {exc}") from None
    except RecursionError:
        raise error(f"{path}: invalid TOML: nested too deeply") from None
