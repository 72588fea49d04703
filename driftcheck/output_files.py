"""Write output files whole or not at all.

A report, snapshot, baseline or starter file is written to a temporary file in the same
folder and renamed into place: a failed or interrupted write (a full disk, a file-size limit,
SIGTERM, Ctrl-C) leaves the previous file as it was, never empty or cut short. Special files
(a FIFO, /dev/stdout, a terminal) are written directly: there is no file to keep whole.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from driftcheck.errors import DriftcheckError


class OutputError(DriftcheckError):
    """An output file could not be written (exit 2); the previous file is unchanged."""


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def write_whole(path: str | Path, text: str, *, mode: int | None = None,
                what: str = "file") -> None:
    """Replace `path` with `text` atomically; `mode` for new files (default 0666 & ~umask,
    or the existing file's mode). Raises OutputError naming the file and the reason."""
    target = Path(path)
    try:
        current = os.stat(target)  # follows a symlink: its target is what gets replaced
    except FileNotFoundError:
        current = None
    except OSError as exc:
        raise OutputError(f"{target}: cannot write the {what}: {exc.strerror}") from None
    if current is not None and not stat.S_ISREG(current.st_mode):
        _write_stream(target, text, what)
        return
    real = Path(os.path.realpath(target))
    try:
        real.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{real.name}.", suffix=".tmp",
                                             dir=real.parent)
    except OSError as exc:
        raise OutputError(f"{target}: cannot write the {what}: {exc.strerror}") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        if mode is None:
            mode = stat.S_IMODE(current.st_mode) if current is not None else 0o666 & ~_umask()
        os.chmod(temporary, mode)
        os.replace(temporary, real)
    except BaseException as exc:  # SIGTERM/Ctrl-C included: the old file stays whole
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(exc, OSError):
            reason = exc.strerror or type(exc).__name__
            raise OutputError(f"{target}: cannot write the {what}: {reason} (the previous "
                              "file, if any, is unchanged)") from None
        raise


def _write_stream(target: Path, text: str, what: str) -> None:
    try:
        with open(target, "w", encoding="utf-8") as stream:
            stream.write(text)
    except OSError as exc:
        raise OutputError(f"{target}: cannot write the {what}: {exc.strerror}") from None
