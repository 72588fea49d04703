"""`driftcheck init`: a starter environment file written from what the IdP publishes."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import tomli_w

from driftcheck.collect.http import FetchPolicy
from driftcheck.collect.live import collect_live
from driftcheck.errors import CollectError
from driftcheck.jwks import jwks_facts
from driftcheck.models import Environment, Idp
from driftcheck.tokens.claims import ASYMMETRIC_ALGORITHMS

HEADER = """\
#:schema ../schemas/environment.schema.json
# Written by `driftcheck init` from {discovery_url}.
# issuer, jwks_uri, pinned_kids and algorithms are what the IdP publishes today.
# Still to fill in: each API's audiences and `validator` (the framework that checks its
# tokens: `driftcheck profiles` lists them; its defaults then apply), your frontends and
# gateways, and a [tokens.NAME] known-good token (see the README).
# Then: driftcheck validate FILE
"""


def starter_document(name: str, issuer: str, *, tier: str = "nonprod",
                     allow_insecure_http: bool = False, ca_bundle: str | None = None,
                     policy: FetchPolicy | None = None) -> str:
    """The TOML text of a starter file; raise CollectError when discovery cannot be read."""
    environment = Environment(
        name=name, file="(init)", tier="prod" if tier == "prod" else "nonprod",
        idp=Idp(issuer=issuer,
                discovery_url=issuer.rstrip("/") + "/.well-known/openid-configuration"),
        allow_insecure_http=allow_insecure_http, ca_bundle=ca_bundle)
    observations = collect_live([environment], replace(policy or FetchPolicy(), retries=1))
    seen = observations.environments[name]
    discovery = observations.response(seen.discovery_url)
    if discovery is None or not discovery.ok:
        reason = discovery.failure.detail if discovery and discovery.failure else "no answer"
        raise CollectError(f"{seen.discovery_url}: cannot read the discovery document: {reason}")
    body: dict[str, Any] = discovery.body
    jwks = observations.response(seen.jwks_url)
    keys = jwks_facts(jwks.body).keys if jwks is not None and jwks.ok else ()
    discovered_issuer = body.get("issuer") if isinstance(body.get("issuer"), str) else issuer
    advertised = body.get("id_token_signing_alg_values_supported")
    algorithms = sorted({str(a) for a in advertised if str(a) in ASYMMETRIC_ALGORITHMS}
                        if isinstance(advertised, list) else set())
    algorithms = algorithms or sorted({k.alg for k in keys if k.alg in ASYMMETRIC_ALGORITHMS})
    idp: dict[str, Any] = {"issuer": discovered_issuer, "tenant": name,
                           "rotation_overlap": "24h"}
    if seen.jwks_url:
        idp["jwks_uri"] = seen.jwks_url
    kids = [k.kid for k in keys if k.kid and k.error is None]
    if kids:
        idp["pinned_kids"] = kids
    document: dict[str, Any] = {"name": name, "tier": environment.tier}
    if allow_insecure_http:
        document["allow_insecure_http"] = True
    if ca_bundle:
        document["ca_bundle"] = ca_bundle
    document["idp"] = idp
    api: dict[str, Any] = {"issuers": [discovered_issuer], "clock_skew": "60s",
                           "jwks_cache_ttl": "10m", "accepts": "access"}
    if algorithms:
        api["algorithms"] = algorithms
    document["apis"] = {"api": api}
    return HEADER.format(discovery_url=seen.discovery_url) + "\n" + tomli_w.dumps(document)
