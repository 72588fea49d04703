"""Live probes: ask each deployed API and gateway what it does with real and forged tokens.

Safety is enforced here, whatever the configuration says:
- requests go only to the probe URL the environment file names, never to a URL a response
  names (redirects are recorded, not followed);
- only GET or HEAD, one request per case, no retry;
- a `prod` environment's token never goes to a non-prod environment (its tier, or a URL that
  lies under a non-prod environment's URL);
- plain http only on loopback (or where the environment allows it), like every fetch;
- each answer is read up to `MAX_PROBE_BYTES`, and every token sent is redacted from it
  before anything is kept (see redact.py);
- the whole probe phase ends at the run's `--timeout`: cases not sent by then say so.

Tokens are the ones collection acquired once for the run; nothing here asks an IdP again.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import time
import urllib.request
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

import httpx

from driftcheck.collect.forge import FORGED_LABELS, forge
from driftcheck.collect.http import FetchPolicy, _classify
from driftcheck.collect.redact import redact, secret_forms
from driftcheck.load.probe_safety import non_prod_owner, probed_components
from driftcheck.models import Api, Environment, Gateway, Probe
from driftcheck.observations import (
    FORGED_KINDS,
    FetchFailure,
    ProbeAnswer,
    ProbeCase,
    ProbeObservation,
    TokenObservation,
)
from driftcheck.tokens.observe import analyze
from driftcheck.tokens.received import AsymmetricKey
from driftcheck.urls import refusal

log = logging.getLogger("driftcheck.collect")

MAX_PROBE_BYTES = 4096
"""An answer is read up to this many bytes: enough for an error body, never a download."""
EXCERPT_CHARS = 300
DEFAULT_CROSS_CAP = 8
"""Unrelated environments whose tokens each probe sends by default (related ones always)."""
_TIER_RANK = {"nonprod": 0, "prod": 1}


@dataclass(frozen=True)
class ProbeScope:
    full: bool = False
    """Send every other environment's token (the full audit), not the default scope."""
    cap: int = DEFAULT_CROSS_CAP


@dataclass(frozen=True)
class HeldToken:
    """A known-good token in memory for the probe phase only; never stored or printed."""

    environment: str
    name: str
    for_api: str | None
    value: str
    facts: TokenObservation


@dataclass(frozen=True)
class _Planned:
    case: ProbeCase
    token: str | None = None


def own_token(environment: Environment, component: str, declared: Api | Gateway,
              held: Sequence[HeldToken]) -> tuple[str | None, HeldToken | None]:
    """(the name of this component's known-good token, the token when acquired)."""
    probe = declared.probe
    assert probe is not None
    name = probe.token
    if name is None:
        wanted = {declared.name} if component.startswith("apis.") else set(
            getattr(declared, "upstream_apis", ()))
        matching = [t.name for t in environment.tokens.values() if t.for_api in wanted]
        if matching:
            name = matching[0]
        elif len(environment.tokens) == 1:
            name = next(iter(environment.tokens))
    found = next((t for t in held if t.name == name), None) if name else None
    return name, found


def _representative(held: Sequence[HeldToken], component_name: str) -> HeldToken | None:
    """The token that stands for another environment: the one for an API of the same name,
    else its first."""
    return next((t for t in held if t.for_api == component_name), held[0] if held else None)


class _Relations:
    """Which environments an API is tied to, built once per run.

    Always in scope: environments whose issuer the API's environment also has or the API
    declares, or that share an audience or a signing key with it. Environments that merely
    share the issuer's host come first among the capped rest: hundreds of tenants of one IdP
    host (Keycloak realms, Entra ID) would otherwise put every environment in scope."""

    def __init__(self, environments: Sequence[Environment],
                 thumbprints: Mapping[str, frozenset[str]]) -> None:
        self.by_issuer: dict[str, set[str]] = {}
        self.by_host: dict[str, set[str]] = {}
        self.by_audience: dict[str, set[str]] = {}
        self.by_key: dict[str, set[str]] = {}
        for environment in environments:
            name = environment.name
            self.by_issuer.setdefault(environment.idp.issuer.rstrip("/"), set()).add(name)
            self.by_host.setdefault(_host(environment.idp.issuer), set()).add(name)
            for audience in _audiences(environment):
                self.by_audience.setdefault(audience, set()).add(name)
            for thumbprint in thumbprints.get(name, ()):
                self.by_key.setdefault(thumbprint, set()).add(name)
        self.thumbprints = thumbprints

    def related(self, environment: Environment, declared: Api | Gateway) -> set[str]:
        found: set[str] = set()
        for issuer in (environment.idp.issuer, *declared.issuers):
            found |= self.by_issuer.get(issuer.rstrip("/"), set())
        for audience in (*_audiences(environment), *declared.audiences):
            found |= self.by_audience.get(audience, set())
        for thumbprint in self.thumbprints.get(environment.name, ()):
            found |= self.by_key.get(thumbprint, set())
        found.discard(environment.name)
        return found

    def same_host(self, environment: Environment) -> set[str]:
        return self.by_host.get(_host(environment.idp.issuer), set())


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").rstrip(".").lower()


def _audiences(environment: Environment) -> set[str]:
    found = {a for api in environment.apis.values() for a in api.audiences}
    found |= {a for g in environment.gateways.values() for a in g.audiences}
    found |= {f.audience for f in environment.frontends.values() if f.audience}
    return found


def _cross_cases(
    environment: Environment, declared: Api | Gateway, held: Mapping[str, Sequence[HeldToken]],
    by_name: Mapping[str, Environment], relations: _Relations, scope: ProbeScope,
    prod_safe_url: bool,
) -> tuple[list[_Planned], int, int]:
    """Other environments' tokens for this component: (cases, out of scope, withheld)."""
    related = relations.related(environment, declared)
    same_host = relations.same_host(environment)
    rank = _TIER_RANK[environment.tier]
    withheld = 0
    chosen: list[str] = []
    others: list[str] = []
    for name in sorted(held):
        other = by_name.get(name)
        if name == environment.name or other is None or not held[name]:
            continue
        if other.tier == "prod" and (environment.tier != "prod" or not prod_safe_url):
            withheld += 1  # a prod token never goes to a non-prod URL
            continue
        if scope.full or name in related:
            chosen.append(name)
        elif _TIER_RANK[other.tier] <= rank:
            others.append(name)
    out_of_scope = 0
    if not scope.full:
        others.sort(key=lambda name: (name not in same_host, name))
        out_of_scope = max(0, len(others) - scope.cap)
        others = others[: scope.cap]
    planned = []
    for name in sorted(chosen + others):
        token = _representative(held[name], declared.name)
        assert token is not None
        planned.append(_Planned(ProbeCase("other-env", f"{name} token", environment=name,
                                          token_name=token.name), token.value))
    return planned, out_of_scope, withheld


def _forged_cases(own: HeldToken, keys: Mapping[str, AsymmetricKey],
                  cache: dict[tuple[str, str], list[_Planned]]) -> list[_Planned]:
    """The four forgeries of `own`, built once per token per run."""
    cache_key = (own.environment, own.name)
    if cache_key in cache:
        return cache[cache_key]
    header, claims = own.facts.header, own.facts.claims
    planned: list[_Planned] = []
    for kind in FORGED_KINDS:
        label = FORGED_LABELS[kind]
        if header is None or claims is None:
            planned.append(_Planned(ProbeCase("forged", label, forged=kind,
                                              skipped="the known-good token cannot be decoded")))
            continue
        kid = own.facts.kid
        idp_key = next((k for k in keys.values() if kid is not None and k.kid == kid
                        and k.key_type in ("RSA", "EC")), None)
        made = forge(header, claims, kind, idp_key)  # type: ignore[arg-type]
        if made.token is None:
            planned.append(_Planned(ProbeCase("forged", label, forged=kind,
                                              skipped=made.failure)))
            continue
        facts = analyze(made.token, name=f"forged {kind}", environment=own.environment,
                        source="forged", for_api=own.for_api, keys=keys)
        planned.append(_Planned(ProbeCase("forged", label, forged=kind, forged_token=facts),
                                made.token))
    cache[cache_key] = planned
    return planned


def parse_challenge(value: str) -> tuple[str | None, dict[str, str]]:
    """(scheme, parameters) of the first challenge of a `WWW-Authenticate` value, read with
    the standard library's HTTP list and key=value readers (RFC 7235 §4.1 auth-params)."""
    value = value.strip()
    if not value:
        return None, {}
    scheme, _, rest = value.partition(" ")
    params: dict[str, str] = {}
    for item in urllib.request.parse_http_list(rest):
        key, sep, raw = item.partition("=")
        if not sep:
            if params:  # the next challenge starts: only the first is read
                break
            continue
        parsed = urllib.request.parse_keqv_list([f"{key.strip()}={raw.strip()}"])
        params.update({k.lower(): v for k, v in parsed.items()})
    return scheme, params


async def _send(client: httpx.AsyncClient, probe: Probe, token: str | None,
                secrets: set[str], policy: FetchPolicy) -> ProbeAnswer:
    headers = {"Accept": "application/json, */*;q=0.5", "User-Agent": "driftcheck-probe",
               **probe.headers}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    started = time.monotonic()
    try:
        async with asyncio.timeout(policy.total_timeout):
            async with client.stream(probe.method, probe.url, headers=headers) as response:
                body = b""
                capped = False
                if probe.method != "HEAD":
                    async for chunk in response.aiter_bytes():
                        body += chunk
                        if len(body) >= MAX_PROBE_BYTES:
                            body, capped = body[:MAX_PROBE_BYTES], True
                            break
                scheme, params = parse_challenge(
                    redact(response.headers.get("www-authenticate", ""), secrets))
                location = response.headers.get("location")
                return ProbeAnswer(
                    status=response.status_code,
                    elapsed_ms=(time.monotonic() - started) * 1000,
                    challenge_scheme=scheme,
                    challenge={k: redact(v, secrets, EXCERPT_CHARS) for k, v in params.items()},
                    content_type=response.headers.get("content-type"),
                    location=redact(location, secrets, EXCERPT_CHARS) if location else None,
                    body_excerpt=redact(body.decode("utf-8", "replace"), secrets,
                                        EXCERPT_CHARS, cut=capped).strip(),
                )
    except Exception as exc:  # every transport fault becomes a classified failure
        kind, detail = _classify(exc, probe.url)
        return ProbeAnswer(status=None, elapsed_ms=(time.monotonic() - started) * 1000,
                           failure=FetchFailure(kind, redact(detail, secrets)))


def _clients(policy: FetchPolicy, ca_bundles: Iterable[str | None],
             transport: httpx.AsyncBaseTransport | None
             ) -> dict[str | None, list[httpx.AsyncClient]]:
    """Per trust configuration, small-pool clients ("lanes", as in collect/http.py): one big
    httpcore pool polls every idle connection on each request (encode/httpcore#924)."""
    clients: dict[str | None, list[httpx.AsyncClient]] = {}
    lane = max(1, min(policy.keepalive, policy.concurrency))
    lanes = max(1, -(-policy.concurrency // lane))
    for bundle in set(ca_bundles):
        cafile = bundle or policy.ca_bundle
        try:
            context = ssl.create_default_context(cafile=cafile)
        except (OSError, ssl.SSLError):
            context = ssl.create_default_context()  # the JSON fetches already reported it
        clients[bundle] = [httpx.AsyncClient(
            transport=transport,
            mounts={"all://127.0.0.1": None, "all://localhost": None, "all://[::1]": None},
            verify=context, follow_redirects=False, trust_env=True,
            timeout=httpx.Timeout(policy.read_timeout, connect=policy.connect_timeout),
            limits=httpx.Limits(max_connections=lane, max_keepalive_connections=lane),
        ) for _ in range(lanes)]
    return clients


_Plan = tuple[Environment, str, Probe, list[_Planned], int, int]
"""(environment, component, its probe, the planned cases, cases out of scope, prod withheld)."""


@dataclass(frozen=True)
class _Planner:
    """What planning one probe's cases needs to know about the whole run."""

    environments: Sequence[Environment]
    held: Mapping[str, Sequence[HeldToken]]
    env_keys: Mapping[str, Mapping[str, AsymmetricKey]]
    scope: ProbeScope
    by_name: Mapping[str, Environment]
    relations: _Relations
    forged_cache: dict[tuple[str, str], list[_Planned]]

    def plan(self, environment: Environment, component: str, declared: Api | Gateway) -> _Plan:
        probe = declared.probe
        assert probe is not None
        token_name, own = own_token(environment, component, declared,
                                    self.held.get(environment.name, ()))
        prod_safe = environment.tier == "prod" and non_prod_owner(
            probe.url, self.environments) is None
        withheld_own = environment.tier == "prod" and not prod_safe
        if withheld_own:
            own = None  # the loader refuses this file; never send it all the same
        planned = [_Planned(ProbeCase("no-token", "no token")),
                   _own_case(environment, token_name, own, withheld_own)]
        out_of_scope = withheld = 0
        if probe.cross_environment:
            cross, out_of_scope, withheld = _cross_cases(
                environment, declared, self.held, self.by_name, self.relations, self.scope,
                prod_safe)
            planned += cross
        if probe.forged:
            planned += self._forged(environment, own)
        refused = refusal(probe.url, environment.allow_insecure_http)
        if refused is not None:
            planned = [p if p.case.skipped else _Planned(replace(
                p.case, skipped=f"{probe.url}: {refused.detail}")) for p in planned]
        return environment, component, probe, planned, out_of_scope, withheld

    def _forged(self, environment: Environment, own: HeldToken | None) -> list[_Planned]:
        if own is None:
            return [_Planned(ProbeCase("forged", FORGED_LABELS[k], forged=k,
                                       skipped="forged tokens are built from the "
                                       "known-good token, which is missing"))
                    for k in FORGED_KINDS]
        return _forged_cases(own, self.env_keys.get(environment.name, {}), self.forged_cache)


def _own_case(environment: Environment, token_name: str | None, own: HeldToken | None,
              withheld_own: bool) -> _Planned:
    if own is not None:
        return _Planned(ProbeCase("own", "own token", environment.name, own.name), own.value)
    why = ("withheld: the URL lies under a non-prod environment's URL"
           if withheld_own else "no known-good token is declared for it"
           if token_name is None else f"token {token_name!r} could not be acquired")
    return _Planned(ProbeCase("own", "own token", environment.name, token_name, skipped=why))


async def run_probes(
    environments: Sequence[Environment],
    held: Mapping[str, Sequence[HeldToken]],
    env_keys: Mapping[str, Mapping[str, AsymmetricKey]],
    policy: FetchPolicy,
    scope: ProbeScope,
    remaining: float | None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> dict[str, tuple[ProbeObservation, ...]]:
    """Every declared probe of `environments`; `held` are the acquired tokens by environment,
    `env_keys` each environment's published keys, `remaining` the seconds left of --timeout."""
    planner = _Planner(environments, held, env_keys, scope, {e.name: e for e in environments},
                       _Relations(environments, {n: frozenset(k) for n, k in env_keys.items()}),
                       {})
    plans = [planner.plan(environment, component, declared) for environment in environments
             for component, declared in probed_components(environment)]
    answers = await _send_planned(plans, policy, remaining, transport)
    return _observations(plans, answers)


async def _send_planned(plans: Sequence[_Plan], policy: FetchPolicy, remaining: float | None,
                        transport: httpx.AsyncBaseTransport | None
                        ) -> dict[tuple[int, int], ProbeAnswer]:
    """Send every case not skipped; answers by (plan index, case position)."""
    answers: dict[tuple[int, int], ProbeAnswer] = {}
    clients = _clients(policy, (e.ca_bundle for e, *_ in plans), transport)
    semaphore = asyncio.Semaphore(policy.concurrency)

    async def probe_one(index: int) -> None:
        environment, _component, probe, planned, *_ = plans[index]
        lanes = clients[environment.ca_bundle]
        client = lanes[index % len(lanes)]  # one lane per probe: its cases reuse a connection
        for position, item in enumerate(planned):
            if item.case.skipped is not None:
                continue
            secrets = secret_forms(item.token) if item.token else set()
            # Extra headers may carry an API key from ${VAR}: an echo of it goes too.
            secrets |= {v for v in probe.headers.values() if len(v) >= 8}
            async with semaphore:
                answer = await _send(client, probe, item.token, secrets, policy)
            answers[(index, position)] = answer
            log.info("PROBE %s %s [%s] -> %s", probe.method, probe.url, item.case.label,
                     answer.status if answer.failure is None else answer.failure.kind)

    tasks = [asyncio.ensure_future(probe_one(i)) for i in range(len(plans))]
    try:
        if tasks:
            await asyncio.wait(tasks, timeout=remaining)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for lanes in clients.values():
            for client in lanes:
                await client.aclose()
    return answers


def _observations(plans: Sequence[_Plan], answers: Mapping[tuple[int, int], ProbeAnswer]
                  ) -> dict[str, tuple[ProbeObservation, ...]]:
    late = "not sent: the run's --timeout ended first"
    found: dict[str, list[ProbeObservation]] = {}
    for index, (environment, component, probe, planned, out_of_scope, withheld) in \
            enumerate(plans):
        cases = []
        for position, item in enumerate(planned):
            case = item.case
            if case.skipped is None:
                answer = answers.get((index, position))
                case = replace(case, answer=answer) if answer else replace(case, skipped=late)
            cases.append(case)
        found.setdefault(environment.name, []).append(ProbeObservation(
            environment=environment.name, component=component, url=probe.url,
            method=probe.method, cases=tuple(cases), out_of_scope=out_of_scope,
            withheld_prod=withheld))
    return {name: tuple(items) for name, items in found.items()}
