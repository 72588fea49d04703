"""What a deployed-configuration reader is and what it yields.

A reader declares the `kind`s it reads and turns the artifacts a `DeployedRef` names into a
`Reading`: effective settings, each with the place that set it (file and line) or the
framework default that applies (and its source), the checks the deployment switches off, and
what could not be read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from driftcheck.deployed.files import ArtifactFiles
from driftcheck.deployed.problems import ArtifactProblem
from driftcheck.models import DeployedRef

SettingValue = str | float | bool | tuple[str, ...]


@dataclass(frozen=True)
class Origin:
    """Where a deployed value comes from: a file and line, or a framework default."""

    file: str | None = None
    line: int | None = None
    default: str | None = None
    """For a default: its source ("Spring Boot OAuth2ResourceServerProperties.Jwt")."""
    detail: str | None = None
    """The key or variable that set it ("spring.security.oauth2.resourceserver.jwt.issuer-uri",
    "env SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_ISSUERURI")."""

    def __str__(self) -> str:
        if self.file is None:
            return f"default ({self.default})" if self.default else "default"
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where} ({self.detail})" if self.detail else where


@dataclass(frozen=True)
class Setting:
    """One effective value, named by the component field it stands for (`issuers`,
    `audiences`, `algorithms`, `jwks_uri`, `clock_skew`, `authority`, `client_id`, ...)."""

    field: str
    value: SettingValue
    origin: Origin
    overrode: tuple[Origin, ...] = ()
    """Earlier places that set the same value and lost (profile file over base file, env
    over files): the last one is what this value replaced."""


@dataclass(frozen=True)
class DisabledCheck:
    """A check the deployment switches off (DC411)."""

    check: str
    """audience | issuer | exp | principal | signature"""
    message: str
    origin: Origin


@dataclass(frozen=True)
class Reading:
    """What one component's artifacts say."""

    component: str
    """"apis.orders", "gateways.edge", "frontends.web"."""
    kind: str
    files: tuple[str, ...] = ()
    """The files read, in precedence order (lowest first)."""
    settings: tuple[Setting, ...] = ()
    disabled: tuple[DisabledCheck, ...] = ()
    problems: tuple[ArtifactProblem, ...] = ()
    notes: tuple[str, ...] = ()
    """Facts worth saying that are not findings ("AUDIENCE comes from Secret orders-auth,
    not inspected")."""

    def setting(self, field: str) -> Setting | None:
        return next((s for s in self.settings if s.field == field), None)


@dataclass(frozen=True)
class ReaderOutput:
    files: tuple[str, ...] = ()
    settings: tuple[Setting, ...] = ()
    disabled: tuple[DisabledCheck, ...] = ()
    problems: tuple[ArtifactProblem, ...] = ()
    notes: tuple[str, ...] = ()


class Reader(Protocol):
    """One module per product; `kinds` are the `deployed.kind` values it reads."""

    kinds: frozenset[str]

    def read(self, ref: DeployedRef, files: ArtifactFiles) -> ReaderOutput: ...
