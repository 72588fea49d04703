"""Durations as written in environment files: "90s", "10m", "24h", "1h30m", "500ms", "2d"."""

import re
from datetime import UTC, datetime

_PART = re.compile(r"(\d+)(ms|s|m|h|d)")
_WHOLE = re.compile(r"^(?:\d+(?:ms|s|m|h|d))+$")
_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}

MAX_DURATION = 36500 * 86400.0
"""A hundred years: longer is a typo, and would overflow date arithmetic."""
DURATION_HINT = 'a duration such as "90s", "10m", "24h" or "1h30m"'


def parse_duration(text: str) -> float:
    """Return the duration in seconds; raise ValueError naming the expected form."""
    if not _WHOLE.match(text):
        raise ValueError(f"expected {DURATION_HINT}, got {text!r}")
    try:
        seconds = sum(int(n) * _UNIT_SECONDS[unit] for n, unit in _PART.findall(text))
    except OverflowError:  # hundreds of digits: no float holds it
        seconds = float("inf")
    if seconds > MAX_DURATION:
        raise ValueError(f"expected {DURATION_HINT} of at most 36500d, got {text[:40]!r}"
                         + ("…" if len(text) > 40 else ""))
    return seconds


def format_seconds(seconds: float) -> str:
    """Short human form: 45 s, 2 min 29 s, 10 min, 2 h 5 min, 3 d."""
    seconds = abs(seconds)
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 3600:
        minutes, rest = divmod(round(seconds), 60)
        return f"{minutes} min {rest} s" if rest else f"{minutes} min"
    if seconds < 172800:
        hours, rest = divmod(int(seconds), 3600)
        return f"{hours} h {rest // 60} min" if rest >= 60 else f"{hours} h"
    return f"{seconds / 86400:.0f} d"


def describe_instant(timestamp: float, now: float) -> str:
    """"2026-11-28 22:30:00 UTC (3 min 5 s ago)" — absolute and relative."""
    try:
        absolute = datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    except (OverflowError, OSError, ValueError):
        absolute = f"{timestamp:.0f} (out of range as a date)"
    delta = timestamp - now
    if abs(delta) < 1:
        return f"{absolute} (now)"
    relative = f"in {format_seconds(delta)}" if delta > 0 else f"{format_seconds(delta)} ago"
    return f"{absolute} ({relative})"


def seconds_text(value: float | None) -> str:
    """format_seconds, with 0 as "0 s" and None (keys never fetched) said in words."""
    if value is None:
        return "never fetched"
    return "0 s" if value == 0 else format_seconds(value)
