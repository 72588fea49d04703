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

    @property
    def order(self) -> int:
        return list(Step).index(self)


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

    @property
    def fingerprint(self) -> str:
        """Stable across runs: the same problem in the same place hashes the same."""
        identity = json.dumps(
            [self.rule, self.environment, self.component, self.key_path or "", self.message],
            separators=(",", ":"),
        )
        return hashlib.sha256(identity.encode()).hexdigest()[:16]

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.environment, self.step.order, -self.severity.rank, self.rule, self.component)
