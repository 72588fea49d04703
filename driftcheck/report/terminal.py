"""Where a human report is drawn: a rich Console, in colour only where colour is wanted."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:  # rich is imported on use: `driftcheck --version` starts fast
    from rich.console import Console


def colour_wanted(stream: TextIO, environ: Mapping[str, str] = os.environ) -> bool:
    """Colour as CI systems ask for it: NO_COLOR (any value) turns it off, FORCE_COLOR
    (anything but "0" or empty) turns it on where the output is not a terminal, a terminal
    gets it otherwise (https://no-color.org, https://force-color.org)."""
    if environ.get("NO_COLOR"):
        return False
    if environ.get("FORCE_COLOR", "") not in ("", "0"):
        return True
    return stream.isatty()


def terminal_console(stream: TextIO | None = None, *, plain: bool = False,
                     width: int | None = None) -> Console:
    """Colour where wanted (`colour_wanted`); plain, unwrapped text anywhere else. `width`
    is for layouts that must fit (the matrix) when the output is not a terminal."""
    from driftcheck.report.pipe_console import PipeAwareConsole as Console

    stream = stream or sys.stdout
    fixed = None if stream.isatty() else (width or 120)
    if not plain and colour_wanted(stream):
        return Console(file=stream, highlight=False, force_terminal=True, width=fixed)
    return Console(file=stream, highlight=False, soft_wrap=width is None, color_system=None,
                   force_terminal=False, width=fixed or 120)
