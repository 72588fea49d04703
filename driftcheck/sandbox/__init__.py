"""The built-in sandbox OIDC provider used by `driftcheck demo`, `driftcheck sandbox` and tests."""

from driftcheck.sandbox.server import Sandbox
from driftcheck.sandbox.tenants import FAULT_NAMES, Client, Faults, TenantSpec, default_tenant

__all__ = ["FAULT_NAMES", "Client", "Faults", "Sandbox", "TenantSpec", "default_tenant"]
