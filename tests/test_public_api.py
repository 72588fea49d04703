"""The package's public surface is exactly what we mean to support."""

from __future__ import annotations

import driftcheck


def test_exported_names():
    assert sorted(driftcheck.__all__) == [
        "CollectError", "ConfigError", "DriftcheckError", "Finding", "Severity",
        "SnapshotError", "Step", "UsageError", "__version__",
    ]
    for name in driftcheck.__all__:
        assert hasattr(driftcheck, name)


def test_error_tree():
    for name in ("CollectError", "ConfigError", "SnapshotError", "UsageError"):
        assert issubclass(getattr(driftcheck, name), driftcheck.DriftcheckError)


def test_severity_choices_match_the_enum():
    from driftcheck.cli import SEVERITIES
    from driftcheck.findings import Severity

    assert tuple(s.value for s in Severity) == SEVERITIES
