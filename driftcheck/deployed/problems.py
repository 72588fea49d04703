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
    unresolved: bool = False
    """The file is fine, but a value is decided only at deploy time (a CloudFormation
    intrinsic, a Terraform reference with no value given): not compared, not guessed."""
