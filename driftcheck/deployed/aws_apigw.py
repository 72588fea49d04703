"""AWS API Gateway (HTTP API) JWT authorizers, from CloudFormation / SAM templates (YAML or
JSON) and Terraform (`aws_apigatewayv2_authorizer` with `*.tfvars`). Nothing is executed.

CloudFormation: `AWS::ApiGatewayV2::Authorizer` `JwtConfiguration.Issuer/Audience` and SAM's
`AWS::Serverless::HttpApi` `Auth.Authorizers.<name>.JwtConfiguration.issuer/audience`.
Intrinsic functions (`!Sub`, `!Ref`, `Fn::ImportValue`, ...) parse as inert values and are
reported as decided at deploy time. Terraform: literal values, and `var.NAME` resolved from
the `*.tfvars` files named in `paths` (later files win) or the variable's default; any other
reference is reported as unresolved. The authorizer checks `aud` (or `client_id`) always.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import hcl2
from lark.exceptions import UnexpectedInput

from driftcheck.deployed.files import ArtifactFiles, shown
from driftcheck.deployed.interface import Origin, ReaderOutput, Setting
from driftcheck.deployed.yaml_nodes import Intrinsic, YamlError, YamlMap, load_documents
from driftcheck.models import DeployedRef

_OPTIONS = hcl2.SerializationOptions(strip_string_quotes=True)
_VAR = re.compile(r"\$\{var\.([A-Za-z0-9_-]+)\}")
_ANY_REFERENCE = re.compile(r"\$\{")


def _intrinsic(value: Any) -> str | None:
    """How a CloudFormation value is decided at deploy time, or None for a literal."""
    if isinstance(value, Intrinsic):
        return str(value)
    if isinstance(value, dict) and len(value) == 1:
        key = next(iter(value))
        if key == "Ref" or str(key).startswith("Fn::"):
            return f"{key} {value[key]!r}"
    return None


class _Found:
    def __init__(self) -> None:
        self.authorizers: list[tuple[str, str, Any, Any, int | None, int | None]] = []
        """(name, file, issuer, audience, issuer line, audience line)"""


def _cloudformation(files: ArtifactFiles, path: Path, text: str, found: _Found) -> None:
    try:
        documents = load_documents(text)
    except YamlError as exc:
        files.problem(path, exc.message, exc.line, exc.column)
        return
    for document in documents:
        resources = document.get("Resources") if isinstance(document, YamlMap) else None
        if not isinstance(resources, YamlMap):
            continue
        for logical_id, resource in resources.items():
            if not isinstance(resource, YamlMap):
                continue
            properties = resource.get("Properties")
            if not isinstance(properties, YamlMap):
                continue
            if resource.get("Type") == "AWS::ApiGatewayV2::Authorizer" and \
                    properties.get("AuthorizerType") == "JWT":
                jwt = properties.get("JwtConfiguration")
                if isinstance(jwt, YamlMap):
                    name = properties.get("Name")
                    found.authorizers.append((
                        f"{logical_id} ({name})" if isinstance(name, str) else logical_id,
                        shown(path), jwt.get("Issuer"), jwt.get("Audience"),
                        jwt.line_of("Issuer"), jwt.line_of("Audience")))
            elif resource.get("Type") == "AWS::Serverless::HttpApi":
                auth = properties.get("Auth")
                authorizers = auth.get("Authorizers") if isinstance(auth, YamlMap) else None
                for name, authorizer in (authorizers or {}).items():
                    jwt = authorizer.get("JwtConfiguration") if isinstance(
                        authorizer, YamlMap) else None
                    if isinstance(jwt, YamlMap):
                        found.authorizers.append((
                            f"{logical_id}.{name}", shown(path), jwt.get("issuer"),
                            jwt.get("audience"), jwt.line_of("issuer"), jwt.line_of("audience")))


def _hcl(files: ArtifactFiles, path: Path, text: str) -> dict[str, Any] | None:
    try:
        return hcl2.loads(text, serialization_options=_OPTIONS)
    except UnexpectedInput as exc:
        files.problem(path, "invalid HCL: unexpected input", exc.line, exc.column)
    except Exception as exc:  # python-hcl2 raises assorted errors on bad input
        files.problem(path, f"invalid HCL: {type(exc).__name__}")
    return None


def _line_after(text: str, anchor: str, key: str) -> int | None:
    start = text.find(anchor)
    if start < 0:
        return None
    match = re.compile(rf"^\s*{re.escape(key)}\s*=", re.MULTILINE).search(text, start)
    return text.count("\n", 0, match.start()) + 1 if match else None


def _terraform(files: ArtifactFiles, paths: list[Path], found: _Found
               ) -> tuple[dict[str, Any], list[str]]:
    variables: dict[str, Any] = {}
    tfvars: dict[str, Any] = {}
    read: list[str] = []
    for path in paths:
        text = files.read_text(path)
        if text is None:
            continue
        document = _hcl(files, path, text)
        if document is None:
            continue
        read.append(shown(path))
        if path.suffix == ".tfvars" or path.name.endswith(".tfvars.json"):
            tfvars.update(document)
            continue
        for block in document.get("variable", ()):
            for name, body in block.items():
                if isinstance(body, dict) and "default" in body:
                    variables[name] = body["default"]
        for block in document.get("resource", ()):
            for name, body in (block.get("aws_apigatewayv2_authorizer") or {}).items():
                if not isinstance(body, dict):
                    continue
                for jwt in body.get("jwt_configuration") or ():
                    anchor = f'"aws_apigatewayv2_authorizer" "{name}"'
                    found.authorizers.append((
                        f"aws_apigatewayv2_authorizer.{name}", shown(path), jwt.get("issuer"),
                        jwt.get("audience"), _line_after(text, anchor, "issuer"),
                        _line_after(text, anchor, "audience")))
    return {**variables, **tfvars}, read


def _resolve(value: Any, variables: dict[str, Any]) -> tuple[Any, str | None]:
    """(value, None) or (None, why it is unresolved)."""
    if isinstance(value, list):
        items = [_resolve(v, variables) for v in value]
        why = next((w for _, w in items if w), None)
        return ([v for v, _ in items], None) if why is None else (None, why)
    if (reason := _intrinsic(value)) is not None:
        return None, f"{reason} is decided at deploy time"
    if not isinstance(value, str):
        return value, None
    whole = _VAR.fullmatch(value)
    if whole and whole[1] in variables:
        return variables[whole[1]], None

    def substitute(match: re.Match[str]) -> str:
        return str(variables[match[1]]) if match[1] in variables else match[0]

    resolved = _VAR.sub(substitute, value)
    if _ANY_REFERENCE.search(resolved):
        return None, f"{value} has no value in the *.tfvars files given (nor a default)"
    return resolved, None


class AwsApiGatewayReader:
    kinds = frozenset({"aws-apigw"})

    def read(self, ref: DeployedRef, files: ArtifactFiles) -> ReaderOutput:
        found = _Found()
        paths = files.expand(ref.paths)
        terraform = [p for p in paths if p.suffix in (".tf", ".tfvars")]
        read: list[str] = []
        for path in paths:
            if path in terraform:
                continue
            text = files.read_text(path)
            if text is not None:
                read.append(shown(path))
                _cloudformation(files, path, text, found)
        variables, tf_read = _terraform(files, terraform, found)
        read += tf_read
        chosen = [a for a in found.authorizers
                  if ref.select is None or ref.select in a[0].replace("(", " ").replace(
                      ")", " ").replace(".", " ").split()]
        if len(chosen) != 1:
            names = ", ".join(a[0] for a in found.authorizers) or "none"
            if read and not chosen:
                files.problem(", ".join(read), "no JWT authorizer" + (
                    f" named {ref.select!r}" if ref.select else "") + f" (found: {names})")
            elif chosen:
                files.problem(", ".join(read), "several JWT authorizers; name one with "
                              f"select (found: {names})")
            return ReaderOutput(tuple(read))
        name, file, issuer, audience, issuer_line, audience_line = chosen[0]
        settings: list[Setting] = []
        for field, raw, line, detail in (("issuers", issuer, issuer_line, "issuer"),
                                         ("audiences", audience, audience_line, "audience")):
            if raw is None:
                files.problem(file, f"{name} has no {detail}", line)
                continue
            value, why = _resolve(raw, variables)
            if why is not None:
                files.problem(file, f"{name} {detail}: {why}; not compared", line,
                              unresolved=True)
                continue
            values = value if isinstance(value, list) else [value]
            settings.append(Setting(field, tuple(str(v) for v in values),
                                    Origin(file, line, detail=f"{name} {detail}")))
        return ReaderOutput(tuple(read), tuple(settings))
