"""Files shipped with driftcheck: JSON Schemas and the example environments.

In a wheel they live under driftcheck/_data/ (see pyproject's force-include); in a source
checkout or an editable install they are read from the repository's top-level folders.
"""

import json
from functools import cache
from pathlib import Path
from typing import Any

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """The folder `name` ("schemas" or "environments") wherever this install keeps it."""
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"driftcheck data folder {name!r} is missing from this install")


@cache
def load_schema(file_name: str) -> dict[str, Any]:
    with (data_dir("schemas") / file_name).open(encoding="utf-8") as fh:
        schema: dict[str, Any] = json.load(fh)
    return schema
