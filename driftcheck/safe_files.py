"""Reading a file a user named: only a regular file, never more than a cap, never blocking.

A path from an environment file or the command line may name a FIFO (opening it blocks until
a writer appears), a device such as /dev/zero (endless), a folder, or a huge file. Each is
refused with a reason instead of hanging the run or exhausting memory. The file is opened
non-blocking and checked on the open descriptor, so nothing can be swapped in between the
check and the read. Every reader of a user-named file goes through here.
"""

from __future__ import annotations

import os
import stat

from driftcheck.errors import DriftcheckError

_CHUNK = 64 * 1024


class UnreadableFile(DriftcheckError):
    """A user-named file that was not read; the message is the reason, without the path
    (the caller names the file and the key that named it)."""


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _open(path: str | os.PathLike[str]) -> int:
    if "\0" in os.fspath(path):
        raise UnreadableFile("the path contains a NUL character")
    try:
        return os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except FileNotFoundError:
        raise UnreadableFile("not found") from None
    except OSError as exc:
        raise UnreadableFile(exc.strerror or "cannot be opened") from None


def read_regular_bytes(path: str | os.PathLike[str], max_bytes: int) -> bytes:
    """The whole content of the regular file `path`, at most `max_bytes` long."""
    fd = _open(path)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableFile(f"{_kind(info.st_mode)}, not a regular file")
        if info.st_size > max_bytes:
            raise UnreadableFile(f"larger than {max_bytes} bytes")
        os.set_blocking(fd, True)
        chunks: list[bytes] = []
        size = 0
        while chunk := os.read(fd, _CHUNK):
            size += len(chunk)
            if size > max_bytes:  # grew since fstat
                raise UnreadableFile(f"larger than {max_bytes} bytes")
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError as exc:
        raise UnreadableFile(exc.strerror or "cannot be read") from None
    finally:
        os.close(fd)


def read_regular_text(path: str | os.PathLike[str], max_bytes: int) -> str:
    """`read_regular_bytes` decoded as UTF-8."""
    try:
        return read_regular_bytes(path, max_bytes).decode("utf-8")
    except UnicodeDecodeError:
        raise UnreadableFile("not UTF-8 text") from None


def check_regular_file(path: str | os.PathLike[str], max_bytes: int) -> None:
    """Raise UnreadableFile unless `path` is a regular file of at most `max_bytes` (for files
    another library opens, such as a CA bundle). A missing file passes: its reader says so."""
    if "\0" in os.fspath(path):
        raise UnreadableFile("the path contains a NUL character")
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise UnreadableFile(exc.strerror or "cannot be read") from None
    if not stat.S_ISREG(info.st_mode):
        raise UnreadableFile(f"{_kind(info.st_mode)}, not a regular file")
    if info.st_size > max_bytes:
        raise UnreadableFile(f"larger than {max_bytes} bytes")
