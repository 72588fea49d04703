"""Run the reader of each component that names deployed artifacts (local files only)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from driftcheck.deployed.files import ArtifactFiles
from driftcheck.deployed.interface import Reader, Reading
from driftcheck.models import DeployedRef, Environment


def readers() -> dict[str, Reader]:
    """kind -> its reader: the explicit list of reader modules."""
    from driftcheck.deployed.aspnetcore import AspNetCoreReader, IdentityWebReader
    from driftcheck.deployed.aws_apigw import AwsApiGatewayReader
    from driftcheck.deployed.envoy import EnvoyReader
    from driftcheck.deployed.express_jwt import ExpressJwtBearerReader
    from driftcheck.deployed.frontend import DotenvFrontendReader, JsonRuntimeConfigReader
    from driftcheck.deployed.istio import IstioReader
    from driftcheck.deployed.kong import KongReader
    from driftcheck.deployed.oauth2_proxy import OAuth2ProxyReader
    from driftcheck.deployed.spring_boot import SpringBootReader

    found: dict[str, Reader] = {}
    for reader in (SpringBootReader(), AspNetCoreReader(), IdentityWebReader(), EnvoyReader(),
                   IstioReader(), KongReader(), OAuth2ProxyReader(), AwsApiGatewayReader(),
                   ExpressJwtBearerReader(), DotenvFrontendReader(),
                   JsonRuntimeConfigReader()):
        for kind in reader.kinds:
            found[kind] = reader
    return found


def deployed_refs(environment: Environment) -> Iterator[tuple[str, DeployedRef]]:
    for family, components in (("apis", environment.apis), ("gateways", environment.gateways),
                               ("frontends", environment.frontends)):
        for name, component in components.items():
            if component.deployed is not None:
                yield f"{family}.{name}", component.deployed


def read_component(component: str, ref: DeployedRef) -> Reading:
    files = ArtifactFiles(ref.roots)
    reader = readers().get(ref.kind)
    if reader is None:
        files.problem(ref.declared_in, f"{component}.deployed: kind {ref.kind!r} has no "
                      "reader in this build")
        return Reading(component, ref.kind, problems=tuple(files.problems))
    output = reader.read(ref, files)
    return Reading(component, ref.kind, output.files, output.settings, output.disabled,
                   tuple(files.problems) + output.problems, output.notes)


def read_deployments(environments: Sequence[Environment]
                     ) -> dict[str, tuple[Reading, ...]]:
    """Environment name -> what each of its components' artifacts say."""
    return {e.name: tuple(read_component(c, r) for c, r in deployed_refs(e))
            for e in environments if any(True for _ in deployed_refs(e))}
