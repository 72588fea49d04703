"""The Finding record passed from rules to policy to renderers, and its vocabularies."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return _SEVERITY_ORDER.index(self)

    def raised(self, levels: int = 1) -> Severity:
        return _SEVERITY_ORDER[min(self.rank + levels, len(_SEVERITY_ORDER) - 1)]


_SEVERITY_ORDER = list(Severity)


class Step(StrEnum):
    """Where in the checklist a finding belongs (SPEC.md's fixed vocabulary).

    Declaration order is report order: configuration and collection first, then the token
    validation steps in the order a validator runs them, then cross-cutting checks.
    """

    CONFIG = "config"
    FETCH = "fetch"
    DISCOVERY = "discovery"
    JWKS = "jwks"
    CLOCK = "clock"
    PARSE = "parse"
    ALGORITHM = "algorithm"
    KEY = "key"
    SIGNATURE = "signature"
    TIME = "time"
    ISSUER = "issuer"
    AUDIENCE = "audience"
    CLAIMS = "claims"
    TOKEN_TYPE = "token-type"
    CONSISTENCY = "consistency"
    ISOLATION = "isolation"
    DRIFT = "drift"
    DEPLOYED = "deployed"
    PROBE = "probe"

    @property
    def order(self) -> int:
        return list(Step).index(self)


@dataclass(frozen=True)
class Suppression:
    """A finding accepted in a baseline file: shown, but not counted for the exit code."""

    reason: str
    expires: str
    """ISO date or time the acceptance ends."""


@dataclass(frozen=True)
class Finding:
    """One problem found in one environment.

    `message` is one sentence with the expected and the actual value; `evidence` holds claims,
    URLs, kids and thumbprints (never a secret); `related` names other environments involved.
    """

    rule: str
    slug: str
    severity: Severity
    environment: str
    component: str
    step: Step
    message: str
    fix: str
    evidence: Mapping[str, Any] = field(default_factory=dict)
    related: tuple[str, ...] = ()
    file: str | None = None
    key_path: str | None = None
    subject: str | None = None
    """What the finding is about when a rule reports several per place (a kid, a URL, a
    field). With rule, environment, component and key path it makes the fingerprint."""
    line: int | None = None
    """The line of `key_path` in `file`, when known."""
    column: int | None = None
    """The column in `line`, when known (a parse error in a deployed artifact)."""
    suppression: Suppression | None = None
    validator_accepts: bool = False
    """The step is lenient here: the API's validator accepts the token anyway (it does not
    check `exp`, say). The token's step then passes, and the finding says why it matters."""

    @property
    def fingerprint(self) -> str:
        """Stable across runs: the same problem in the same place hashes the same, whatever
        the message says about times, offsets or token fingerprints."""
        identity = json.dumps(
            [self.rule, self.environment, self.component, self.key_path or "",
             self.subject or ""],
            separators=(",", ":"),
        )
        return hashlib.sha256(identity.encode()).hexdigest()[:16]

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.environment, self.step.order, -self.severity.rank, self.rule, self.component)
