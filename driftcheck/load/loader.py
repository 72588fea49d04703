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
from driftcheck.load.probe_safety import probe_problems
from driftcheck.load.problems import ConfigProblem, ConfigRule
from driftcheck.load.references import reference_problems
from driftcheck.load.schema_messages import schema_problems
from driftcheck.load.secret_names import credentials_in_urls, substituted_secret_names
from driftcheck.load.token_sources import ForeignTokenKey, UnknownTokenSource, token_source
from driftcheck.load.trust import TRUSTED, Trust, restrict, roots_of
from driftcheck.models import (
    Api,
    DeployedRef,
    Environment,
    Frontend,
    Gateway,
    Idp,
    Isolation,
    Probe,
    RuntimeConfigMap,
    nearest_origin,
)
from driftcheck.safe_files import UnreadableFile, check_regular_file, read_regular_text

_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
_MAX_FILE_BYTES = 4 * 1024 * 1024
_MAX_CA_BUNDLE_BYTES = 16 * 1024 * 1024
MAX_NESTING = 32
"""Tables and arrays nest at most this deep (the schema needs 5); deeper is refused before
anything recursive sees it."""
MAX_ENTRIES = 1000
"""Items of one array or table; the schema's own bounds are lower, but validating a huge
array item by item already takes seconds."""
MAX_EXTENDS = 16
"""Files in one `extends` chain, the environment file included."""
MAX_FOLDER_DEPTH = 32
"""Sub-folder levels searched below a folder named on the command line."""
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_DEFAULTS_NAME = re.compile(r"^_[^/]*\.toml$")


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
    return _discover(paths)[0]


def _discover(paths: Iterable[str | Path]) -> tuple[list[Path], list[ConfigProblem]]:
    """The files, and a problem for each sub-folder that was not searched (unreadable, a
    symbolic link, or too deep): an environment nobody checks is never silent."""
    files: list[Path] = []
    problems: list[ConfigProblem] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found, skipped = _walk(path)
            if not found and not skipped:
                raise UsageError(f"{raw}: no environment files (*.toml) in this folder")
            files.extend(found)
            problems.extend(skipped)
        else:
            files.append(path)
    unique: dict[Path, Path] = {}
    for file in files:
        unique.setdefault(file.resolve(), file)
    return list(unique.values()), problems


def _walk(root: Path) -> tuple[list[Path], list[ConfigProblem]]:
    """`*.toml` files below `root` (not `_*` defaults, nothing hidden), without following
    folder links (they can loop or lead out of the tree), iteratively (no recursion limit)."""
    found: list[Path] = []
    problems: list[ConfigProblem] = []

    def skipped(folder: Path, why: str) -> None:
        shown = str(Path(display_path(folder.parent)) / folder.name)  # the link, not its target
        problems.append(ConfigProblem(
            "DC001", shown, f"folder not searched: {why}; environment files in it are not "
            "checked", environment=shown))

    pending: list[tuple[Path, int]] = [(root, 0)]
    while pending:
        folder, depth = pending.pop()
        try:
            with os.scandir(folder) as entries:
                listed = sorted(entries, key=lambda e: e.name)
        except OSError as exc:
            skipped(folder, f"cannot read it ({exc.strerror})")
            continue
        for entry in listed:
            if entry.name.startswith("."):
                continue
            child = folder / entry.name
            if entry.is_dir(follow_symlinks=False):
                if depth + 1 > MAX_FOLDER_DEPTH:
                    skipped(child, f"more than {MAX_FOLDER_DEPTH} folder levels below "
                            f"{display_path(root)}")
                else:
                    pending.append((child, depth + 1))
            elif entry.is_symlink() and entry.is_dir():
                skipped(child, "it is a symbolic link to a folder, which is not followed "
                        "(name the target folder itself)")
            elif entry.name.endswith(".toml") and not entry.name.startswith("_"):
                found.append(child)
    return sorted(found), problems


def load_environments(
    paths: Iterable[str | Path], env: Mapping[str, str] | None = None, *,
    allow_unset: bool = False, trust: Trust = TRUSTED,
) -> LoadResult:
    """`allow_unset` keeps unresolved `${NAME}` references as they are instead of reporting
    them (for validating files where the variables do not exist, such as a pre-commit hook).
    `trust`: what an untrusted file may read and run (load.trust)."""
    paths = list(paths)
    variables = trust.variables(os.environ if env is None else env)
    roots = roots_of(paths)
    environments: list[Environment] = []
    problems: list[ConfigProblem] = []
    files, skipped = _discover(paths)
    problems.extend(skipped)
    for file in files:
        environment, file_problems = _load_file(file, variables, allow_unset)
        if environment is not None:
            environment, refused = restrict(environment, trust, roots)
            file_problems = file_problems + refused
            if refused:
                environment = None
        problems.extend(file_problems)
        if environment is not None:
            environments.append(environment)
    kept, duplicates = _drop_duplicates(environments)
    # A probe that could send a token where it must not go fails validation: that
    # environment is not checked (the others are).
    unsafe = probe_problems(kept)
    unsafe_names = {p.environment for p in unsafe}
    kept = [e for e in kept if e.name not in unsafe_names]
    return LoadResult(tuple(kept), tuple(problems + duplicates + unsafe))


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
        text = read_regular_text(path, _MAX_FILE_BYTES)
    except UnreadableFile as exc:
        reason = "file not found" if str(exc) == "not found" else f"cannot read file: {exc}"
        raise _FileProblems([ConfigProblem("DC001", shown, reason, environment=label)]) from None
    try:
        document = tomllib.loads(text)
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
    problem = _shape_problem(document)
    if problem is not None:
        key, message = problem
        raise _FileProblems([ConfigProblem("DC001", shown, message, key_path=key or None,
                                           environment=label)])
    return document, text


def _shape_problem(document: dict[str, Any]) -> tuple[str, str] | None:
    """(key path, message) for what no environment file may hold, checked without recursion
    before anything recursive sees the document: nesting beyond MAX_NESTING, arrays or tables
    beyond MAX_ENTRIES, a NUL character in any string, a control character in any key."""
    pending: list[tuple[str, Any, int]] = [("", document, 0)]
    while pending:
        path, value, depth = pending.pop()
        if depth > MAX_NESTING:
            shown = path if len(path) <= 80 else path[:80] + "…"
            return shown, f"tables or arrays nested {depth} levels deep; at most {MAX_NESTING} " \
                "are allowed"
        if isinstance(value, str) and "\0" in value:
            return path, "contains a NUL character"
        if isinstance(value, list | dict) and len(value) > MAX_ENTRIES:
            return path, f"expected at most {MAX_ENTRIES} entries (this key may allow fewer), " \
                f"got {len(value)}"
        if isinstance(value, dict):
            for key, item in value.items():
                if _CONTROL.search(key):
                    return path, f"the key {key!r} contains a control character"
                pending.append((f"{path}.{key}" if path else key, item, depth + 1))
        elif isinstance(value, list):
            pending.extend((f"{path}[{i}]", item, depth + 1) for i, item in enumerate(value))
    return None


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
    # The documented rule, checked before the file is opened (the schema sees the merged
    # document, where `extends` is gone): a relative path to a `_*.toml` file.
    if not isinstance(parent, str) or Path(parent).is_absolute() \
            or not _DEFAULTS_NAME.match(Path(parent).name) or _CONTROL.search(parent):
        raise _FileProblems(
            [ConfigProblem("DC001", shown, "expected a relative path to a defaults file whose "
                           "name starts with '_' and ends with .toml, such as "
                           f"\"_defaults.toml\"; got {parent!r}", key_path="extends",
                           environment=label)]
        )
    if len(chain) + 2 > MAX_EXTENDS:
        raise _FileProblems(
            [ConfigProblem("DC001", shown, f"extends chain longer than {MAX_EXTENDS} files",
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


@dataclass(frozen=True)
class _FileAt:
    """An environment file being loaded: what its problems name."""

    shown: str
    label: str
    origins: dict[str, str]

    def where(self, key: str) -> str:
        return nearest_origin(self.origins, key, self.shown)

    def problem(self, key: str, message: str, rule: ConfigRule = "DC001") -> ConfigProblem:
        return ConfigProblem(rule, self.where(key), message, key_path=key,
                             environment=self.label, environment_file=self.shown)


def _load_file(
    path: Path, variables: Mapping[str, str], allow_unset: bool = False
) -> tuple[Environment | None, list[ConfigProblem]]:
    shown = display_path(path)
    try:
        document, origins, lines = _resolve_extends(path, path.stem)
    except _FileProblems as exc:
        return None, [replace(p, environment_file=shown) for p in exc.problems]
    name = document.get("name")
    label = name if isinstance(name, str) and not _CONTROL.search(name) else path.stem
    here = _FileAt(shown, label, origins)
    problems = [here.problem(key, message)
                for key, message in substituted_secret_names(document)]
    if problems:  # never substitute a secret into a key whose messages print it
        return None, problems

    def missing_variable(key: str, name: str) -> None:
        if not allow_unset:
            problems.append(here.problem(
                key, f"${{{name}}} is not set in the environment "
                f"(set {name}, or write ${{{name}:-default}})", rule="DC002"))

    document = interpolate(document, variables, missing_variable)
    _check_document(document, here, problems)
    if problems:
        return None, problems
    return _built(document, path, lines, here)


def _check_document(document: dict[str, Any], here: _FileAt,
                    problems: list[ConfigProblem]) -> None:
    """Add the interpolated document's problems: its name and URLs first (a DC001 there
    stops the checks), then the schema, then (only when all else is clean) references."""
    name = document.get("name")
    if isinstance(name, str) and _CONTROL.search(name):
        # Python's `$` also matches before a final newline, so the schema's pattern alone
        # would let "prod\n" through.
        problems.append(here.problem(
            "name", f"expected letters, digits, '.', '_' or '-', got {name!r} "
            "(it holds a control character)"))
    problems += [here.problem(key, message) for key, message in credentials_in_urls(document)]
    if any(p.rule == "DC001" for p in problems):
        return
    problems += [replace(here.problem(key, message), key_path=key or None)
                 for key, message in schema_problems(document)]
    if not problems:
        problems += [here.problem(key, message)
                     for key, message in reference_problems(document)]


def _built(document: dict[str, Any], path: Path, lines: dict[str, int], here: _FileAt
           ) -> tuple[Environment | None, list[ConfigProblem]]:
    try:
        environment = _build(document, path, here.shown, here.origins, lines)
    except _BadValue as exc:  # a value the schema cannot bound, such as a huge duration
        holder = exc.key or _key_holding(document, exc.value)
        return None, [ConfigProblem("DC001", here.where(holder) if holder else here.shown,
                                    str(exc), key_path=holder, environment=here.label,
                                    environment_file=here.shown)]
    if environment.ca_bundle is not None:  # opened by the TLS library: check it first
        try:
            check_regular_file(environment.ca_bundle, _MAX_CA_BUNDLE_BYTES)
        except UnreadableFile as exc:
            return None, [here.problem("ca_bundle", f"{environment.ca_bundle}: {exc}")]
    return environment, []


class _BadValue(ValueError):
    def __init__(self, value: str, message: str, key: str | None = None) -> None:
        super().__init__(message)
        self.value = value
        self.key = key
        """The key path holding the value, when known (else searched for by value)."""


def _seconds(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return parse_duration(value)
    except ValueError as exc:
        raise _BadValue(value, str(exc)) from None


def _key_holding(document: Mapping[str, Any], value: str) -> str | None:
    """The key path of the first string equal to `value` (to name a key _build refused)."""
    pending: list[tuple[str, Any]] = [("", document)]
    while pending:
        path, item = pending.pop(0)
        if item == value:
            return path
        if isinstance(item, dict):
            pending.extend((f"{path}.{k}" if path else k, v) for k, v in item.items())
    return None


def _probe(raw: Mapping[str, Any] | None) -> Probe | None:
    if raw is None:
        return None
    return Probe(
        url=raw["url"],
        method=raw.get("method", "GET"),
        token=raw.get("token"),
        accepted=tuple(raw.get("accepted", ())),
        headers=dict(raw.get("headers", {})),
        cross_environment=raw.get("cross_environment", True),
        forged=raw.get("forged", True),
    )


def _relative(base: Path, value: str | None) -> str | None:
    if value is None:
        return None
    return str((base.parent / value).resolve())


_GLOB_CHARS = frozenset("*?[")


def _glob_root(pattern: Path) -> Path:
    """The folder a pattern names: its deepest parent without glob characters (a literal
    file's own folder)."""
    parts = pattern.parts
    for index, part in enumerate(parts):
        if _GLOB_CHARS & set(part):
            return Path(*parts[:index]) if index else Path(".")
    return pattern.parent


def _deployed(raw: Mapping[str, Any] | None, base: Path, shown: str) -> DeployedRef | None:
    """Patterns resolve against the file that names them; their folders bound what is read."""
    if raw is None:
        return None
    folder = base.parent.resolve()
    paths = tuple(str(folder / p) for p in raw["paths"])
    manifests = tuple(str(folder / p) for p in raw.get("manifests", ()))
    roots = tuple(dict.fromkeys(
        str(Path(os.path.normpath(_glob_root(Path(p))))) for p in (*paths, *manifests)))
    return DeployedRef(kind=raw["kind"], paths=paths, roots=roots, profile=raw.get("profile"),
                       manifests=manifests, select=raw.get("select"),
                       map=dict(raw.get("map", {})), declared_in=shown)


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
            deployed=_deployed(f.get("deployed"), declared_in(f"frontends.{name}.deployed"),
                               shown),
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
            deployed=_deployed(a.get("deployed"), declared_in(f"apis.{name}.deployed"), shown),
            probe=_probe(a.get("probe")),
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
            deployed=_deployed(g.get("deployed"), declared_in(f"gateways.{name}.deployed"),
                               shown),
            probe=_probe(g.get("probe")),
        )
        for name, g in doc.get("gateways", {}).items()
    }
    try:
        tokens = {
            name: token_source(
                name, t, path=_relative(declared_in(f"tokens.{name}.path"), t.get("path")),
                timeout=_seconds(t.get("timeout")))
            for name, t in doc.get("tokens", {}).items()
        }
    except UnknownTokenSource as exc:
        raise _BadValue(exc.kind, str(exc), key=exc.key) from None
    except ForeignTokenKey as exc:  # the schema refuses it first; never read as dropped
        raise _BadValue(exc.key, str(exc), key=exc.key) from None
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
