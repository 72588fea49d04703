"""One exception tree for everything driftcheck raises on purpose.

    DriftcheckError
    ├── UsageError      a bad flag or argument (exit 2)
    ├── ConfigError     an environment file that cannot be used (exit 2)
    ├── CollectError    a source that cannot be read (becomes a DC010 finding, never a traceback)
    └── SnapshotError   a snapshot file that cannot be read (exit 2)

Messages never carry a token, a signature segment, a client secret or key material.
"""


class DriftcheckError(Exception):
    """Base class of every error driftcheck raises deliberately."""


class UsageError(DriftcheckError):
    """A command-line argument or flag is wrong."""


class ConfigError(DriftcheckError):
    """An environment file is unusable; the message names file, key path and expectation."""


class CollectError(DriftcheckError):
    """A remote source could not be read."""


class SnapshotError(DriftcheckError):
    """A snapshot file could not be read or does not match its schema."""
