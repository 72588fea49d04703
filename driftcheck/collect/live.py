"""Collect the observations of a set of environments from the live network."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence

import httpx

from driftcheck.collect.http import FetchPolicy, JsonFetcher
from driftcheck.models import Environment
from driftcheck.observations import EnvironmentObservation, HttpObservation, Observations


async def _collect_environment(
    fetcher: JsonFetcher, environment: Environment
) -> EnvironmentObservation:
    async def get(url: str) -> HttpObservation:
        return await fetcher.get(
            url,
            allow_insecure=environment.allow_insecure_http,
            ca_bundle=environment.ca_bundle,
            allowed_hosts=environment.allowed_hosts,
        )

    runtime_urls = {
        name: frontend.runtime_config_url
        for name, frontend in environment.frontends.items()
        if frontend.runtime_config_url
    }
    discovery_url = environment.idp.discovery_url
    # Discovery and the frontends' runtime configs do not depend on each other.
    discovery, *_ = await asyncio.gather(get(discovery_url), *map(get, runtime_urls.values()))
    discovered = discovery.body.get("jwks_uri") if discovery.ok else None
    discovered_jwks = discovered if isinstance(discovered, str) and discovered else None
    declared_jwks = environment.idp.jwks_uri
    await asyncio.gather(*(get(u) for u in {discovered_jwks, declared_jwks} if u))
    return EnvironmentObservation(
        environment=environment.name,
        discovery_url=discovery_url,
        jwks_url=discovered_jwks or declared_jwks,
        declared_jwks_url=declared_jwks,
        runtime_config_urls=runtime_urls,
    )


async def collect_live_async(
    environments: Sequence[Environment],
    policy: FetchPolicy | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> tuple[Observations, JsonFetcher]:
    started = time.time()
    async with JsonFetcher(policy, transport) as fetcher:
        seen = await asyncio.gather(*(_collect_environment(fetcher, e) for e in environments))
        responses = fetcher.results()
    observations = Observations(
        collected_at=started,
        responses=responses,
        environments={s.environment: s for s in seen},
    )
    return observations, fetcher


def collect_live(
    environments: Sequence[Environment], policy: FetchPolicy | None = None
) -> Observations:
    """Fetch what every environment needs; each distinct URL once, all concurrently."""
    observations, _ = asyncio.run(collect_live_async(environments, policy))
    return observations
