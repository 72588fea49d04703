"""Environment variables of a container in rendered Kubernetes manifests (`helm template`,
`kustomize build` output): `env` values, `valueFrom.configMapKeyRef`, and `envFrom`
ConfigMaps, with `env` winning over `envFrom` as the kubelet applies them. Secrets are never
read: a variable that comes from a Secret is reported as such, without a value.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from driftcheck.deployed.files import ArtifactFiles, shown
from driftcheck.deployed.interface import Origin
from driftcheck.deployed.yaml_nodes import YamlList, YamlMap, yaml_files

_POD_TEMPLATE = {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"}


@dataclass(frozen=True)
class EnvVar:
    name: str
    value: str | None
    """None when the value comes from a Secret (never read) or cannot be resolved."""
    origin: Origin
    secret: str | None = None
    """"Secret orders-auth key audience" when the value lives in a Secret."""


@dataclass(frozen=True)
class Manifest:
    """One YAML document of a manifest file."""

    file: Path
    body: YamlMap

    @property
    def kind(self) -> str:
        return str(self.body.get("kind", ""))

    @property
    def name(self) -> str:
        metadata = self.body.get("metadata")
        return str(metadata.get("name", "")) if isinstance(metadata, Mapping) else ""

    @property
    def namespace(self) -> str | None:
        metadata = self.body.get("metadata")
        value = metadata.get("namespace") if isinstance(metadata, Mapping) else None
        return str(value) if value is not None else None


def load_manifests(files: ArtifactFiles, patterns: Iterable[str]) -> list[Manifest]:
    """Every mapping document of the manifest files (lists of kind `List` unpacked)."""
    found: list[Manifest] = []
    for path, documents in yaml_files(files, patterns):
        for document in documents:
            items = document.get("items") if isinstance(document, YamlMap) and \
                document.get("kind") == "List" else [document]
            for item in items if isinstance(items, list) else ():
                if isinstance(item, YamlMap):
                    found.append(Manifest(path, item))
    return found


def _pod_spec(manifest: Manifest) -> Any:
    spec = manifest.body.get("spec")
    if not isinstance(spec, Mapping):
        return None
    if manifest.kind == "Pod":
        return spec
    if manifest.kind == "CronJob":
        spec = (spec.get("jobTemplate") or {}).get("spec") or {}
    if manifest.kind in _POD_TEMPLATE | {"CronJob"}:
        template = spec.get("template")
        return template.get("spec") if isinstance(template, Mapping) else None
    return None


def containers(manifests: list[Manifest]) -> Iterator[tuple[Manifest, YamlMap]]:
    for manifest in manifests:
        pod = _pod_spec(manifest)
        for container in pod.get("containers") or () if isinstance(pod, Mapping) else ():
            if isinstance(container, YamlMap):
                yield manifest, container


def _config_map(manifests: list[Manifest], name: str, namespace: str | None
                ) -> Manifest | None:
    for manifest in manifests:
        if manifest.kind == "ConfigMap" and manifest.name == name and (
                manifest.namespace is None or namespace is None
                or manifest.namespace == namespace):
            return manifest
    return None


_REFERENCE = re.compile(r"\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)")


def _expand(value: str, earlier: Mapping[str, EnvVar]) -> str:
    """`$(NAME)` as the kubelet expands it: from variables defined before, else left as
    written; `$$` is a literal `$`."""
    def replace(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        known = earlier.get(match.group(1))
        return known.value if known is not None and known.value is not None else match.group(0)

    return _REFERENCE.sub(replace, value)


@dataclass(frozen=True)
class ContainerEnv:
    workload: str
    container: str
    file: str
    variables: Mapping[str, EnvVar]
    notes: tuple[str, ...] = ()
    arguments: tuple[tuple[str, Origin], ...] = ()
    """The container's `command` then `args` items, `$(NAME)` expanded as the kubelet does,
    each with its line."""


def container_env(files: ArtifactFiles, patterns: Iterable[str], select: str | None
                  ) -> ContainerEnv | None:
    """The environment of the one container the manifests (and `select`, a workload or
    container name) designate; None with a problem when there is not exactly one."""
    patterns = list(patterns)
    manifests = load_manifests(files, patterns)
    chosen = _the_container(files, manifests, ", ".join(patterns), select)
    if chosen is None:
        return None
    manifest, container = chosen
    reading = _Reading(manifests, manifest, shown(manifest.file), {}, [])
    _read_env_from(reading, container.get("envFrom"))
    _read_env(reading, container.get("env"))
    return ContainerEnv(manifest.name, str(container.get("name", "")), reading.file,
                        reading.variables, tuple(reading.notes),
                        tuple(_arguments(container, reading.file, reading.variables)))


def _the_container(files: ArtifactFiles, manifests: list[Manifest], label: str,
                   select: str | None) -> tuple[Manifest, YamlMap] | None:
    candidates = list(containers(manifests))
    if select is not None:
        # A container's own name first (a workload "orders" with container "orders" and a
        # sidecar), else every container of the workload named so.
        by_container = [(m, c) for m, c in candidates if str(c.get("name", "")) == select]
        candidates = by_container or [(m, c) for m, c in candidates if m.name == select]
    if len(candidates) == 1:
        return candidates[0]
    names = sorted({f"{m.kind}/{m.name} container {c.get('name')}"
                    for m, c in containers(manifests)})
    if not names:
        files.problem(label, "no Deployment, StatefulSet, DaemonSet, Job, CronJob or Pod "
                      "with containers in the manifests")
    elif not candidates:
        files.problem(label, f"select = {select!r} matches no workload or container "
                      f"(found: {'; '.join(names)})")
    else:
        files.problem(label, "several containers; name one with select "
                      f"(found: {'; '.join(names)})")
    return None


@dataclass(frozen=True)
class _Reading:
    """One container's environment as it is read: where references resolve, what is found."""

    manifests: list[Manifest]
    manifest: Manifest
    file: str
    variables: dict[str, EnvVar]
    notes: list[str]


def _read_env_from(reading: _Reading, env_from: Any) -> None:
    file = reading.file
    for index, source in enumerate(env_from if isinstance(env_from, YamlList) else ()):
        if not isinstance(source, YamlMap):
            continue
        assert isinstance(env_from, YamlList)
        prefix = str(source.get("prefix") or "")
        line = env_from.lines[index]
        if isinstance(source.get("secretRef"), Mapping):
            reading.notes.append(
                f"envFrom Secret {source['secretRef'].get('name')!r} ({file}:{line}): "
                "its variables come from a Secret and are not inspected")
        reference = source.get("configMapRef")
        if not isinstance(reference, Mapping):
            continue
        config_map = _config_map(reading.manifests, str(reference.get("name")),
                                 reading.manifest.namespace)
        if config_map is None:
            reading.notes.append(
                f"envFrom ConfigMap {reference.get('name')!r} ({file}:{line}) is not "
                "among the manifests; its variables are unknown")
            continue
        data = config_map.body.get("data")
        if isinstance(data, YamlMap):
            for key, value in data.items():
                reading.variables[prefix + key] = EnvVar(
                    prefix + key, str(value),
                    Origin(shown(config_map.file), data.line_of(key),
                           detail=f"ConfigMap {config_map.name} key {key}, envFrom"))


def _read_env(reading: _Reading, env: Any) -> None:
    file, variables = reading.file, reading.variables
    for index, item in enumerate(env if isinstance(env, YamlList) else ()):
        assert isinstance(env, YamlList)
        if not isinstance(item, YamlMap) or not isinstance(item.get("name"), str):
            continue
        name = item["name"]
        line = env.lines[index]
        if "value" in item:
            variables[name] = EnvVar(name, _expand(str(item["value"]), variables),
                                     Origin(file, item.line_of("value"), detail=f"env {name}"))
            continue
        value_from = item.get("valueFrom")
        if not isinstance(value_from, Mapping):
            variables[name] = EnvVar(name, "", Origin(file, line, detail=f"env {name}"))
            continue
        _read_value_from(reading, name, line, value_from)


def _read_value_from(reading: _Reading, name: str, line: int, value_from: Mapping[str, Any]
                     ) -> None:
    file, variables = reading.file, reading.variables
    secret_ref = value_from.get("secretKeyRef")
    if isinstance(secret_ref, Mapping):
        secret = f"Secret {secret_ref.get('name')} key {secret_ref.get('key')}"
        variables[name] = EnvVar(name, None, Origin(file, line, detail=f"env {name}"),
                                 secret=secret)
        return
    key_ref = value_from.get("configMapKeyRef")
    if not isinstance(key_ref, Mapping):
        return
    config_map = _config_map(reading.manifests, str(key_ref.get("name")),
                             reading.manifest.namespace)
    data = config_map.body.get("data") if config_map else None
    key = str(key_ref.get("key"))
    if config_map is not None and isinstance(data, YamlMap) and key in data:
        variables[name] = EnvVar(name, str(data[key]), Origin(
            shown(config_map.file), data.line_of(key),
            detail=f"ConfigMap {config_map.name} key {key}, env {name}"))
    else:
        reading.notes.append(f"env {name} ({file}:{line}) reads ConfigMap "
                             f"{key_ref.get('name')!r} key {key!r}, which is not among the "
                             "manifests")
        variables.pop(name, None)


def _arguments(container: YamlMap, file: str, variables: Mapping[str, EnvVar]
               ) -> list[tuple[str, Origin]]:
    arguments: list[tuple[str, Origin]] = []
    for key in ("command", "args"):
        items = container.get(key)
        for index, item in enumerate(items if isinstance(items, YamlList) else ()):
            assert isinstance(items, YamlList)
            if isinstance(item, str | int | float):
                arguments.append((_expand(str(item), variables),
                                  Origin(file, items.lines[index], detail=key)))
    return arguments
