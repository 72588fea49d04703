"""JSON with comments and trailing commas (appsettings.json, runtime configs), parsed by
json5, and where a key path is written (json5 does not report positions)."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

import json5

from driftcheck.deployed.files import ArtifactFiles

_JSON5_ERROR = re.compile(r"^<string>:(?P<line>\d+) (?P<message>.*?)(?: at column (?P<col>\d+))?$")


@functools.lru_cache(maxsize=64)
def _parse(text: str) -> Any:
    """json5 is pure Python: each text is parsed once per process (callers do not change
    what it returns)."""
    return json5.loads(text)


def json_key_line(text: str, path: list[str]) -> int | None:
    """The line of a key path in JSON text: each segment's `"name":` searched after the
    previous one (json5 parses; it does not report positions)."""
    position = 0
    for segment in path:
        if segment.isdigit():
            continue
        match = re.compile(r'["\']?' + re.escape(segment) + r'["\']?\s*:', re.IGNORECASE
                           ).search(text, position)
        if match is None:
            return None
        position = match.start()
    return text.count("\n", 0, position) + 1


def read_json_with_comments(files: ArtifactFiles, path: Path) -> tuple[Any, str] | None:
    """A JSON file that may hold comments and trailing commas (as .NET's JSON configuration
    provider accepts), parsed by json5; a syntax error is a problem with line and column."""
    text = files.read_text(path)
    if text is None:
        return None
    try:
        return _parse(text), text
    except ValueError as exc:
        match = _JSON5_ERROR.match(str(exc))
        if match:
            files.problem(path, f"invalid JSON: {match['message']}", int(match["line"]),
                          int(match["col"]) if match["col"] else None)
        else:
            files.problem(path, f"invalid JSON: {exc}")
        return None
    except RecursionError:
        files.problem(path, "invalid JSON: nested too deeply")
        return None
