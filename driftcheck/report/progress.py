"""Progress while collecting, on a terminal only: rich's live display on standard error.

Collection logs each request it completes (logger `driftcheck.collect`); this display counts
those records, so collect knows nothing about presentation. It is never shown when standard
error is not a terminal, for machine formats, or with --verbose (which logs the requests)."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

COLLECT_LOGGER = "driftcheck.collect"


class _Counter(logging.Handler):
    def __init__(self, update: Callable[[int], None]) -> None:
        super().__init__(logging.INFO)
        self.count = 0
        self._update = update

    def emit(self, record: logging.LogRecord) -> None:  # noqa: ARG002 (logging.Handler.emit)
        self.count += 1
        self._update(self.count)


def progress_wanted(terminal: bool, verbose: bool, stream: TextIO | None = None) -> bool:
    """`terminal`: the report is drawn on the terminal (report.formats.FormatSpec.draw)."""
    stream = stream or sys.stderr
    return terminal and not verbose and stream.isatty()


@contextmanager
def collection_progress(enabled: bool, stream: TextIO | None = None) -> Iterator[None]:
    if not enabled:
        yield
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    console = Console(file=stream or sys.stderr)
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                  console=console, transient=True) as progress:
        task = progress.add_task("collecting discovery documents, key sets and tokens",
                                 total=None)

        def update(count: int) -> None:
            progress.update(task, description=f"collecting: {count} response"
                            f"{'s' if count != 1 else ''}")

        handler = _Counter(update)
        logger = logging.getLogger(COLLECT_LOGGER)
        level = logger.level
        logger.addHandler(handler)
        if logger.getEffectiveLevel() > logging.INFO:
            logger.setLevel(logging.INFO)
        try:
            yield
        finally:
            logger.removeHandler(handler)
            logger.setLevel(level)
