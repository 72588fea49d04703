"""Read environment files into `Environment` models, reporting every problem of every file.

Per file: TOML syntax -> `extends` chain (deep merge, origins per key) -> `${VAR}`
interpolation -> JSON Schema -> models. Then duplicate names across files. Loading never
stops at the first bad file: each problem becomes a `ConfigProblem`, the good files load.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from driftcheck.durations import parse_duration
from driftcheck.errors import UsageError
from driftcheck.load.interpolate import interpolate
from driftcheck.load.lines import key_lines
from driftcheck.load.problems import ConfigProblem
from driftcheck.load.references import reference_problems
from driftcheck.load.schema_messages import schema_problems
from driftcheck.models import (
    Api,
    Environment,
    Frontend,
    Gateway,
    Idp,
    Isolation,
    RuntimeConfigMap,
    TokenSource,
    nearest_origin,
)

_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
_MAX_FILE_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class LoadResult:
    environments: tuple[Environment, ...]
    problems: tuple[ConfigProblem, ...]


def display_path(path: Path) -> str:
    """Relative to the working directory when below it, else absolute."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path.resolve())


def discover_files(paths: Iterable[str | Path]) -> list[Path]:
    """Environment files named by `paths`: files as given, folders searched recursively.

    Files whose name starts with `_` are defaults, loaded only through `extends`.
    """
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*.toml")
                if not p.name.startswith("_")
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not found:
                raise UsageError(f"{raw}: no environment files (*.toml) in this folder")
            files.extend(found)
        else:
            files.append(path)
    unique: dict[Path, Path] = {}
    for file in files:
        unique.setdefault(file.resolve(), file)
    return list(unique.values())


def load_environments(
    paths: Iterable[str | Path], env: Mapping[str, str] | None = None, *,
    allow_unset: bool = False,
) -> LoadResult:
    """`allow_unset` keeps unresolved `${NAME}` references as they are instead of reporting
    them (for validating files where the variables do not exist, such as a pre-commit hook)."""
    variables = os.environ if env is None else env
    environments: list[Environment] = []
    problems: list[ConfigProblem] = []
    for file in discover_files(paths):
        environment, file_problems = _load_file(file, variables, allow_unset)
        problems.extend(file_problems)
        if environment is not None:
            environments.append(environment)
    kept, duplicates = _drop_duplicates(environments)
    return LoadResult(tuple(kept), tuple(problems + duplicates))


def _drop_duplicates(
    environments: list[Environment],
) -> tuple[list[Environment], list[ConfigProblem]]:
    first: dict[str, Environment] = {}
    problems: list[ConfigProblem] = []
    for environment in environments:
        if environment.name in first:
            problems.append(
                ConfigProblem(
                    "DC003",
                    environment.file,
                    f"environment name {environment.name!r} is already declared in "
                    f"{first[environment.name].file}; each environment needs a unique name "
                    "(this file was not checked)",
                    key_path="name",
                    environment=environment.name,
                )
            )
        else:
            first[environment.name] = environment
    return list(first.values()), problems


class _FileProblems(Exception):
    def __init__(self, problems: list[ConfigProblem]) -> None:
        super().__init__(problems)
        self.problems = problems


def _read_toml(path: Path, label: str) -> tuple[dict[str, Any], str]:
    shown = display_path(path)
    try:
        if path.stat().st_size > _MAX_FILE_BYTES:
            raise _FileProblems(
                [ConfigProblem("DC001", shown, f"file is larger than {_MAX_FILE_BYTES} bytes",
                               environment=label)]
            )
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise _FileProblems(
            [ConfigProblem("DC001", shown, "file not found", environment=label)]
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = "not UTF-8 text" if isinstance(exc, UnicodeDecodeError) else exc.strerror
        raise _FileProblems(
            [ConfigProblem("DC001", shown, f"cannot read file: {reason}", environment=label)]
        ) from None
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        line = column = None
        if match := _TOML_POSITION.search(message):
            line, column = int(match.group(1)), int(match.group(2))
            message = message[: match.start()]
        raise _FileProblems(
            [ConfigProblem("DC001", shown, f"invalid TOML: {message}", line=line, column=column,
                           environment=label)]
        ) from None
    except RecursionError:
        raise _FileProblems(
            [ConfigProblem("DC001", shown, "invalid TOML: nested too deeply", environment=label)]
        ) from None


def _origins(document: Mapping[str, Any], file: str, prefix: str = "") -> dict[str, str]:
    found: dict[str, str] = {}
    for key, value in document.items():
        path = f"{prefix}.{key}" if prefix else key
        found[path] = file
        if isinstance(value, dict):
            found.update(_origins(value, file, path))
    return found


def _merge(base: dict[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Tables merge key by key; any other value in `override` replaces the base's."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _resolve_extends(
    path: Path, label: str, chain: tuple[Path, ...] = ()
) -> tuple[dict[str, Any], dict[str, str], dict[str, int]]:
    """The merged document of `path` and every file it extends, with each key's origin file
    and its line there."""
    document, text = _read_toml(path, label)
    lines = key_lines(text)
    shown = display_path(path)
    parent = document.get("extends")
    if parent is None:
        return document, _origins(document, shown), lines
    if not isinstance(parent, str):
        raise _FileProblems(
            [ConfigProblem("DC001", shown, "expected a file name such as \"_defaults.toml\"",
                           key_path="extends", environment=label)]
        )
    parent_path = (path.parent / parent).resolve()
    if parent_path in chain or parent_path == path.resolve():
        cycle = " -> ".join(display_path(p) for p in (*chain, path.resolve(), parent_path))
        raise _FileProblems(
            [ConfigProblem("DC001", shown, f"extends cycle: {cycle}", key_path="extends",
                           environment=label)]
        )
    if not parent_path.exists():
        raise _FileProblems(
            [ConfigProblem("DC001", shown, f"extends {parent!r}, which does not exist "
                           f"(looked for {display_path(parent_path)})", key_path="extends",
                           environment=label)]
        )
    base, base_origins, base_lines = _resolve_extends(parent_path, label,
                                                      (*chain, path.resolve()))
    base.pop("extends", None)
    own = {k: v for k, v in document.items() if k != "extends"}
    origins = {**base_origins, **_origins(document, shown)}
    own_lines = {k: v for k, v in lines.items() if origins.get(k) == shown}
    return _merge(base, own), origins, {**base_lines, **own_lines}


def _load_file(
    path: Path, variables: Mapping[str, str], allow_unset: bool = False
) -> tuple[Environment | None, list[ConfigProblem]]:
    shown = display_path(path)
    label = path.stem
    try:
        document, origins, lines = _resolve_extends(path, label)
    except _FileProblems as exc:
        return None, [replace(p, environment_file=shown) for p in exc.problems]
    if isinstance(document.get("name"), str):
        label = document["name"]

    def where(key: str) -> str:
        return nearest_origin(origins, key, shown)

    problems: list[ConfigProblem] = []

    def missing_variable(key: str, name: str) -> None:
        if allow_unset:
            return
        problems.append(
            ConfigProblem("DC002", where(key), f"${{{name}}} is not set in the environment "
                          f"(set {name}, or write ${{{name}:-default}})", key_path=key,
                          environment=label, environment_file=shown)
        )

    document = interpolate(document, variables, missing_variable)
    for key, message in schema_problems(document):
        problems.append(ConfigProblem("DC001", where(key), message, key_path=key or None,
                                      environment=label, environment_file=shown))
    if not problems:
        for key, message in reference_problems(document):
            problems.append(ConfigProblem("DC001", where(key), message, key_path=key,
                                          environment=label, environment_file=shown))
    if problems:
        return None, problems
    return _build(document, path, shown, origins, lines), []


def _seconds(value: str | None) -> float | None:
    return None if value is None else parse_duration(value)


def _relative(base: Path, value: str | None) -> str | None:
    if value is None:
        return None
    return str((base.parent / value).resolve())


def _build(doc: dict[str, Any], path: Path, shown: str, origins: dict[str, str],
           lines: dict[str, int]) -> Environment:
    """Models from a schema-valid document; paths resolve against the file that named them."""

    def declared_in(key: str) -> Path:
        origin = origins.get(key)
        return Path(origin) if origin else path

    idp = doc["idp"]
    issuer: str = idp["issuer"]
    frontends = {
        name: Frontend(
            name=name,
            url=f.get("url"),
            runtime_config_url=f.get("runtime_config_url"),
            runtime_config_map=RuntimeConfigMap(**f.get("runtime_config_map", {})),
            authority=f.get("authority"),
            client_id=f.get("client_id"),
            api_base_url=f.get("api_base_url"),
            audience=f.get("audience"),
            api=f.get("api"),
            refresh_before_expiry=_seconds(f.get("refresh_before_expiry")),
        )
        for name, f in doc.get("frontends", {}).items()
    }
    apis = {
        name: Api(
            name=name,
            url=a.get("url"),
            issuers=tuple(a.get("issuers", ())),
            audiences=tuple(a.get("audiences", ())),
            algorithms=tuple(a.get("algorithms", ())),
            clock_skew=_seconds(a.get("clock_skew")),
            jwks_cache_ttl=_seconds(a.get("jwks_cache_ttl")),
            required_claims=tuple(a.get("required_claims", ())),
            accepts=a.get("accepts", "access"),
            validator=a.get("validator", "strict"),
            issuer_template=a.get("issuer_template"),
            issuer_comparison=a.get("issuer_comparison"),
            refetch_on_unknown_kid=a.get("refetch_on_unknown_kid"),
            require_exp=a.get("require_exp"),
            max_token_age=_seconds(a.get("max_token_age")),
            secret_env=a.get("secret_env"),
            secret_file=_relative(declared_in(f"apis.{name}.secret_file"), a.get("secret_file")),
        )
        for name, a in doc.get("apis", {}).items()
    }
    gateways = {
        name: Gateway(
            name=name,
            url=g.get("url"),
            issuers=tuple(g.get("issuers", ())),
            audiences=tuple(g.get("audiences", ())),
            algorithms=tuple(g.get("algorithms", ())),
            upstream_apis=tuple(g.get("upstream_apis", ())),
            clock_skew=_seconds(g.get("clock_skew")),
            jwks_cache_ttl=_seconds(g.get("jwks_cache_ttl")),
            validator=g.get("validator", "strict"),
            issuer_template=g.get("issuer_template"),
            issuer_comparison=g.get("issuer_comparison"),
            refetch_on_unknown_kid=g.get("refetch_on_unknown_kid"),
            require_exp=g.get("require_exp"),
        )
        for name, g in doc.get("gateways", {}).items()
    }
    tokens = {
        name: TokenSource(
            name=name,
            source=t["source"],
            for_api=t.get("for_api"),
            client_id=t.get("client_id"),
            client_secret_env=t.get("client_secret_env"),
            auth_method=t.get("auth_method", "client_secret_basic"),
            scope=t.get("scope"),
            resource=t.get("resource"),
            audience=t.get("audience"),
            env=t.get("env"),
            path=_relative(declared_in(f"tokens.{name}.path"), t.get("path")),
            command=tuple(t.get("command", ())),
            timeout=_seconds(t.get("timeout")) or 30.0,
        )
        for name, t in doc.get("tokens", {}).items()
    }
    return Environment(
        name=doc["name"],
        file=shown,
        tier=doc.get("tier", "nonprod"),
        idp=Idp(
            issuer=issuer,
            discovery_url=idp.get("discovery_url")
            or issuer.rstrip("/") + "/.well-known/openid-configuration",
            tenant=idp.get("tenant"),
            jwks_uri=idp.get("jwks_uri"),
            pinned_kids=tuple(idp.get("pinned_kids", ())),
            rotation_overlap=_seconds(idp.get("rotation_overlap")),
        ),
        frontends=frontends,
        apis=apis,
        gateways=gateways,
        tokens=tokens,
        isolation=Isolation(allow_shared=tuple(doc.get("isolation", {}).get("allow_shared", ()))),
        allow_insecure_http=doc.get("allow_insecure_http", False),
        ca_bundle=_relative(declared_in("ca_bundle"), doc.get("ca_bundle")),
        allowed_hosts=tuple(h.lower() for h in doc.get("allowed_hosts", ())),
        origins=origins,
        lines=lines,
    )
