"""Write one environment file per environment found by `discover`: `deployed` references
relative to the output folder, and the IdP issuer the artifacts agree on."""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli_w

from driftcheck.deployed.discover import Component, Discovery, discover
from driftcheck.deployed.read import read_deployments
from driftcheck.errors import UsageError
from driftcheck.load import load_environments

_PLACEHOLDER = "https://issuer.invalid/driftcheck-init"
_PROD = {"prod"}


@dataclass(frozen=True)
class InitResult:
    written: tuple[Path, ...]
    not_placed: tuple[str, ...]
    issuers: dict[str, str]


def _relative(target: Path, output: Path) -> str:
    return Path(os.path.relpath(target.resolve(), output.resolve())).as_posix()


def _table(component: Component, environment: str, output: Path) -> dict[str, Any]:
    table: dict[str, Any] = {
        "kind": component.kind,
        "paths": [_relative(p, output) for p in component.paths[environment]],
    }
    if environment in component.profiles:
        table["profile"] = component.profiles[environment]
    manifests = component.manifests.get(environment)
    if manifests:
        table["manifests"] = [_relative(p, output) for p in manifests]
        if component.select:
            table["select"] = component.select
    if component.family == "frontends":
        table["map"] = dict(component.map)
    return table


def _document(discovery: Discovery, environment: str, output: Path, issuer: str
              ) -> dict[str, Any]:
    document: dict[str, Any] = {
        "name": environment,
        "tier": "prod" if environment in _PROD else "nonprod",
        "idp": {"issuer": issuer},
    }
    for component in discovery.components:
        if environment in component.paths:
            document.setdefault(component.family, {})[component.name] = {
                "deployed": _table(component, environment, output)}
    return document


def _issuer(readings: Any, environment: str) -> str | None:
    """The issuer most components agree on (trailing slashes folded to count, the commonest
    spelling written); ties go to one that names the environment."""
    spellings: Counter[str] = Counter()
    for reading in readings:
        for field in ("issuers", "authority"):
            setting = reading.setting(field)
            if setting is None or setting.origin.file is None:
                continue
            values = setting.value if isinstance(setting.value, tuple) else (setting.value,)
            spellings.update(str(v) for v in values)
    if not spellings:
        return None
    folded: Counter[str] = Counter()
    for spelling, count in spellings.items():
        folded[spelling.rstrip("/")] += count
    best = max(folded, key=lambda v: (folded[v], environment in v.lower()))
    return max((s for s in spellings if s.rstrip("/") == best), key=lambda s: spellings[s])


def init_from_deployment(directory: str | Path, output: str | Path, *, force: bool = False
                         ) -> InitResult:
    root = Path(directory)
    if not root.is_dir():
        raise UsageError(f"--from-deployment {directory}: not a folder")
    target = Path(output)
    discovery = discover(root.resolve())
    environments = discovery.environments()
    if not environments:
        raise UsageError(f"--from-deployment {directory}: no deployment artifacts recognised")
    files = {e: target / f"{e}.toml" for e in environments}
    existing = [str(f) for f in files.values() if f.exists()]
    if existing and not force:
        raise UsageError(f"{', '.join(existing)}: exists (use --force to replace)")
    target.mkdir(parents=True, exist_ok=True)
    for environment, file in files.items():
        file.write_text(tomli_w.dumps(_document(discovery, environment, target, _PLACEHOLDER)),
                        encoding="utf-8")
    loaded = load_environments(list(files.values()), allow_unset=True)
    readings = read_deployments(loaded.environments)
    issuers: dict[str, str] = {}
    written: list[Path] = []
    not_placed = list(discovery.not_placed)
    for environment, file in files.items():
        issuer = _issuer(readings.get(environment, ()), environment)
        if issuer is None:
            file.unlink()
            not_placed.append(f"environment {environment!r}: no issuer in its artifacts; "
                              "no file written")
            continue
        issuers[environment] = issuer
        header = (f"# Written by `driftcheck init --from-deployment {directory}`: every value "
                  "is read from the\n# deployed artifacts below; declare a value here to have "
                  "it compared (DC409).\n")
        file.write_text(header + tomli_w.dumps(_document(discovery, environment, target,
                                                         issuer)), encoding="utf-8")
        written.append(file)
    return InitResult(tuple(written), tuple(not_placed), issuers)
