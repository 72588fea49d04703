"""Collect the observations of a set of environments from the live network."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import httpx

from driftcheck.collect.http import FetchPolicy, JsonFetcher
from driftcheck.collect.probes import HeldToken, ProbeScope, run_probes
from driftcheck.collect.token_sources import Acquired, acquire, commands_end_on_sigterm
from driftcheck.models import Api, Environment, TokenSource
from driftcheck.observations import (
    EnvironmentObservation,
    FetchFailure,
    HttpObservation,
    Observations,
    SecretObservation,
    TokenObservation,
)
from driftcheck.redact import redact_private_members
from driftcheck.safe_files import UnreadableFile, read_regular_text
from driftcheck.tokens.hmac_secrets import secret_fingerprint
from driftcheck.tokens.observe import analyze, public_keys
from driftcheck.tokens.parse import repair
from driftcheck.tokens.received import AsymmetricKey, kid_index
from driftcheck.urls import Origin, named_origins, off_origin


async def _collect_environment(
    fetcher: JsonFetcher, environment: Environment
) -> EnvironmentObservation:
    # Redirects may lead to any origin the file names for this environment, and no other.
    redirect_origins = configured_origins(environment) | named_origins(
        *(f.runtime_config_url for f in environment.frontends.values()))

    async def get(url: str) -> HttpObservation:
        return await fetcher.get(
            url,
            allow_insecure=environment.allow_insecure_http,
            ca_bundle=environment.ca_bundle,
            allowed=redirect_origins,
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
    if discovered_jwks and discovered_jwks != declared_jwks:
        # A URL the IdP's document names is followed only onto a host the configuration
        # names: a tampered or misrouted discovery document cannot steer driftcheck.
        refused = off_origin(discovered_jwks, configured_origins(environment))
        if refused is not None:
            fetcher.record_refusal(discovered_jwks, refused)
            discovered_jwks_fetch = None
        else:
            discovered_jwks_fetch = discovered_jwks
    else:
        discovered_jwks_fetch = discovered_jwks
    await asyncio.gather(*(get(u) for u in {discovered_jwks_fetch, declared_jwks} if u))
    return EnvironmentObservation(
        environment=environment.name,
        discovery_url=discovery_url,
        jwks_url=discovered_jwks or declared_jwks,
        declared_jwks_url=declared_jwks,
        runtime_config_urls=runtime_urls,
    )


MAX_SECRET_BYTES = 64 * 1024


def configured_origins(environment: Environment) -> frozenset[Origin]:
    """The origins the environment file names for its IdP (and its `allowed_hosts`)."""
    return named_origins(environment.idp.issuer, environment.idp.discovery_url,
                       environment.idp.jwks_uri, allowed=environment.allowed_hosts)


def default_api(environment: Environment, for_api: str | None) -> str | None:
    """The API a token is checked against: the declared one, else the only API there is."""
    if for_api is not None:
        return for_api
    return next(iter(environment.apis)) if len(environment.apis) == 1 else None


async def _tokens(
    fetcher: JsonFetcher,
    environment: Environment,
    seen: EnvironmentObservation,
    override: str | None,
) -> list[tuple[str, str, str | None, Acquired]]:
    """(name, source kind, API, what was acquired) for each token of the environment."""
    if override is not None:
        first = next(iter(environment.tokens.values()), None)
        api = default_api(environment, first.for_api if first else None)
        return [("inspected", "inspect", api, Acquired(override))]
    discovery = fetcher.result(seen.discovery_url)
    body = discovery.body if discovery is not None and discovery.ok else None
    sources = list(environment.tokens.values())
    acquired = await asyncio.gather(*(_acquire_one(s, environment, body, fetcher)
                                      for s in sources))
    return [(s.name, s.source, default_api(environment, s.for_api), a)
            for s, a in zip(sources, acquired, strict=True)]


async def _acquire_one(source: TokenSource, environment: Environment, discovery: Any,
                       fetcher: JsonFetcher) -> Acquired:
    """One token source; its own failure is its own, never its environment's other tokens'."""
    try:
        return await acquire(source, environment, discovery, fetcher)
    except Exception as exc:  # any failure of one source is reported, never raised
        # Only the class: an exception's text may quote a secret.
        return Acquired(None, f"token source {source.source} failed: {type(exc).__name__}")


def _read_secret(api: Api) -> tuple[str | None, SecretObservation]:
    """An HS* API's shared secret exactly as the API would read it (nothing stripped: a
    stray newline is one of the things to find), and the facts about it."""
    if api.secret_refused is not None:
        return None, SecretObservation(api.name, f"secret_env {api.secret_env}",
                                       failure=api.secret_refused)
    if api.secret_env:
        source = f"secret_env {api.secret_env}"
        value = os.environ.get(api.secret_env)
        failure = None if value else f"environment variable {api.secret_env} is " + (
            "empty" if value == "" else "not set")
    else:
        assert api.secret_file is not None
        source = f"secret_file {api.secret_file}"
        try:
            value = read_regular_text(api.secret_file, MAX_SECRET_BYTES)
            failure = None if value else f"{api.secret_file} is empty"
        except UnreadableFile as exc:
            value = None
            failure = f"{api.secret_file} cannot be read: {exc}"
    if not value:
        return None, SecretObservation(api.name, source, failure=failure)
    try:
        data = value.encode()
    except UnicodeEncodeError:  # an environment variable holding bytes that are not UTF-8
        return None, SecretObservation(api.name, source, failure=f"{source} is not UTF-8 text")
    return value, SecretObservation(api.name, source, bits=len(data) * 8,
                                    fingerprint=secret_fingerprint(data))


def _secrets(environment: Environment) -> tuple[dict[str, str], tuple[SecretObservation, ...]]:
    values: dict[str, str] = {}
    facts = []
    for name, api in environment.apis.items():
        if api.secret_env or api.secret_file:
            value, observed = _read_secret(api)
            facts.append(observed)
            if value is not None:
                values[name] = value
    return values, tuple(facts)


def _observe(
    environment: str,
    name: str,
    source: str,
    api: str | None,
    acquired: Acquired,
    keys: Mapping[str, AsymmetricKey],
    secrets: Mapping[str, str],
    kids: Mapping[str, Sequence[str]] | None = None,
) -> TokenObservation:
    if acquired.raw is None:
        return TokenObservation(name=name, environment=environment, source=source, for_api=api,
                                failure=acquired.failure, received_at=time.time())
    return analyze(acquired.raw, name=name, environment=environment, source=source,
                   for_api=api, keys=keys, kids=kids, received_at=time.time(),
                   hmac_secret=secrets.get(api) if api else None)


def _unfinished(fetcher: JsonFetcher, environment: Environment,
                failure: FetchFailure) -> tuple[
        EnvironmentObservation, list[tuple[str, str, str | None, Acquired]]]:
    """What an environment still lacked at the deadline (or when its collection failed) is
    recorded as not fetched."""
    discovery = fetcher.result(environment.idp.discovery_url)
    discovered = discovery.body.get("jwks_uri") if discovery is not None and discovery.ok \
        else None
    jwks = discovered if isinstance(discovered, str) else environment.idp.jwks_uri
    for url in (environment.idp.discovery_url, jwks, environment.idp.jwks_uri):
        if url and fetcher.result(url) is None:
            fetcher.record_refusal(url, failure)
    seen = EnvironmentObservation(
        environment=environment.name, discovery_url=environment.idp.discovery_url,
        jwks_url=jwks, declared_jwks_url=environment.idp.jwks_uri)
    tokens: list[tuple[str, str, str | None, Acquired]] = [
        (t.name, str(t.source), default_api(environment, t.for_api),
         Acquired(None, failure.detail)) for t in environment.tokens.values()]
    return seen, tokens


async def collect_live_async(
    environments: Sequence[Environment],
    policy: FetchPolicy | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    token_overrides: Mapping[str, str] | None = None,
    probe_scope: ProbeScope | None = None,
) -> tuple[Observations, JsonFetcher]:
    """Discovery, JWKS and runtime configs of every environment, then their tokens, each
    verified against every key any environment publishes (to name whose key signed it),
    then the live probes (`probe_scope` None: none)."""
    started = time.time()
    overrides = token_overrides or {}
    async with JsonFetcher(policy, transport) as fetcher:

        async def pipeline(environment: Environment) -> tuple[
                EnvironmentObservation, list[tuple[str, str, str | None, Acquired]]]:
            seen = await _collect_environment(fetcher, environment)
            return seen, await _tokens(fetcher, environment, seen,
                                       overrides.get(environment.name))

        tasks = [asyncio.ensure_future(pipeline(e)) for e in environments]
        deadline = fetcher.policy.deadline
        if tasks:
            await asyncio.wait(tasks, timeout=deadline)
        outcomes = []
        for environment, task in zip(environments, tasks, strict=True):
            if task.done() and not task.cancelled() and task.exception() is None:
                outcomes.append(task.result())
            elif task.done() and not task.cancelled():
                # A failure of its own is not a deadline (there may be no --timeout at all).
                error = type(task.exception()).__name__
                outcomes.append(_unfinished(fetcher, environment, FetchFailure(
                    "collect-error", f"collecting this environment failed: {error}")))
            else:
                task.cancel()
                outcomes.append(_unfinished(fetcher, environment, FetchFailure(
                    "deadline", f"not finished within the run's --timeout of "
                    f"{deadline or 0:g} s")))
        await asyncio.gather(*tasks, return_exceptions=True)
        seen = [outcome[0] for outcome in outcomes]
        acquired = [outcome[1] for outcome in outcomes]
        responses = fetcher.results()
    # Private key members go before anything else sees a document, in any shape: key sets
    # and discovery documents (which may embed a `jwks`) wholly, other documents where an
    # object looks like a JWK.
    key_material = {u for s in seen for u in (s.discovery_url, s.jwks_url, s.declared_jwks_url)
                    if u}
    for url, response in responses.items():
        if response.ok:
            responses[url] = replace(response, body=redact_private_members(
                response.body, everywhere=url in key_material))
    key_documents = [responses[url].body for s in seen
                     for url in (s.jwks_url, s.declared_jwks_url)
                     if url and url in responses and responses[url].ok]
    keys = public_keys(key_documents)
    kids = kid_index(keys)  # once: every token looks its kid up here
    observed = []
    held: dict[str, list[HeldToken]] = {}
    for environment, seen_one, items in zip(environments, seen, acquired, strict=True):
        secret_values, secret_facts = _secrets(environment)
        tokens = tuple(_observe(environment.name, *item, keys=keys, secrets=secret_values,
                                kids=kids)
                       for item in items)
        observed.append(replace(seen_one, tokens=tokens, secrets=secret_facts))
        if probe_scope is not None and not overrides:
            held[environment.name] = [
                HeldToken(environment.name, facts.name, facts.for_api, repair(item[3].raw)[0],
                          facts)
                for item, facts in zip(items, tokens, strict=True) if item[3].raw is not None]
    if probe_scope is not None and not overrides:
        env_keys = {
            s.environment: public_keys([responses[u].body for u in (s.jwks_url,)
                                        if u and u in responses and responses[u].ok])
            for s in seen}
        deadline = policy.deadline if policy is not None else None
        remaining = None if deadline is None else max(0.0, deadline - (time.time() - started))
        probes = await run_probes(environments, held, env_keys,
                                  policy or FetchPolicy(), probe_scope, remaining, transport)
        observed = [replace(o, probes=probes.get(o.environment, ())) for o in observed]
    observations = Observations(
        collected_at=started,
        responses=responses,
        environments={s.environment: s for s in observed},
    )
    # Whatever a server echoed of a secret this run sent is gone before rules or snapshots.
    return fetcher.redactor.value(observations), fetcher


def collect_live(
    environments: Sequence[Environment],
    policy: FetchPolicy | None = None,
    token_overrides: Mapping[str, str] | None = None,
    probe_scope: ProbeScope | None = None,
) -> Observations:
    """Fetch what every environment needs; each distinct URL once, all concurrently."""
    with commands_end_on_sigterm():
        observations, _ = asyncio.run(
            collect_live_async(environments, policy, token_overrides=token_overrides,
                               probe_scope=probe_scope))
    return observations
