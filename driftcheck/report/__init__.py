"""Renderers: each turns a RunResult into one output format. They compute no findings.

The formats and which renderer makes each are one table: `driftcheck.report.formats`.
"""
