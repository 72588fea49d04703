"""Reading artifact files safely: only below the folders the environment file names (after
resolving symlinks), only regular files, only up to a size cap, as UTF-8 text.

Every read of a deployment artifact goes through `ArtifactFiles`, so that one place decides
what may be read (and can be swapped for a shared hardened reader).
"""

from __future__ import annotations

import glob
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from driftcheck.deployed.problems import ArtifactProblem

MAX_ARTIFACT_BYTES = 2 * 1024 * 1024
_GLOB_CHARS = frozenset("*?[")


def shown(path: str | Path) -> str:
    """Relative to the working directory when below it, else absolute (as findings show)."""
    resolved = Path(os.path.abspath(path))  # normalized, symlinks kept as named
    try:
        return str(resolved.relative_to(Path.cwd()))
    except ValueError:
        return str(resolved)


class ArtifactFiles:
    """The files of one component's artifacts, confined to `roots`."""

    def __init__(self, roots: Iterable[str], max_bytes: int = MAX_ARTIFACT_BYTES) -> None:
        self._roots = [Path(r).resolve() for r in roots]
        self._max_bytes = max_bytes
        self.problems: list[ArtifactProblem] = []

    def problem(self, file: str | Path, message: str, line: int | None = None,
                column: int | None = None, *, unresolved: bool = False) -> None:
        self.problems.append(ArtifactProblem(shown(file), message, line, column, unresolved))

    def expand(self, patterns: Iterable[str], *, required: bool = True) -> list[Path]:
        """The files the patterns name, in the order given (a glob's matches sorted), each
        once. A pattern that names nothing is a problem when `required`."""
        found: dict[Path, Path] = {}
        for pattern in patterns:
            if _GLOB_CHARS & set(pattern):
                matches = [Path(m) for m in sorted(glob.glob(pattern, recursive=True))
                           if Path(m).is_file()]
                if not matches and required:
                    self.problem(pattern, "the pattern matches no file")
            else:
                matches = [Path(pattern)]
                if not Path(pattern).exists() and required:
                    self.problem(pattern, "file not found")
                    matches = []
            for match in matches:
                found.setdefault(match.resolve(), match)
        return list(found.values())

    def read_text(self, path: Path) -> str | None:
        """The file's text, or None with a problem recorded (outside the named folders,
        not a regular file, too large, not UTF-8)."""
        try:
            real = path.resolve(strict=True)
        except (OSError, RuntimeError):
            self.problem(path, "file not found")
            return None
        if not any(real == root or root in real.parents for root in self._roots):
            self.problem(path, "resolves outside the folders the environment file names "
                         f"({real}); not read")
            return None
        try:
            info = real.stat()
            if not stat.S_ISREG(info.st_mode):
                self.problem(path, "not a regular file; not read")
                return None
            if info.st_size > self._max_bytes:
                self.problem(path, f"larger than {self._max_bytes} bytes; not read")
                return None
            data = real.read_bytes()[: self._max_bytes + 1]
        except OSError as exc:
            self.problem(path, f"cannot read file: {exc.strerror}")
            return None
        try:
            # utf-8-sig: Visual Studio writes appsettings.json with a byte-order mark.
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            self.problem(path, f"not UTF-8 text (byte {exc.start})")
            return None
