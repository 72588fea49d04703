"""Fixes that name what to change for this component and its validator: the key path in the
environment file and, where a validator profile applies, that framework's own setting."""

from __future__ import annotations

from collections.abc import Sequence

from driftcheck.models import Environment
from driftcheck.profiles import DEFAULT_PROFILE, get_profile


def _validator(environment: Environment, component: str) -> str | None:
    family, _, name = component.partition(".")
    if family == "apis" and name in environment.apis:
        return environment.apis[name].validator
    if family == "gateways" and name in environment.gateways:
        return environment.gateways[name].validator
    return None


def algorithms_fix(environment: Environment, component: str, signs_with: Sequence[str]) -> str:
    """Align one API's or gateway's accepted algorithms with what its IdP signs with."""
    wanted = ", ".join(f'"{a}"' for a in signs_with)
    text = (f"Set `{component}.algorithms = [{wanted}]` (what the IdP signs with)"
            if signs_with else
            f"List in `{component}.algorithms` exactly the algorithms the IdP signs with")
    validator = _validator(environment, component)
    if validator is not None and validator != DEFAULT_PROFILE:
        profile = get_profile(validator)
        setting = profile.algorithms_setting.value
        text += (f", and the same in {profile.name}'s `{setting}` where the API is deployed"
                 if setting else
                 f" ({profile.name} has no algorithm setting: its JWKS keys decide)")
    return text + "; or make the IdP sign with an algorithm the API accepts."
