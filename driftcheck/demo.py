"""`driftcheck demo`: the sandbox IdP, the example environments, one check, offline."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

from driftcheck.resources import data_dir
from driftcheck.run import CheckOptions, RunResult, run_check
from driftcheck.sandbox import Faults, Sandbox, default_tenant
from driftcheck.sandbox.protected import ApiFaults

SANDBOX_URL_VARIABLE = "DRIFTCHECK_SANDBOX_URL"


def secret_variable(tenant: str) -> str:
    """The variable the example environments read a tenant's probe client secret from."""
    return f"SANDBOX_PROBE_SECRET_{tenant.upper().replace('-', '_')}"


def demo_sandbox() -> Sandbox:
    """dev and staging have the drift the seed article describes; prod is dragged in.

    dev: its JWKS may be cached for 48 h (`Cache-Control`), longer than its 24 h rotation
    overlap. staging: the issuer gained a trailing slash, the IdP's clock runs 150 s ahead,
    it signs with prod's key, and its deployed frontend config calls prod's API. Their
    deployed APIs (live probes): dev's accepts another audience than its file says, and
    prod's also trusts dev's issuer, keys and audience.
    """
    sandbox = Sandbox([
        default_tenant("dev", Faults(jwks_max_age=48 * 3600)),
        default_tenant("staging", Faults(
            trailing_slash_issuer=True,
            clock_offset=150,
            shared_key_with="prod",
            frontend_config_overrides={"apiBaseUrl": "{sandbox}/apis/prod"},
        )),
        default_tenant("prod"),
    ])
    sandbox.api_faults.update({
        "dev": ApiFaults(audience="api://orders"),
        "prod": ApiFaults(accepts_tenants=("dev",)),
    })
    return sandbox


def sandbox_variables(sandbox: Sandbox) -> dict[str, str]:
    """What an environment file needs to reach this sandbox: its URL and client secrets."""
    variables = {SANDBOX_URL_VARIABLE: sandbox.url}
    for name in sandbox.tenant_names:
        for client in sandbox.tenant(name).clients:
            if client.client_id == f"probe-{name}":
                variables[secret_variable(name)] = client.secret
    return variables


@contextmanager
def exported(variables: dict[str, str]) -> Iterator[None]:
    """Set process environment variables for the duration of the block."""
    saved = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def run_demo(options: CheckOptions | None = None) -> tuple[RunResult, str]:
    """Start the sandbox on a free port, check the example environments, stop the sandbox."""
    with demo_sandbox() as sandbox, exported(sandbox_variables(sandbox)):
        checked = replace(options or CheckOptions(), paths=[data_dir("environments")])
        return run_check(checked), sandbox.url
