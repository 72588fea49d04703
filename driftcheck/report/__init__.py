"""Renderers: each turns a RunResult into one output format. They compute no findings.

Modules are imported on use (`text_renderer`), so a command that renders one format does not
pay for all of them.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from driftcheck.result import RunResult

_TEXT_RENDERERS = {
    "json": ("driftcheck.report.json_report", "render_json"),
    "sarif": ("driftcheck.report.sarif", "render_sarif"),
    "junit": ("driftcheck.report.junit", "render_junit"),
    "markdown": ("driftcheck.report.markdown", "render_markdown"),
    "github": ("driftcheck.report.github", "render_github"),
    "html": ("driftcheck.report.html", "render_html"),
}


def text_renderer(fmt: str) -> Callable[[RunResult], str]:
    module, name = _TEXT_RENDERERS[fmt]
    renderer: Callable[[RunResult], str] = getattr(import_module(module), name)
    return renderer
