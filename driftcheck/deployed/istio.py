"""Istio `RequestAuthentication` (spec.jwtRules: issuer, audiences, jwksUri) and whether an
`AuthorizationPolicy` for the same workload requires a request principal.

A RequestAuthentication alone only rejects *invalid* tokens: a request with no token passes
unless an AuthorizationPolicy requires `requestPrincipals` (Istio security docs,
"Require a valid token"). Without audiences the generated Envoy provider does not check `aud`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from driftcheck.deployed.files import ArtifactFiles, shown
from driftcheck.deployed.interface import DisabledCheck, Origin, ReaderOutput, Setting
from driftcheck.deployed.kubernetes import Manifest, load_manifests
from driftcheck.deployed.yaml_nodes import YamlList, YamlMap
from driftcheck.models import DeployedRef

ENVOY_DEFAULT_SKEW = "Envoy jwt_authn JwtProvider.clock_skew_seconds: 60 s by default"


def _labels(manifest: Manifest) -> dict[str, str] | None:
    """The workload selector's matchLabels, or None for a namespace-wide object."""
    spec = manifest.body.get("spec")
    selector = spec.get("selector") if isinstance(spec, Mapping) else None
    labels = selector.get("matchLabels") if isinstance(selector, Mapping) else None
    return {str(k): str(v) for k, v in labels.items()} if isinstance(labels, Mapping) else None


def _applies(policy: Manifest, target: Manifest) -> bool:
    if policy.namespace != target.namespace:
        return False
    labels = _labels(policy)
    return labels is None or labels == _labels(target)


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
        candidates = [m for m in manifests if m.kind == "RequestAuthentication"
                      and (ref.select is None or m.name == ref.select)]
        label = ", ".join(sorted({shown(m.file) for m in manifests})) or ", ".join(ref.paths)
        if len(candidates) != 1:
            found = sorted(m.name for m in manifests if m.kind == "RequestAuthentication")
            if not found and not files.problems:
                files.problem(label, "no RequestAuthentication in these files")
            elif not candidates:
                files.problem(label, f"select = {ref.select!r} matches no RequestAuthentication "
                              f"(found: {', '.join(found)})")
            else:
                files.problem(label, "several RequestAuthentications; name one with select "
                              f"(found: {', '.join(found)})")
            return ReaderOutput(tuple(sorted({shown(m.file) for m in manifests})))
        request_authentication = candidates[0]
        file = shown(request_authentication.file)
        spec = request_authentication.body.get("spec")
        rules = spec.get("jwtRules") if isinstance(spec, YamlMap) else None
        settings: list[Setting] = []
        disabled: list[DisabledCheck] = []
        issuers: list[str] = []
        audiences: list[str] = []
        first_issuer: Origin | None = None
        first_audience: Origin | None = None
        jwks: Setting | None = None
        if not isinstance(rules, YamlList) or not rules:
            files.problem(file, f"RequestAuthentication {request_authentication.name} has no "
                          "jwtRules", request_authentication.body.line)
            return ReaderOutput((file,))
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
            settings.append(Setting("audiences", tuple(dict.fromkeys(audiences)),
                                    first_audience))
        if jwks is not None:
            settings.append(jwks)
        settings.append(Setting("clock_skew", 60.0, Origin(default=ENVOY_DEFAULT_SKEW)))
        policies = [m for m in manifests if m.kind == "AuthorizationPolicy"
                    and _applies(m, request_authentication)]
        if not any(_requires_principal(p) for p in policies):
            disabled.append(DisabledCheck(
                "principal", f"no AuthorizationPolicy for RequestAuthentication "
                f"{request_authentication.name}'s workload requires a request principal: "
                "requests without a token pass", Origin(file, request_authentication.body.line,
                                                        detail=request_authentication.name)))
        read = tuple(sorted({shown(m.file) for m in manifests}))
        return ReaderOutput(read, tuple(settings), tuple(disabled))
