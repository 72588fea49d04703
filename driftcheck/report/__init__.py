"""Renderers: each turns a RunResult into one output format. They compute no findings."""

from driftcheck.report.console import render_console
from driftcheck.report.json_report import REPORT_VERSION, render_json, report_document

__all__ = ["REPORT_VERSION", "render_console", "render_json", "report_document"]
