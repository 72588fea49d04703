"""driftcheck: catch JWT/OIDC configuration drift between deployment environments.

The package follows the data flow it implements:

    load (TOML + JSON Schema) -> collect (async HTTP) -> rules (pure) -> report (renderers)
"""

from driftcheck._version import __version__
from driftcheck.errors import (
    CollectError,
    ConfigError,
    DriftcheckError,
    SnapshotError,
    UsageError,
)
from driftcheck.findings import Finding, Severity, Step

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
