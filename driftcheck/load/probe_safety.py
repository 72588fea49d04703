"""Probe safety that a schema cannot express: checked once every file is loaded.

A probe sends real tokens. The rules here refuse, as configuration errors (DC001), every
declaration that would send a token where it must not go: a `prod` environment's probe URL
that lies under a non-prod environment's URL (its known-good token would leave prod), a
header that would carry credentials besides the token driftcheck sets, a `token` that names
no `[tokens.X]`. Collection enforces the same rules again when it plans the requests.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from driftcheck.load.problems import ConfigProblem
from driftcheck.models import Api, Environment, Gateway

CREDENTIAL_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie"})


def probed_components(environment: Environment) -> Iterator[tuple[str, Api | Gateway]]:
    """("apis.orders", the API) for every API and gateway that declares a probe."""
    for name, api in environment.apis.items():
        if api.probe is not None:
            yield f"apis.{name}", api
    for name, gateway in environment.gateways.items():
        if gateway.probe is not None:
            yield f"gateways.{name}", gateway


def component_urls(environment: Environment) -> Iterator[tuple[str, str]]:
    """(key path, URL) of every URL that identifies where this environment is served."""
    for name, frontend in environment.frontends.items():
        for key in ("url", "api_base_url"):
            value = getattr(frontend, key)
            if value:
                yield f"frontends.{name}.{key}", value
    for family, components in (("apis", environment.apis), ("gateways", environment.gateways)):
        for name, component in components.items():
            if component.url:
                yield f"{family}.{name}.url", component.url
            if component.probe is not None:
                yield f"{family}.{name}.probe.url", component.probe.url


def non_prod_owner(url: str, environments: Sequence[Environment]) -> tuple[str, str, str] | None:
    """(environment, key path, URL) of a non-prod environment's URL that `url` lies under."""
    from driftcheck.urls import url_under

    for other in environments:
        if other.tier == "prod":
            continue
        for key, base in component_urls(other):
            if url_under(url, base):
                return other.name, key, base
    return None


def probe_problems(environments: Sequence[Environment]) -> list[ConfigProblem]:
    problems: list[ConfigProblem] = []
    for environment in environments:

        def problem(key: str, message: str, environment: Environment = environment) -> None:
            problems.append(ConfigProblem(
                "DC001", environment.file_of(key), message, key_path=key,
                line=environment.line_of(key), environment=environment.name,
                environment_file=environment.file))

        for component, declared in probed_components(environment):
            probe = declared.probe
            assert probe is not None
            for header in probe.headers:
                if header.strip().lower() in CREDENTIAL_HEADERS:
                    problem(f"{component}.probe.headers.{header}",
                            f"the {header} header is refused: driftcheck sends the token "
                            "itself, and a probe never carries other credentials")
            if probe.token is not None and probe.token not in environment.tokens:
                known = ", ".join(sorted(environment.tokens)) or "none declared"
                problem(f"{component}.probe.token",
                        f"expected the name of a [tokens.X] of this environment, got "
                        f"{probe.token!r} (known: {known})")
            if environment.tier == "prod":
                owner = non_prod_owner(probe.url, environments)
                if owner is not None:
                    name, key, base = owner
                    problem(f"{component}.probe.url",
                            f"{probe.url} lies under {name}'s {key} ({base}), a non-prod "
                            "environment: probing it would send this prod environment's "
                            "known-good token to a non-prod URL (point the probe at this "
                            "environment's own deployment)")
    return problems
