"""Standard output whose reader went away (`driftcheck rules | head -1`).

Python ignores SIGPIPE, so a write to a pipe nobody reads any more raises BrokenPipeError
instead of ending the process. That is not an error of driftcheck's nor of the user's input:
the CLI ends quietly, with the status a program killed by SIGPIPE has in the shell (see
"Note on SIGPIPE" in Python's `signal` documentation, which also advises against restoring
SIG_DFL: a closed socket would then kill the process too).
"""

from __future__ import annotations

import contextlib
import io
import os
import select
import stat
from typing import TextIO

READER_GONE_EXIT = 128 + 13
"""128 + SIGPIPE, what `yes | head -1` leaves in PIPESTATUS for `yes`. Not 0: under
`set -o pipefail` a `check` whose report was cut short must never read as a pass (its
findings went unread); not 1, 2 or 3, which say findings, bad input and nothing checked. It
follows the CLI's other signal ends (SIGTERM 143, Ctrl-C 130)."""


def reader_gone(stream: TextIO) -> bool:
    """Whether `stream` is a pipe or socket whose reader has closed it: only then is a
    BrokenPipeError the reader going away (one from anywhere else is a fault to show)."""
    try:
        fd = stream.fileno()
        mode = os.fstat(fd).st_mode
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        return False  # a replaced stream (tests, an embedding program) has no reader to lose
    if not (stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)):
        return False
    if not hasattr(select, "poll"):  # no poll(): a broken pipe on a pipe is its reader gone
        return True
    poller = select.poll()
    poller.register(fd, select.POLLOUT)
    # A pipe's write end with no reader polls POLLERR; a socket whose peer left, POLLHUP.
    return any(events & (select.POLLERR | select.POLLHUP) for _, events in poller.poll(0))


def discard(stream: TextIO) -> None:
    """Point `stream`'s file descriptor at /dev/null, so that the text still buffered is not
    written again (and fails again, with a message) when the interpreter exits."""
    with contextlib.suppress(OSError, ValueError, io.UnsupportedOperation):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)
