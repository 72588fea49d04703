"""An artifact that cannot be read: which file, where, what went wrong (DC410)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ArtifactProblem:
    """A path, object or key that cannot be read (DC410)."""

    file: str
    message: str
    line: int | None = None
    column: int | None = None
