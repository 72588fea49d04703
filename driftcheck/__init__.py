"""driftcheck: catch JWT/OIDC configuration drift between deployment environments.

The package follows the data flow it implements:

    load (TOML + JSON Schema) -> collect (async HTTP) -> rules (pure) -> report (renderers)

Public names are imported on first use (PEP 562), so that `driftcheck --version` does not
pay for the whole package.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from driftcheck._version import __version__

if TYPE_CHECKING:
    from driftcheck.errors import (
        CollectError,
        ConfigError,
        DriftcheckError,
        SnapshotError,
        UsageError,
    )
    from driftcheck.findings import Finding, Severity, Step

_LOCATIONS = {
    "CollectError": "driftcheck.errors",
    "ConfigError": "driftcheck.errors",
    "DriftcheckError": "driftcheck.errors",
    "SnapshotError": "driftcheck.errors",
    "UsageError": "driftcheck.errors",
    "Finding": "driftcheck.findings",
    "Severity": "driftcheck.findings",
    "Step": "driftcheck.findings",
}

__all__ = [
    "CollectError",
    "ConfigError",
    "DriftcheckError",
    "Finding",
    "Severity",
    "SnapshotError",
    "Step",
    "UsageError",
    "__version__",
]


def __getattr__(name: str) -> Any:
    if name in _LOCATIONS:
        return getattr(import_module(_LOCATIONS[name]), name)
    raise AttributeError(f"module 'driftcheck' has no attribute {name!r}")
