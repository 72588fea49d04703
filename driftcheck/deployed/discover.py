"""`driftcheck init --from-deployment DIR`: recognise deployment artifacts in a repository
and group them into environments.

Environments are named by what the artifacts say: Spring profiles (`application-prod.yml`),
ASP.NET environment names (`appsettings.Production.json`), bundler modes (`.env.staging`),
kustomize overlays and other folder names (`overlays/prod/`, `istio/staging/`), Kubernetes
namespaces (`shop-prod`) and Terraform variable files (`prod.tfvars`). Aliases fold
(Development -> dev, Production -> prod). Nothing is executed; files are read with the same
size cap as the readers.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from driftcheck.deployed.files import MAX_ARTIFACT_BYTES
from driftcheck.deployed.yaml_nodes import YamlError, YamlMap, load_documents

_SKIP_DIRS = {".git", "node_modules", ".venv", "venv", "target", "bin", "obj", "dist",
              "build", "__pycache__", ".terraform"}
_MAX_FILES = 20_000
ALIASES = {"development": "dev", "develop": "dev", "local": "dev", "stage": "staging",
           "stg": "staging", "production": "prod", "prd": "prod", "live": "prod",
           "test": "test", "qa": "qa", "uat": "uat", "preprod": "preprod"}
KNOWN = {"dev", "staging", "prod", "test", "qa", "uat", "preprod", "sandbox", "demo"}
_SPRING = re.compile(r"^application(?:-(?P<profile>[^.]+))?\.(?:ya?ml|properties)$")
_APPSETTINGS = re.compile(r"^appsettings(?:\.(?P<env>[^.]+))?\.json$", re.IGNORECASE)
_DOTENV = re.compile(r"^\.env(?:\.(?P<mode>[^.]+))?(?P<local>\.local)?$")
_HELM_VALUES = re.compile(r"^values-(?P<env>[^.]+)\.ya?ml$")


def environment_name(raw: str) -> str:
    lowered = raw.lower()
    return ALIASES.get(lowered, lowered)


def environment_in_path(path: Path, root: Path) -> str | None:
    """An environment named by a folder (or a namespace-like `shop-prod` part) of `path`."""
    for part in reversed(path.relative_to(root).parts[:-1]):
        name = environment_name(part)
        if name in KNOWN:
            return name
        for piece in re.split(r"[-_.]", part.lower()):
            if environment_name(piece) in KNOWN:
                return environment_name(piece)
    return None


@dataclass
class Component:
    family: str
    """apis | gateways | frontends"""
    name: str
    kind: str
    paths: dict[str, list[Path]] = field(default_factory=dict)
    """environment -> artifact files (or globs) for it"""
    profiles: dict[str, str] = field(default_factory=dict)
    """environment -> the framework's own name for it (Spring profile, ASP.NET name, mode)"""
    select: str | None = None
    manifests: dict[str, list[Path]] = field(default_factory=dict)
    map: dict[str, str] = field(default_factory=dict)
    """For frontends: field -> the bundler variable that sets it."""


@dataclass
class Discovery:
    root: Path
    components: list[Component] = field(default_factory=list)
    manifests: dict[str, list[Path]] = field(default_factory=dict)
    """environment -> rendered Kubernetes manifests (with workloads)"""
    workloads: dict[Path, set[str]] = field(default_factory=dict)
    """manifest -> workload and container names in it"""
    not_placed: list[str] = field(default_factory=list)

    def environments(self) -> list[str]:
        names = {e for c in self.components for e in c.paths} | set(self.manifests)
        return sorted(names)


def _files(root: Path) -> Iterator[Path]:
    count = 0
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not (
            d.startswith(".") and d != ".env"))
        for name in sorted(names):
            path = Path(folder) / name
            if path.is_symlink() or not path.is_file():
                continue  # a symlink could lead anywhere: not followed
            count += 1
            if count > _MAX_FILES:
                return
            yield path


def _text(path: Path) -> str | None:
    try:
        if path.stat().st_size > MAX_ARTIFACT_BYTES:
            return None
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None


def _kustomize_inputs(root: Path) -> set[Path]:
    """Files a kustomization lists (resources, patches): inputs, not rendered manifests."""
    inputs: set[Path] = set()
    for path in _files(root):
        if path.name not in ("kustomization.yaml", "kustomization.yml", "Kustomization"):
            continue
        for document in _yaml_kinds(_text(path) or ""):
            listed: list[object] = []
            for key in ("resources", "patchesStrategicMerge", "components"):
                listed += list(document.get(key) or ())
            for patch in document.get("patches") or ():
                listed.append(patch.get("path") if isinstance(patch, YamlMap) else patch)
            inputs |= {(path.parent / str(item)).resolve() for item in listed
                       if isinstance(item, str) and not item.startswith(("http", "git"))}
            inputs.add(path.resolve())
    return {p for p in inputs if p.is_file()} | {
        f for p in inputs if p.is_dir() for f in p.iterdir() if f.suffix in (".yaml", ".yml")}


def _project_name(folder: Path, root: Path) -> str:
    """`orders-api/src/main/resources` -> orders-api; `billing-api` -> billing-api."""
    parts = folder.relative_to(root).parts
    for marker in ("src", "config", "resources"):
        if marker in parts:
            parts = parts[: parts.index(marker)]
    name = parts[-1] if parts else root.name
    return re.sub(r"[^A-Za-z0-9_-]", "-", name)


def _component(discovery: Discovery, family: str, name: str, kind: str) -> Component:
    for component in discovery.components:
        if (component.family, component.name) == (family, name):
            return component
    component = Component(family, name, kind)
    discovery.components.append(component)
    return component


def _yaml_kinds(text: str) -> list[YamlMap]:
    try:
        return [d for d in load_documents(text) if isinstance(d, YamlMap)]
    except YamlError:
        return []


@dataclass
class _ProfileFiles:
    """Per folder, the files named for an environment (profile -> path; "" is the base file)."""

    spring: dict[Path, dict[str, Path]] = field(default_factory=dict)
    dotnet: dict[Path, dict[str, Path]] = field(default_factory=dict)
    dotenv: dict[Path, dict[str, Path]] = field(default_factory=dict)


def discover(root: Path) -> Discovery:
    discovery = Discovery(root)
    profile_files = _ProfileFiles()
    kustomize_inputs = _kustomize_inputs(root)
    for path in _files(root):
        relative = str(path.relative_to(root))
        if path in kustomize_inputs:
            _note_kustomize_input(discovery, path, relative)
        elif not _sort_profile_file(profile_files, path):
            _sort_other_file(discovery, path, relative)
    _place_profile_files(discovery, profile_files)
    _attach_manifests(discovery)
    return discovery


def _note_kustomize_input(discovery: Discovery, path: Path, relative: str) -> None:
    if not path.name.startswith(("kustomization", "Kustomization")):
        discovery.not_placed.append(f"{relative}: a kustomize input; point `manifests` "
                                    "at the output of `kustomize build` instead")


def _sort_profile_file(profile_files: _ProfileFiles, path: Path) -> bool:
    """File `path` if its name marks an environment's profile; False if it does not."""
    name = path.name
    if (match := _SPRING.match(name)) and ({"resources", "config"} & set(path.parts)):
        profile_files.spring.setdefault(path.parent, {})[match["profile"] or ""] = path
    elif match := _APPSETTINGS.match(name):
        profile_files.dotnet.setdefault(path.parent, {})[match["env"] or ""] = path
    elif (match := _DOTENV.match(name)) and (path.parent / "package.json").exists():
        if not match["local"]:
            profile_files.dotenv.setdefault(path.parent, {})[match["mode"] or ""] = path
    else:
        return False
    return True


def _sort_other_file(discovery: Discovery, path: Path, relative: str) -> None:
    if _HELM_VALUES.match(path.name):
        discovery.not_placed.append(f"{relative}: Helm values; render them with `helm "
                                    "template` and point `manifests` at the output")
    elif path.suffix in (".yaml", ".yml", ".json", ".tf"):
        _classify(discovery, path, relative)


def _place_profile_files(discovery: Discovery, profile_files: _ProfileFiles) -> None:
    for folder, files in profile_files.spring.items():
        _place_profiles(discovery, folder, files, "spring-boot")
    for folder, files in profile_files.dotnet.items():
        text = "".join(_text(p) or "" for p in files.values())
        kind = "microsoft-identity-web" if '"AzureAd"' in text and \
            '"Authentication"' not in text else "aspnetcore"
        _place_profiles(discovery, folder, files, kind)
    for folder, files in profile_files.dotenv.items():
        _place_frontend(discovery, folder, files)


def _place_profiles(discovery: Discovery, folder: Path, files: dict[str, Path],
                    kind: str) -> None:
    name = _project_name(folder, discovery.root)
    profiles = [p for p in files if p]
    if not profiles:
        discovery.not_placed.append(f"{files[''].relative_to(discovery.root)}: no "
                                    "environment-specific file next to it")
        return
    component = _component(discovery, "apis", name, kind)
    component.select = name
    glob = "application*.*" if kind == "spring-boot" else "appsettings*.json"
    for profile in profiles:
        environment = environment_name(profile)
        component.paths[environment] = [folder / glob]
        component.profiles[environment] = profile


def _place_frontend(discovery: Discovery, folder: Path, files: dict[str, Path]) -> None:
    package = _text(folder / "package.json") or "{}"
    try:
        dependencies = json.loads(package)
    except ValueError:
        dependencies = {}
    names = {**dependencies.get("dependencies", {}), **dependencies.get("devDependencies", {})}
    kind = "nextjs" if "next" in names else "create-react-app" if "react-scripts" in names \
        else "vite" if "vite" in names else None
    relative = folder.relative_to(discovery.root)
    if kind is None:
        discovery.not_placed.append(f"{relative}/.env*: not a Vite, Next.js or Create React "
                                    "App project (package.json)")
        return
    prefix = {"vite": "VITE_", "nextjs": "NEXT_PUBLIC_", "create-react-app": "REACT_APP_"}[kind]
    text = "".join(_text(p) or "" for p in files.values())
    variables = sorted(set(re.findall(rf"^({prefix}[A-Z0-9_]+)=", text, re.MULTILINE)))
    component = _component(discovery, "frontends", _project_name(folder, discovery.root), kind)
    mapping = component.map
    for field_name, words in (("authority", ("AUTHORITY", "ISSUER")),
                              ("client_id", ("CLIENT_ID",)), ("audience", ("AUDIENCE",)),
                              ("api_base_url", ("API_BASE_URL", "API_URL"))):
        found = next((v for v in variables if any(v.endswith(w) for w in words)), None)
        if found:
            mapping[field_name] = found
    modes = [m for m in files if m]
    for mode in modes:
        environment = environment_name(mode)
        component.paths[environment] = [folder / ".env*"]
        component.profiles[environment] = mode


_WORKLOAD_KINDS = {"Deployment", "StatefulSet", "DaemonSet", "Pod", "Job", "CronJob"}


def _classify(discovery: Discovery, path: Path, relative: str) -> None:
    text = _text(path)
    if text is None:
        return
    if path.suffix == ".tf":
        _classify_terraform(discovery, path, relative, text)
        return
    environment = environment_in_path(path, discovery.root)
    documents = _yaml_kinds(text) if path.suffix != ".json" or "Resources" in text else []
    kinds = {str(d.get("kind", "")) for d in documents}
    if "RequestAuthentication" in kinds:
        _place_istio(discovery, path, relative, environment, documents)
    elif kinds & _WORKLOAD_KINDS:
        _place_workloads(discovery, path, relative, environment, documents)
    elif "envoy.filters.http.jwt_authn" in text and "providers" in text:
        _place_gateway(discovery, path, environment, ("envoy", "envoy"),
                       f"{relative}: Envoy jwt_authn with no environment in its path")
    elif any(d.get("_format_version") for d in documents):
        _place_gateway(discovery, path, environment, ("kong", "kong"),
                       f"{relative}: Kong declarative config with no environment in its path")
    elif "AWS::ApiGatewayV2::Authorizer" in text or "AWS::Serverless::HttpApi" in text:
        _place_gateway(discovery, path, environment, ("apigw", "aws-apigw"),
                       f"{relative}: an API Gateway template is deployed per stage with "
                       "parameters; name its stage folder")


def _classify_terraform(discovery: Discovery, path: Path, relative: str, text: str) -> None:
    if "aws_apigatewayv2_authorizer" not in text:
        return
    tfvars = sorted(path.parent.glob("*.tfvars"))
    component = _component(discovery, "gateways", "apigw", "aws-apigw")
    if not tfvars:
        discovery.not_placed.append(f"{relative}: no *.tfvars next to it to name environments")
    for variables in tfvars:
        name = environment_name(variables.stem)
        component.paths[name] = [path.parent / "*.tf", variables]


def _place_gateway(discovery: Discovery, path: Path, environment: str | None,
                   name_and_kind: tuple[str, str], not_placed: str) -> None:
    """One gateway file per environment; without an environment in its path it is not placed."""
    if environment is None:
        discovery.not_placed.append(not_placed)
        return
    name, kind = name_and_kind
    _component(discovery, "gateways", name, kind).paths[environment] = [path]


def _place_istio(discovery: Discovery, path: Path, relative: str, environment: str | None,
                 documents: list[YamlMap]) -> None:
    if environment is None:
        discovery.not_placed.append(f"{relative}: RequestAuthentication with no "
                                    "environment in its path")
        return
    name = next(str(d.get("metadata", {}).get("name", "edge")) for d in documents
                if d.get("kind") == "RequestAuthentication")
    component = _component(discovery, "gateways", re.sub(r"[^A-Za-z0-9_-]", "-", name),
                           "istio")
    component.paths[environment] = [path.parent / "*.yaml"]


def _place_workloads(discovery: Discovery, path: Path, relative: str, environment: str | None,
                     documents: list[YamlMap]) -> None:
    names, namespaces = _workload_names(documents)
    if environment is None and len(namespaces) == 1:
        environment = environment_in_path(Path(next(iter(namespaces))) / "x", Path("."))
    if environment is None:
        discovery.not_placed.append(f"{relative}: workloads with no environment in their "
                                    "folder names or namespace (a kustomize base?)")
        return
    discovery.manifests.setdefault(environment, []).append(path)
    discovery.workloads[path] = names


def _workload_names(documents: list[YamlMap]) -> tuple[set[str], set[str]]:
    """The workloads' and their containers' names, and their namespaces."""
    names: set[str] = set()
    namespaces: set[str] = set()
    for document in documents:
        metadata = document.get("metadata")
        if isinstance(metadata, YamlMap):
            names.add(str(metadata.get("name", "")))
            if metadata.get("namespace"):
                namespaces.add(str(metadata["namespace"]))
        spec = document.get("spec")
        template = spec.get("template") if isinstance(spec, YamlMap) else None
        pod = template.get("spec") if isinstance(template, YamlMap) else None
        for container in pod.get("containers") or () if isinstance(pod, YamlMap) else ():
            if isinstance(container, YamlMap):
                names.add(str(container.get("name", "")))
    return names, namespaces


def _attach_manifests(discovery: Discovery) -> None:
    for component in discovery.components:
        if component.kind not in ("spring-boot", "aspnetcore", "microsoft-identity-web"):
            continue
        for environment in component.paths:
            for manifest in discovery.manifests.get(environment, ()):
                if component.name in discovery.workloads.get(manifest, set()):
                    component.manifests.setdefault(environment, []).append(manifest)
