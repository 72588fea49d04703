"""Environments as declared in TOML files, after `extends`, `${VAR}` and schema validation.

Durations are stored in seconds (float). Every model is frozen; `Environment.origins`
remembers which file each key path came from, so a finding can point at the right file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar, Literal, TypeAlias

Tier = Literal["prod", "nonprod"]
TokenKind = Literal["access", "id"]
TokenSourceKind = Literal["client_credentials", "env", "file", "command"]
ProbeMethod = Literal["GET", "HEAD"]


@dataclass(frozen=True)
class Probe:
    """A live probe of a deployed API or gateway (`[apis.X.probe]`): one cheap, idempotent,
    token-protected endpoint that driftcheck sends a handful of requests to."""

    url: str
    method: ProbeMethod = "GET"
    token: str | None = None
    """The `[tokens.X]` that is this component's known-good token; None: the one whose
    `for_api` is this API (or the environment's only token)."""
    accepted: tuple[int, ...] = ()
    """Statuses that mean "accepted"; empty means any 2xx."""
    headers: Mapping[str, str] = field(default_factory=dict)
    cross_environment: bool = True
    forged: bool = True

    def accepts(self, status: int) -> bool:
        return status in self.accepted if self.accepted else 200 <= status < 300


@dataclass(frozen=True)
class Idp:
    issuer: str
    """The exact `iss` value expected."""
    discovery_url: str
    """Declared, or issuer + "/.well-known/openid-configuration"."""
    tenant: str | None = None
    jwks_uri: str | None = None
    """Expected JWKS URL; None means: take it from discovery."""
    pinned_kids: tuple[str, ...] = ()
    rotation_overlap: float | None = None


@dataclass(frozen=True)
class RuntimeConfigMap:
    """JSON Pointers into a frontend's deployed runtime configuration."""

    authority: str | None = None
    client_id: str | None = None
    api_base_url: str | None = None
    audience: str | None = None


@dataclass(frozen=True)
class DeployedRef:
    """Where a component's deployed settings live (`[apis.X.deployed]`, ...): local files,
    read at load/collect time, never executed."""

    kind: str
    paths: tuple[str, ...]
    """Absolute glob patterns, in the order given (later files override earlier)."""
    roots: tuple[str, ...]
    """The folders the patterns name (their non-glob parents): nothing outside is read."""
    profile: str | None = None
    manifests: tuple[str, ...] = ()
    """Absolute glob patterns of rendered Kubernetes manifests whose env overrides files."""
    select: str | None = None
    map: Mapping[str, str] = field(default_factory=dict)
    """Frontend field -> variable name or JSON Pointer in the deployed file."""
    declared_in: str = ""
    """The environment file that names these paths (shown in messages)."""


@dataclass(frozen=True)
class Frontend:
    name: str
    url: str | None = None
    runtime_config_url: str | None = None
    runtime_config_map: RuntimeConfigMap = field(default_factory=RuntimeConfigMap)
    authority: str | None = None
    client_id: str | None = None
    api_base_url: str | None = None
    audience: str | None = None
    api: str | None = None
    refresh_before_expiry: float | None = None
    deployed: DeployedRef | None = None


@dataclass(frozen=True)
class Api:
    name: str
    url: str | None = None
    issuers: tuple[str, ...] = ()
    audiences: tuple[str, ...] = ()
    algorithms: tuple[str, ...] = ()
    clock_skew: float | None = None
    jwks_cache_ttl: float | None = None
    required_claims: tuple[str, ...] = ()
    accepts: TokenKind = "access"
    validator: str = "strict"
    issuer_template: str | None = None
    """An issuer with `{tenantid}`, matched against the token's `tid` (Entra ID multi-tenant)."""
    issuer_comparison: str | None = None
    """Overrides the validator profile's issuer comparison."""
    refetch_on_unknown_kid: bool | None = None
    require_exp: bool | None = None
    max_token_age: float | None = None
    secret_env: str | None = None
    secret_file: str | None = None
    secret_refused: str | None = None
    """Why the shared secret is not read in this run (untrusted mode), or None."""
    deployed: DeployedRef | None = None
    probe: Probe | None = None


@dataclass(frozen=True)
class Gateway:
    name: str
    url: str | None = None
    issuers: tuple[str, ...] = ()
    audiences: tuple[str, ...] = ()
    algorithms: tuple[str, ...] = ()
    upstream_apis: tuple[str, ...] = ()
    clock_skew: float | None = None
    jwks_cache_ttl: float | None = None
    validator: str = "strict"
    issuer_template: str | None = None
    """An issuer with `{tenantid}`, matched against the token's `tid` (Entra ID multi-tenant)."""
    issuer_comparison: str | None = None
    """Overrides the validator profile's issuer comparison."""
    refetch_on_unknown_kid: bool | None = None
    require_exp: bool | None = None
    deployed: DeployedRef | None = None
    probe: Probe | None = None


@dataclass(frozen=True, kw_only=True)
class TokenSourceBase:
    """Where the known-good token of an environment comes from (`[tokens.NAME]`); one
    subclass per `source` kind, holding only its own keys. Secrets are named, never held."""

    source: ClassVar[TokenSourceKind]
    name: str
    for_api: str | None = None
    refused: str | None = None
    """Why this source is not used in this run (untrusted mode), or None."""


@dataclass(frozen=True, kw_only=True)
class ClientCredentialsSource(TokenSourceBase):
    """An OAuth client_credentials grant at the IdP's token endpoint."""

    source: ClassVar[Literal["client_credentials"]] = "client_credentials"
    client_id: str
    client_secret_env: str
    auth_method: Literal["client_secret_basic", "client_secret_post"] = "client_secret_basic"
    scope: str | None = None
    resource: str | None = None
    audience: str | None = None


@dataclass(frozen=True, kw_only=True)
class EnvSource(TokenSourceBase):
    """A token in an environment variable."""

    source: ClassVar[Literal["env"]] = "env"
    env: str


@dataclass(frozen=True, kw_only=True)
class FileSource(TokenSourceBase):
    """A token in a file."""

    source: ClassVar[Literal["file"]] = "file"
    path: str


@dataclass(frozen=True, kw_only=True)
class CommandSource(TokenSourceBase):
    """A command (argv, no shell) that prints the token or the token endpoint's JSON."""

    source: ClassVar[Literal["command"]] = "command"
    command: tuple[str, ...]
    timeout: float = 30.0


TokenSource: TypeAlias = ClientCredentialsSource | EnvSource | FileSource | CommandSource
"""A token source of one of the kinds; code that handles them matches on the class
(`assert_never` makes mypy insist on every kind)."""

TOKEN_SOURCE_CLASSES: Mapping[TokenSourceKind, type[TokenSource]] = {
    cls.source: cls for cls in (ClientCredentialsSource, EnvSource, FileSource, CommandSource)}
"""`source = "..."` -> its class: the kinds the environment file's schema enumerates."""


@dataclass(frozen=True)
class Isolation:
    allow_shared: tuple[str, ...] = ()


@dataclass(frozen=True)
class Environment:
    name: str
    file: str
    tier: Tier
    idp: Idp
    frontends: Mapping[str, Frontend] = field(default_factory=dict)
    apis: Mapping[str, Api] = field(default_factory=dict)
    gateways: Mapping[str, Gateway] = field(default_factory=dict)
    tokens: Mapping[str, TokenSource] = field(default_factory=dict)
    isolation: Isolation = field(default_factory=Isolation)
    allow_insecure_http: bool = False
    ca_bundle: str | None = None
    allowed_hosts: tuple[str, ...] = ()
    """Hosts besides the URL's own that redirects may lead to."""
    origins: Mapping[str, str] = field(default_factory=dict)
    """Key path ("apis.orders.clock_skew") -> the file that set it (this or an `extends` file)."""
    lines: Mapping[str, int] = field(default_factory=dict)
    """Key path -> its line in the file that set it."""
    deployed_paths: frozenset[str] = frozenset()
    """Key paths whose values were not declared but read from deployed artifacts
    (`driftcheck.deployed`); `origins` and `lines` point at the artifact for them."""

    def client_credentials(self) -> dict[str, ClientCredentialsSource]:
        """The token sources that are client_credentials grants (they name a client ID and
        the audience they request)."""
        return {n: t for n, t in self.tokens.items() if isinstance(t, ClientCredentialsSource)}

    def line_of(self, key_path: str) -> int | None:
        """The line of `key_path`, or of its nearest parent table, in `file_of(key_path)`."""
        path = key_path.split("[")[0]
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path.rpartition(".")[0]
        return None

    def file_of(self, key_path: str) -> str:
        """The file that declared `key_path` or its nearest declared parent."""
        return nearest_origin(self.origins, key_path, self.file)


def nearest_origin(origins: Mapping[str, str], key_path: str, default: str) -> str:
    """The file recorded for `key_path`, or for its nearest parent table, else `default`."""
    path = key_path.split("[")[0]
    while path:
        if path in origins:
            return origins[path]
        path = path.rpartition(".")[0]
    return default
