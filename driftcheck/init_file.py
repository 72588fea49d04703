"""`driftcheck init`: a starter environment file written from what the IdP publishes."""

from __future__ import annotations

from dataclasses import dataclass, replace
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
# issuer, jwks_uri, pinned_kids and algorithms are what the IdP publishes today.{issuer_note}
# Still to fill in: each API's audiences and `validator` (the framework that checks its
# tokens: `driftcheck profiles` lists them; its defaults, such as clock skew and JWKS cache
# time, then apply: declare clock_skew or jwks_cache_ttl only where the deployment differs),
# idp.rotation_overlap (how long your IdP keeps a retired key published) and idp.tenant
# if you want them checked, your frontends and gateways, and a [tokens.NAME] known-good
# token (see the README).
# Then: driftcheck validate FILE
"""
FLAG_HINTS = {
    "insecure-url": " (for `driftcheck init`: --allow-insecure-http)",
    "tls": " (for `driftcheck init`: --ca-bundle FILE)",
}
"""The environment file's setting named in a failure, as the flag `init` has for it."""


@dataclass(frozen=True)
class StarterFile:
    text: str
    notes: tuple[str, ...] = ()
    """What the user should know about the file (also written into it as comments)."""


def starter_document(name: str, issuer: str, *, tier: str = "nonprod",
                     allow_insecure_http: bool = False, ca_bundle: str | None = None,
                     policy: FetchPolicy | None = None) -> StarterFile:
    """A starter file; raise CollectError when discovery cannot be read."""
    environment = Environment(
        name=name, file="(init)", tier="prod" if tier == "prod" else "nonprod",
        idp=Idp(issuer=issuer,
                discovery_url=issuer.rstrip("/") + "/.well-known/openid-configuration"),
        allow_insecure_http=allow_insecure_http, ca_bundle=ca_bundle)
    observations = collect_live([environment], replace(policy or FetchPolicy(), retries=1))
    seen = observations.environments[name]
    discovery = observations.response(seen.discovery_url)
    if discovery is None or not discovery.ok:
        failure = discovery.failure if discovery else None
        reason = (failure.detail + FLAG_HINTS.get(failure.kind, "")) if failure else "no answer"
        raise CollectError(f"{seen.discovery_url}: cannot read the discovery document: {reason}")
    body: dict[str, Any] = discovery.body
    jwks = observations.response(seen.jwks_url)
    keys = jwks_facts(jwks.body).keys if jwks is not None and jwks.ok else ()
    discovered_issuer: str = body["issuer"] if isinstance(body.get("issuer"), str) else issuer
    advertised = body.get("id_token_signing_alg_values_supported")
    algorithms = sorted({str(a) for a in advertised if str(a) in ASYMMETRIC_ALGORITHMS}
                        if isinstance(advertised, list) else set())
    algorithms = algorithms or sorted({k.alg for k in keys if k.alg in ASYMMETRIC_ALGORITHMS})
    # No invented values: tenant and rotation_overlap are left for the user (the header says
    # so), and clock_skew / jwks_cache_ttl would override the validator profile they add.
    idp: dict[str, Any] = {"issuer": discovered_issuer}
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
    api: dict[str, Any] = {"issuers": [discovered_issuer], "accepts": "access"}
    if algorithms:
        api["algorithms"] = algorithms
    document["apis"] = {"api": api}
    note = issuer_difference(issuer, discovered_issuer)
    text = HEADER.format(discovery_url=seen.discovery_url,
                         issuer_note=f"\n# NOTE: {note}" if note else "")
    return StarterFile(text + "\n" + tomli_w.dumps(document), (note,) if note else ())


def issuer_difference(typed: str, discovered: str) -> str | None:
    """A sentence when the IdP's own issuer differs from the one typed (the file uses the
    IdP's: it is what tokens carry)."""
    if typed == discovered:
        return None
    return (f"the IdP says its issuer is {discovered!r}, not {typed!r} as given to --issuer; "
            "this file uses the IdP's value, which is what its tokens carry.")
