"""What a human format may print of text that came from servers and files.

An issuer, a message or a kid can hold control characters: an ANSI/OSC escape sequence
(`ESC ]0;title BEL` sets the window title, `ESC [2J` clears the screen), a carriage return
that overwrites the line before it, or a bidirectional override that makes text read other
than it is. Human formats show them as visible escapes (`\\x1b`); machine formats keep the
exact value (JSON escapes it by itself).
"""

from __future__ import annotations

import logging
import re
from typing import TypeVar

from driftcheck.deep_strings import map_strings

T = TypeVar("T")

# C0 and C1 controls except TAB and LF, DEL, and the bidirectional controls (Unicode
# "Trojan Source" characters: LRM/RLM, ALM, LRE..RLO, LRI..PDI).
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e"
                          "\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """`text` with every control character shown as an escape instead of acting."""
    return _UNPRINTABLE.sub(_escape, text)


def for_humans(value: T) -> T:
    """A result (or any value) whose strings are safe to print on a terminal or in Markdown."""
    return map_strings(value, visible)


class VisibleFormatter(logging.Formatter):
    """Log lines (`--verbose`) name URLs that servers chose: escape what they hold."""

    def format(self, record: logging.LogRecord) -> str:
        return visible(super().format(record))
