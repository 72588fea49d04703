"""Where each key path is written in a TOML file, for SARIF and GitHub annotations.

A line scanner, not a parser: it follows `[table]` and `[[array]]` headers and `key = value`
lines (dotted and quoted keys included). Keys inside inline tables and multi-line values get
the line of their parent, which is where a reader would look anyway.
"""

from __future__ import annotations

import re

_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_SIMPLE_KEY = r"""(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')"""
_KEY = re.compile(rf"^\s*({_SIMPLE_KEY}(?:\s*\.\s*{_SIMPLE_KEY})*)\s*=")
_PART = re.compile(r"""[A-Za-z0-9_-]+|"([^"]*)"|'([^']*)'""")


def _parts(dotted: str) -> list[str]:
    return [m.group(1) or m.group(2) or m.group(0) for m in _PART.finditer(dotted)]


def key_lines(text: str) -> dict[str, int]:
    """Key path -> 1-based line of its first appearance."""
    found: dict[str, int] = {}
    table: list[str] = []
    open_brackets = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if open_brackets > 0:  # inside a multi-line array
            open_brackets += line.count("[") - line.count("]")
            continue
        header = _HEADER.match(line)
        if header:
            table = _parts(header.group(1))
            found.setdefault(".".join(table), number)
            continue
        key = _KEY.match(line)
        if key:
            path = ".".join([*table, *_parts(key.group(1))])
            found.setdefault(path, number)
            value = line[key.end():]
            open_brackets = max(0, value.count("[") - value.count("]"))
    return found
