"""Istio `RequestAuthentication` (spec.jwtRules: issuer, audiences, jwksUri) and whether an
`AuthorizationPolicy` for the same workload requires a request principal.

A RequestAuthentication alone only rejects *invalid* tokens: a request with no token passes
unless an AuthorizationPolicy requires `requestPrincipals` (Istio security docs,
"Require a valid token"). Without audiences the generated Envoy provider does not check `aud`.

Which policies apply is matched as Istio attaches them (istio.io "Authorization Policy"
reference, `selector` and `TargetRef`): "The selector will match with workloads in the same
namespace as the authorization policy. If the authorization policy is in the root namespace,
the selector will additionally match with workloads in all namespaces"; no selector means the
whole namespace (the whole mesh from the root namespace); `targetRefs` attach to a Gateway
(group gateway.networking.k8s.io), a Service or ServiceEntry in the same namespace, and
sidecars ignore them. The root namespace is MeshConfig.rootNamespace (default istio-system),
read from the `istio` ConfigMap or an IstioOperator when they are among the files.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from driftcheck.deployed.files import ArtifactFiles, shown
from driftcheck.deployed.interface import DisabledCheck, Origin, ReaderOutput, Setting
from driftcheck.deployed.kubernetes import Manifest, load_manifests
from driftcheck.deployed.yaml_nodes import YamlList, YamlMap
from driftcheck.models import DeployedRef

ENVOY_DEFAULT_SKEW = "Envoy jwt_authn JwtProvider.clock_skew_seconds: 60 s by default"


DEFAULT_ROOT_NAMESPACE = "istio-system"  # MeshConfig.rootNamespace default
GATEWAY_GROUP = "gateway.networking.k8s.io"
_GATEWAY_POD_LABELS = ("gateway.networking.k8s.io/gateway-name", "istio.io/gateway-name")
"""Labels Istio puts on the pods it deploys for a Gateway API `Gateway`."""


@dataclass(frozen=True)
class _Target:
    """What a RequestAuthentication or AuthorizationPolicy applies to (Istio
    "Authorization Policy" reference: `metadata.namespace` + `selector`, or `targetRefs`)."""

    namespace: str | None
    labels: Mapping[str, str] | None
    """selector.matchLabels; None when there is no selector."""
    refs: frozenset[tuple[str, str, str]]
    """(group, kind, name) of targetRef / targetRefs; group "" and "core" are one."""


def _target(manifest: Manifest) -> _Target:
    spec = manifest.body.get("spec")
    spec = spec if isinstance(spec, Mapping) else {}
    selector = spec.get("selector")
    labels = selector.get("matchLabels") if isinstance(selector, Mapping) else None
    listed = spec.get("targetRefs")
    refs = [r for r in (listed if isinstance(listed, list) else []) if isinstance(r, Mapping)]
    if isinstance(spec.get("targetRef"), Mapping):
        refs.append(spec["targetRef"])
    return _Target(
        manifest.namespace,
        {str(k): str(v) for k, v in labels.items()} if isinstance(labels, Mapping) else None,
        frozenset((_group(r.get("group")), str(r.get("kind", "")), str(r.get("name", "")))
                  for r in refs))


def _group(group: Any) -> str:
    return "core" if group in (None, "", "core") else str(group)


def _workload_labels(target: _Target) -> Mapping[str, str] | None:
    """Labels the object's pods are known to carry: its selector, or the labels Istio puts on
    the pods of a targeted Gateway; None for a namespace- or mesh-wide object."""
    if target.labels is not None:
        return target.labels
    gateways = [name for group, kind, name in target.refs
                if kind == "Gateway" and group == GATEWAY_GROUP]
    return {_GATEWAY_POD_LABELS[0]: gateways[0]} if len(gateways) == 1 else None


def root_namespace(manifests: list[Manifest]) -> tuple[str, str]:
    """MeshConfig.rootNamespace from the `istio` ConfigMap (data.mesh) or an IstioOperator
    (spec.meshConfig) among the manifests, else Istio's default; and where it comes from."""
    for manifest in manifests:
        spec = manifest.body.get("spec")
        mesh: Any = None
        if manifest.kind == "IstioOperator" and isinstance(spec, Mapping):
            mesh = spec.get("meshConfig")
        elif manifest.kind == "ConfigMap" and (manifest.name == "istio" or
                                               manifest.name.startswith("istio-")):
            data = manifest.body.get("data")
            text = data.get("mesh") if isinstance(data, Mapping) else None
            try:
                mesh = yaml.safe_load(text) if isinstance(text, str) else None
            except yaml.YAMLError:
                mesh = None
        if isinstance(mesh, Mapping) and isinstance(mesh.get("rootNamespace"), str):
            return mesh["rootNamespace"], f"{shown(manifest.file)} ({manifest.kind} " \
                f"{manifest.name}: rootNamespace)"
    return DEFAULT_ROOT_NAMESPACE, "Istio's default MeshConfig.rootNamespace"


def _applies(policy: Manifest, target: Manifest, root: str) -> bool:
    """Whether the AuthorizationPolicy covers every workload the RequestAuthentication
    applies to, as Istio attaches policies: `targetRefs` attach to the named Gateway (or
    Service/ServiceEntry, for waypoints) in the policy's namespace and are ignored by
    sidecars; a selector matches workloads of the policy's namespace, or of every namespace
    when the policy is in the root namespace; no selector covers the namespace (the mesh
    from the root namespace)."""
    ap, ra = _target(policy), _target(target)
    if ap.refs:
        if ap.namespace != ra.namespace:
            return False
        if ap.refs & ra.refs:
            return True
        labels = _workload_labels(ra) or {}
        return any(kind == "Gateway" and group == GATEWAY_GROUP and name in (
            labels.get(key) for key in _GATEWAY_POD_LABELS) for group, kind, name in ap.refs)
    if ap.namespace != root and ap.namespace != ra.namespace:
        return False
    if ra.namespace == root and ra.labels is None and not ra.refs:
        return ap.namespace == root and ap.labels is None  # a mesh-wide RequestAuthentication
    if ap.labels is None:
        return True  # the policy's whole namespace, or the mesh from the root namespace
    workload = _workload_labels(ra)
    if workload is None or (ra.namespace == root and ap.namespace != root):
        return False  # the policy covers only some of the workloads
    return all(workload.get(k) == v for k, v in ap.labels.items())


def _requires_principal(policy: Manifest) -> bool:
    """ALLOW with every rule's `from` naming requestPrincipals, or DENY of
    notRequestPrincipals."""
    spec = policy.body.get("spec")
    if not isinstance(spec, Mapping):
        return False
    action = str(spec.get("action", "ALLOW")).upper()
    rules: list[Any] = list(spec.get("rules") or [])

    def sources(rule: Any, key: str) -> bool:
        froms = rule.get("from") if isinstance(rule, Mapping) else None
        if not isinstance(froms, list) or not froms:
            return False
        return all(
            isinstance(f, Mapping) and isinstance(f.get("source"), Mapping)
            and f["source"].get(key) for f in froms)

    if action == "ALLOW":
        return bool(rules) and all(sources(r, "requestPrincipals") for r in rules)
    if action == "DENY":
        return any(sources(r, "notRequestPrincipals") for r in rules)
    return False


class IstioReader:
    kinds = frozenset({"istio"})

    def read(self, ref: DeployedRef, files: ArtifactFiles) -> ReaderOutput:
        manifests = load_manifests(files, ref.paths)
        request_authentication = _the_request_authentication(files, manifests, ref)
        if request_authentication is None:
            return ReaderOutput(tuple(sorted({shown(m.file) for m in manifests})))
        file = shown(request_authentication.file)
        spec = request_authentication.body.get("spec")
        rules = spec.get("jwtRules") if isinstance(spec, YamlMap) else None
        if not isinstance(rules, YamlList) or not rules:
            files.problem(file, f"RequestAuthentication {request_authentication.name} has no "
                          "jwtRules", request_authentication.body.line)
            return ReaderOutput((file,))
        disabled: list[DisabledCheck] = []
        settings = _rule_settings(file, rules, disabled)
        settings.append(Setting("clock_skew", 60.0, Origin(default=ENVOY_DEFAULT_SKEW)))
        root, root_source = root_namespace(manifests)
        policies = _policies(files, manifests, request_authentication, root)
        if not any(_requires_principal(p) for p in policies):
            disabled.append(DisabledCheck(
                "principal", f"no AuthorizationPolicy for RequestAuthentication "
                f"{request_authentication.name}'s workload requires a request principal "
                f"(root namespace {root}: {root_source}): requests without a token pass",
                Origin(file, request_authentication.body.line,
                       detail=request_authentication.name)))
        read = tuple(sorted({shown(m.file) for m in manifests}))
        return ReaderOutput(read, tuple(settings), tuple(disabled))


def _the_request_authentication(files: ArtifactFiles, manifests: list[Manifest],
                                ref: DeployedRef) -> Manifest | None:
    """The one RequestAuthentication `ref` designates; None with a problem otherwise."""
    candidates = [m for m in manifests if m.kind == "RequestAuthentication"
                  and (ref.select is None or m.name == ref.select)]
    if len(candidates) == 1:
        return candidates[0]
    label = ", ".join(sorted({shown(m.file) for m in manifests})) or ", ".join(ref.paths)
    found = sorted(m.name for m in manifests if m.kind == "RequestAuthentication")
    if not found and not files.problems:
        files.problem(label, "no RequestAuthentication in these files")
    elif not candidates:
        files.problem(label, f"select = {ref.select!r} matches no RequestAuthentication "
                      f"(found: {', '.join(found)})")
    else:
        files.problem(label, "several RequestAuthentications; name one with select "
                      f"(found: {', '.join(found)})")
    return None


def _rule_settings(file: str, rules: YamlList, disabled: list[DisabledCheck]) -> list[Setting]:
    """The jwtRules' issuers, audiences and first jwksUri; a rule without issuer or audiences
    disables that check."""
    settings: list[Setting] = []
    issuers: list[str] = []
    audiences: list[str] = []
    first_issuer: Origin | None = None
    first_audience: Origin | None = None
    jwks: Setting | None = None
    for index, rule in enumerate(rules):
        if not isinstance(rule, YamlMap):
            continue
        line = rules.lines[index]
        issuer = rule.get("issuer")
        if isinstance(issuer, str) and issuer:
            issuers.append(issuer)
            first_issuer = first_issuer or Origin(file, rule.line_of("issuer"),
                                                  detail=f"jwtRules[{index}].issuer")
        else:
            disabled.append(DisabledCheck(
                "issuer", f"jwtRules[{index}] has no issuer", Origin(file, line)))
        rule_audiences = rule.get("audiences")
        if isinstance(rule_audiences, list) and rule_audiences:
            audiences.extend(str(a) for a in rule_audiences)
            first_audience = first_audience or Origin(
                file, rule.line_of("audiences"), detail=f"jwtRules[{index}].audiences")
        else:
            disabled.append(DisabledCheck(
                "audience", f"jwtRules[{index}] ({issuer}) has no audiences: `aud` is not "
                "checked", Origin(file, line, detail=f"jwtRules[{index}]")))
        if jwks is None and isinstance(rule.get("jwksUri"), str):
            jwks = Setting("jwks_uri", rule["jwksUri"], Origin(
                file, rule.line_of("jwksUri"), detail=f"jwtRules[{index}].jwksUri"))
    if issuers and first_issuer:
        settings.append(Setting("issuers", tuple(dict.fromkeys(issuers)), first_issuer))
    if audiences and first_audience and not any(d.check == "audience" for d in disabled):
        settings.append(Setting("audiences", tuple(dict.fromkeys(audiences)), first_audience))
    if jwks is not None:
        settings.append(jwks)
    return settings


def _policies(files: ArtifactFiles, manifests: list[Manifest],
              request_authentication: Manifest, root: str) -> list[Manifest]:
    """The AuthorizationPolicies that apply to the RequestAuthentication's workload."""
    policies = []
    for policy in (m for m in manifests if m.kind == "AuthorizationPolicy"):
        spec = policy.body.get("spec")
        if isinstance(spec, Mapping) and spec.get("selector") is not None and (
                spec.get("targetRef") is not None or spec.get("targetRefs") is not None):
            files.problem(policy.file, f"AuthorizationPolicy {policy.name} sets both "
                          "selector and targetRefs: Istio accepts only one",
                          spec.line_of("targetRefs" if "targetRefs" in spec else
                                       "targetRef") if isinstance(spec, YamlMap)
                          else policy.body.line)
        elif _applies(policy, request_authentication, root):
            policies.append(policy)
    return policies
