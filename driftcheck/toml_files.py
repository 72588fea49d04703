"""Reading a TOML file driftcheck wrote or was handed (baseline, snapshot), with errors that
name the file and what went wrong, raised as the caller's error class."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from driftcheck.errors import DriftcheckError


def read_toml_file(path: Path, what: str, error: type[DriftcheckError]) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise error(f"{path}: {what} file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"{path}: cannot read the {what}: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{path}: invalid TOML: {exc}") from None
