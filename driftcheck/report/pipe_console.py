"""rich's Console, but a reader that went away is the CLI's to handle.

rich answers a BrokenPipeError with `SystemExit(1)`, which would end `check | head -1` with
the exit code that means "findings"; here the error goes on to `driftcheck.cli.main`, which
ends quietly (driftcheck.closed_output)."""

from __future__ import annotations

import errno
import os

from rich.console import Console


class PipeAwareConsole(Console):
    def on_broken_pipe(self) -> None:
        self.quiet = True  # nothing more is drawn on the way out
        raise BrokenPipeError(errno.EPIPE, os.strerror(errno.EPIPE))
