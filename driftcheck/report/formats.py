"""The output formats of a run's report: one enum, one table, exhaustive dispatch.

`--format` and `--output FORMAT=FILE` take their choices from `OutputFormat`; what a format
is (human or machine, drawn on a terminal or text) and which renderer makes it is said once,
in `format_spec`, whose `match` mypy checks for exhaustiveness (`assert_never`). Renderers are
imported when their format is used, so a command that renders one format does not pay for all.

Adding a format: a member of `OutputFormat`, its case in `format_spec`, a module under
`driftcheck/report/` with a function `RunResult -> str`, and its test.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from enum import StrEnum
from typing import TYPE_CHECKING, NamedTuple, assert_never

if TYPE_CHECKING:
    from rich.console import Console

    from driftcheck.result import RunResult

TextRenderer = Callable[["RunResult"], str]
"""A format made as text: what goes to standard output and to `--output FORMAT=FILE`."""
ConsoleRenderer = Callable[["RunResult", "Console"], None]
"""A format drawn on a rich Console (colour on a terminal)."""


class OutputFormat(StrEnum):
    CONSOLE = "console"
    JSON = "json"
    SARIF = "sarif"
    JUNIT = "junit"
    MARKDOWN = "markdown"
    GITHUB = "github"
    HTML = "html"


class FormatSpec(NamedTuple):
    text: Callable[[], TextRenderer]
    """Imports and returns the renderer that makes this format as text."""
    human: bool
    """A person reads it (or it is XML, which cannot hold control characters): text that
    came from servers and files is escaped in it (report.printable)."""
    draw: Callable[[], ConsoleRenderer] | None = None
    """For a format drawn on a terminal: its Console renderer. On standard output it is
    drawn in colour where wanted, with progress while collecting and the `--matrix` view;
    as a file (`--output`) it is the same report as plain text."""


def format_spec(fmt: OutputFormat) -> FormatSpec:
    match fmt:
        case OutputFormat.CONSOLE:
            return FormatSpec(text=lambda: _console_text, human=True, draw=_console)
        case OutputFormat.JSON:
            return FormatSpec(text=_json, human=False)
        case OutputFormat.SARIF:
            return FormatSpec(text=_sarif, human=False)
        case OutputFormat.JUNIT:
            return FormatSpec(text=_junit, human=True)
        case OutputFormat.MARKDOWN:
            return FormatSpec(text=_markdown, human=True)
        case OutputFormat.GITHUB:
            return FormatSpec(text=_github, human=True)
        case OutputFormat.HTML:
            return FormatSpec(text=_html, human=False)
        case _:
            assert_never(fmt)


def render(result: RunResult, fmt: OutputFormat) -> str:
    """The report in `fmt` as text (a terminal format without colour)."""
    spec = format_spec(fmt)
    return spec.text()(_readable(result, spec))


def draw(result: RunResult, fmt: OutputFormat, console: Console) -> None:
    """Draw the report of a terminal format (`FormatSpec.draw`) on `console`."""
    spec = format_spec(fmt)
    if spec.draw is None:
        raise ValueError(f"the {fmt} format is text, not drawn on a terminal")
    spec.draw()(_readable(result, spec), console)


def _readable(result: RunResult, spec: FormatSpec) -> RunResult:
    if not spec.human:
        return result
    from driftcheck.report.printable import for_humans

    return for_humans(result)


def _console() -> ConsoleRenderer:
    from driftcheck.report.console import render_console

    return render_console


def _console_text(result: RunResult) -> str:
    from driftcheck.report.console import render_console
    from driftcheck.report.terminal import terminal_console

    buffer = io.StringIO()
    render_console(result, terminal_console(buffer, plain=True))
    return buffer.getvalue()


def _json() -> TextRenderer:
    from driftcheck.report.json_report import render_json

    return render_json


def _sarif() -> TextRenderer:
    from driftcheck.report.sarif import render_sarif

    return render_sarif


def _junit() -> TextRenderer:
    from driftcheck.report.junit import render_junit

    return render_junit


def _markdown() -> TextRenderer:
    from driftcheck.report.markdown import render_markdown

    return render_markdown


def _github() -> TextRenderer:
    from driftcheck.report.github import render_github

    return render_github


def _html() -> TextRenderer:
    from driftcheck.report.html import render_html

    return render_html
