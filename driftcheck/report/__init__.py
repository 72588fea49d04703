"""Renderers: each turns a RunResult into one output format. They compute no findings."""

from collections.abc import Callable

from driftcheck.report.console import render_console
from driftcheck.report.github import render_github
from driftcheck.report.json_report import REPORT_VERSION, render_json, report_document
from driftcheck.report.junit import render_junit
from driftcheck.report.markdown import render_markdown
from driftcheck.report.sarif import render_sarif
from driftcheck.run import RunResult

TEXT_RENDERERS: dict[str, Callable[[RunResult], str]] = {
    "json": render_json,
    "sarif": render_sarif,
    "junit": render_junit,
    "markdown": render_markdown,
    "github": render_github,
}

__all__ = ["REPORT_VERSION", "TEXT_RENDERERS", "render_console", "render_json",
           "report_document"]
