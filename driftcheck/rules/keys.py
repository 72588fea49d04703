"""The IdP's published keys (JWKS, RFC 7517): validity, exposure, strength, identification,
pins, and cache windows against rotation."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from driftcheck.durations import format_seconds, seconds_text
from driftcheck.facts.http import cache_lifetime
from driftcheck.findings import Finding, Severity, Step
from driftcheck.jwks import STRONG_CURVES, JwksFacts, KeyFacts
from driftcheck.models import Environment
from driftcheck.profiles.effective import EffectiveValidator
from driftcheck.redact import PRIVATE_MEMBERS, private_member_sites
from driftcheck.rules.advice import overlap_fix, rotation_lead_fix
from driftcheck.rules.registry import Rule, RuleContext, rule
from driftcheck.tokens.claims import HMAC_BITS, lifetime

MAX_RSA_BITS = 8192


def _key_sets(context: RuleContext) -> Iterator[tuple[Environment, JwksFacts, str]]:
    """(environment, parsed JWKS, its URL) for every environment whose JWKS was read."""
    observations = context.seen
    for environment in context.environments:
        seen = observations.environments.get(environment.name)
        if seen is None:
            continue
        facts = context.jwks_facts(seen.jwks_url)
        if facts is not None and seen.jwks_url is not None:
            yield environment, facts, seen.jwks_url


def _key_evidence(key: KeyFacts, url: str, **more: Any) -> dict[str, Any]:
    evidence: dict[str, Any] = {"jwks_uri": url, "kid": key.kid, "kty": key.kty}
    if key.thumbprint:
        evidence["thumbprint"] = key.thumbprint
    evidence.update(more)
    return {k: v for k, v in evidence.items() if v is not None}


def _jwks_key_path(environment: Environment) -> str:
    return "idp.jwks_uri" if environment.idp.jwks_uri else "idp.issuer"


@rule(
    "DC201", "jwks-invalid", Severity.HIGH, Step.JWKS,
    summary="The JWKS is not a key set, is empty, or holds a key that cannot be imported.",
    causes=(
        "the URL serves something else (an HTML page, a single JWK, a PEM certificate)",
        "a key with missing or mis-encoded members (base64 instead of base64url)",
        "an IdP with no active signing key",
    ),
    fix="Serve `{\"keys\": [...]}` with complete public JWKs (RFC 7517 §5), at least one of "
    "them a signing key.",
)
def jwks_invalid(self: Rule, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Parses the JWKS the environment uses (the discovery document's `jwks_uri`, else the
    declared one) with joserfc: a document without a `keys` array, an empty set, and every
    key that cannot be imported (unknown `kty`, missing or undecodable members) is reported.

    ## Why is this bad?
    Validators skip keys they cannot import, often silently; the token's `kid` then looks
    "not found" although it is listed.

    ## Example
    `{"kty": "RSA", "kid": "k1", "n": "…"}` without `e`: DC201 names kid `k1`.
    """
    for environment, facts, url in _key_sets(context):
        key_path = _jwks_key_path(environment)
        if facts.problem is not None:
            yield self.finding(environment, "idp", f"The JWKS at {url} is not a key set: "
                               f"{facts.problem}.", evidence={"jwks_uri": url},
                               key_path=key_path)
            continue
        if not facts.keys:
            yield self.finding(environment, "idp", f"The JWKS at {url} publishes no keys.",
                               evidence={"jwks_uri": url}, key_path=key_path, subject="empty")
        if facts.truncated:
            yield self.finding(
                environment, "idp",
                f"The JWKS at {url} publishes {len(facts.keys) + facts.truncated} keys; only "
                f"the first {len(facts.keys)} were examined. No IdP needs that many.",
                evidence={"jwks_uri": url, "keys": len(facts.keys) + facts.truncated},
                key_path=key_path, severity=Severity.MEDIUM, subject="too-many")
        for key in facts.keys:
            if key.error is not None:
                yield self.finding(
                    environment, "idp",
                    f"The JWKS at {url} has an unusable key ({key.label}): {key.error}.",
                    evidence=_key_evidence(key, url, index=key.index), key_path=key_path,
                    subject=key.label,
                )


@rule(
    "DC202", "private-key-published", Severity.CRITICAL, Step.JWKS,
    summary="The public JWKS contains private key material (`d`, `p`, `q`, … or `k`).",
    causes=(
        "the private JWK was exported instead of its public part",
        "a hand-maintained JWKS file built from a key pair",
    ),
    fix="Treat the key as compromised: rotate it now, publish only public members (`n`, `e` "
    "for RSA; `crv`, `x`, `y` for EC), and revoke tokens signed with it.",
)
def private_key_published(self: Rule, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Reports every key in the JWKS that carries private members: `d`, `p`, `q`, `dp`, `dq`,
    `qi`, `oth` (RSA/EC/OKP private parts) or `k` (a symmetric secret). Only the member names
    are reported, never their values.

    ## Why is this bad?
    Anyone who fetches the JWKS can sign tokens that every validator of this IdP accepts.

    ## Example
    `{"kty": "RSA", "kid": "k1", "n": "…", "e": "AQAB", "d": "…"}`: remove `d` and rotate.
    """
    for environment, facts, url in _key_sets(context):
        for key in facts.keys:
            if key.private_members:
                yield self.finding(
                    environment, "idp",
                    f"The JWKS at {url} publishes private key material for {key.label}: "
                    f"{', '.join(key.private_members)}.",
                    evidence=_key_evidence(key, url, members=list(key.private_members)),
                    key_path=_jwks_key_path(environment),
                    subject=key.label,
                )
    yield from _private_keys_in_other_shapes(self, context)


def _private_keys_in_other_shapes(self: Rule, context: RuleContext) -> Iterator[Finding]:
    """DC202 for private JWKs outside a standard key set: a JWKS URL serving a single JWK,
    `keys` as an object or a nested list, a discovery document embedding a `jwks`."""
    observations = context.seen
    for environment in context.environments:
        seen = observations.environments.get(environment.name)
        if seen is None:
            continue
        documents = {seen.discovery_url: "discovery document",
                     **{u: "JWKS" for u in (seen.jwks_url, seen.declared_jwks_url) if u}}
        for url, what in documents.items():
            response = observations.response(url)
            if response is None or not response.ok:
                continue
            for path, member in private_member_sites(response.body):
                kid = member.get("kid")
                label = f"kid {kid!r}" if isinstance(kid, str) else f"the key at {path}"
                names = [m for m in PRIVATE_MEMBERS if m in member]
                yield self.finding(
                    environment, "idp",
                    f"The {what} at {url} publishes private key material for {label} "
                    f"(at {path}): {', '.join(names)}.",
                    evidence={"url": url, "json_path": path, "members": names,
                              **({"kid": kid} if isinstance(kid, str) else {})},
                    key_path="idp.discovery_url" if what == "discovery document"
                    else _jwks_key_path(environment),
                    subject=f"{url}#{path}",
                )


@rule(
    "DC203", "weak-key", Severity.HIGH, Step.JWKS,
    summary="A published key is too weak (RSA under 2048 bits, an unexpected curve) or "
    "absurdly large (RSA over 8192 bits).",
    causes=("a legacy key never rotated", "a test key promoted to a shared environment"),
    fix="Rotate to RSA 2048+ (3072 for long-lived keys) or an EC key on P-256/P-384/P-521 "
    "(or Ed25519).",
)
def weak_key(self: Rule, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Reports RSA keys with a modulus under 2048 bits (RFC 7518 §3.3 requires 2048 for RS*)
    and EC/OKP keys on curves other than P-256, P-384, P-521, Ed25519 and Ed448; RSA keys
    over 8192 bits are reported at medium (slow, and refused by many libraries).

    ## Why is this bad?
    Short RSA moduli are factorable; many validators (joserfc, recent jose) refuse them,
    so a key one service accepts fails in another.

    ## Example
    A 1024-bit RSA key with kid `legacy`: DC203; rotate it out.
    """
    for environment, facts, url in _key_sets(context):
        for key in facts.keys:
            if key.rsa_bits is not None and key.rsa_bits < 2048:
                yield self.finding(
                    environment, "idp",
                    f"{key.label} in {url} is an RSA key of {key.rsa_bits} bits; at least 2048 "
                    "are required.",
                    evidence=_key_evidence(key, url, bits=key.rsa_bits),
                    key_path=_jwks_key_path(environment),
                    subject=key.label,
                )
            elif key.rsa_bits is not None and key.rsa_bits > MAX_RSA_BITS:
                yield self.finding(
                    environment, "idp",
                    f"{key.label} in {url} is an RSA key of {key.rsa_bits} bits: every "
                    "verification is slow, and many libraries and HSMs refuse keys over "
                    f"{MAX_RSA_BITS} bits.",
                    evidence=_key_evidence(key, url, bits=key.rsa_bits),
                    key_path=_jwks_key_path(environment), severity=Severity.MEDIUM,
                    subject=key.label,
                )
            elif key.kty in ("EC", "OKP") and key.error is None and key.crv not in STRONG_CURVES:
                yield self.finding(
                    environment, "idp",
                    f"{key.label} in {url} uses curve {key.crv}, not one of "
                    f"{', '.join(STRONG_CURVES)}.",
                    evidence=_key_evidence(key, url, crv=key.crv),
                    key_path=_jwks_key_path(environment),
                    severity=Severity.MEDIUM,
                    subject=key.label,
                )


@rule(
    "DC204", "duplicate-kid", Severity.MEDIUM, Step.JWKS,
    summary="Two different keys in the JWKS share one `kid`.",
    causes=(
        "a rotation that reused the key ID",
        "two key sources merged into one JWKS",
    ),
    fix="Give every key a unique `kid` (a thumbprint makes a good one).",
)
def duplicate_kid(self: Rule, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Groups the JWKS's keys by `kid` and reports a `kid` carried by keys with different
    thumbprints.

    ## Why is this bad?
    Validators pick the first key with a matching `kid`; which one that is differs between
    libraries and between fetches, so the same token verifies in one service and fails in
    another.

    ## Example
    Two RSA keys both with `"kid": "signing"`: DC204.
    """
    for environment, facts, url in _key_sets(context):
        groups: dict[str, list[KeyFacts]] = defaultdict(list)
        for key in facts.keys:
            if key.kid is not None:
                groups[key.kid].append(key)
        for kid, keys in groups.items():
            thumbprints = sorted({k.thumbprint or f"#{k.index}" for k in keys})
            if len(keys) > 1 and len(thumbprints) > 1:
                yield self.finding(
                    environment, "idp",
                    f"The JWKS at {url} has {len(keys)} different keys with kid {kid!r}.",
                    evidence={"jwks_uri": url, "kid": kid, "thumbprints": thumbprints},
                    key_path=_jwks_key_path(environment),
                    subject=kid,
                )


@rule(
    "DC205", "missing-kid", Severity.MEDIUM, Step.JWKS,
    summary="The JWKS has several signing keys and some have no `kid`.",
    causes=("a JWKS assembled by hand", "an IdP that adds kids only to new keys"),
    fix="Give every key a `kid` and make the IdP put it in each token's header.",
)
def missing_kid(self: Rule, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Reports keys without `kid` when the set holds more than one signature key. (One key
    without a `kid` is unambiguous and is not reported.)

    ## Why is this bad?
    Without a `kid` a validator must try keys in turn, and many don't: they reject the token
    or take the first key, which is wrong right after a rotation.

    ## Example
    Two RSA keys, the second without `kid`: DC205 names key #1.
    """
    for environment, facts, url in _key_sets(context):
        signing = [k for k in facts.keys if k.error is None and k.can_verify]
        if len(signing) < 2:
            continue
        for key in signing:
            if key.kid is None:
                yield self.finding(
                    environment, "idp",
                    f"The JWKS at {url} has {len(signing)} signing keys and {key.label} has no "
                    "kid.",
                    evidence=_key_evidence(key, url, index=key.index),
                    key_path=_jwks_key_path(environment),
                    subject=key.label,
                )


@rule(
    "DC206", "pinned-kid-missing", Severity.HIGH, Step.JWKS,
    summary="A key ID listed in `idp.pinned_kids` is not published.",
    causes=(
        "the IdP rotated the key out",
        "the pin names another environment's key",
    ),
    fix="Update `pinned_kids` (and every validator that pins keys) to the kids the JWKS "
    "publishes, or restore the key if it was removed too early.",
)
def pinned_kid_missing(self: Rule, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Checks that every kid in `idp.pinned_kids` is in the JWKS.

    ## Why is this bad?
    Pins describe what validators expect. A pinned kid that vanished means a rotation
    happened that the pinning side has not followed: its tokens or validators are about to
    fail.

    ## Example
    ```toml
    pinned_kids = ["2026-11"]   # the JWKS publishes only "2026-12": DC206
    ```
    """
    for environment, facts, url in _key_sets(context):
        published = set(facts.kids)
        for kid in environment.idp.pinned_kids:
            if kid not in published:
                yield self.finding(
                    environment, "idp",
                    f"Pinned kid {kid!r} is not in the JWKS at {url} (published: "
                    f"{', '.join(sorted(published)) or 'none'}).",
                    evidence={"jwks_uri": url, "kid": kid, "published": sorted(published)},
                    key_path="idp.pinned_kids",
                    subject=kid,
                )


@rule(
    "DC207", "symmetric-key-published", Severity.HIGH, Step.JWKS,
    summary="The JWKS contains a symmetric (`oct`) key.",
    causes=(
        "an HS256 secret exported into the public key set",
        "a JWKS shared between signing and validating services",
    ),
    fix="Remove `oct` keys from the public JWKS; distribute HMAC secrets out of band, or "
    "move to an asymmetric algorithm.",
)
def symmetric_key_published(self: Rule, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Reports every key of type `oct` in the JWKS. (Its secret `k` is also reported by DC202.)

    ## Why is this bad?
    A symmetric key has no public half: publishing it publishes the secret, and anyone can
    mint HS* tokens that APIs accepting HS* will trust.

    ## Example
    `{"kty": "oct", "kid": "hmac", "k": "…"}` in `/jwks`: DC207 and DC202.
    """
    for environment, facts, url in _key_sets(context):
        for key in facts.keys:
            if key.kty == "oct":
                yield self.finding(
                    environment, "idp",
                    f"The JWKS at {url} publishes a symmetric key ({key.label}).",
                    evidence=_key_evidence(key, url),
                    key_path=_jwks_key_path(environment),
                    subject=key.label,
                )


@rule(
    "DC208", "key-use-mismatch", Severity.LOW, Step.JWKS,
    summary="A key's `use` or `key_ops` does not allow signature verification.",
    causes=(
        "encryption keys (`use: enc`) published next to signing keys",
        "`key_ops` copied from a private key (`sign`) without `verify`",
    ),
    fix="Mark signing keys `\"use\": \"sig\"` (or `key_ops` with `verify`); if no key can "
    "verify, the IdP's signing key is missing from the set.",
)
def key_use_mismatch(self: Rule, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Reports keys whose `use` is not `sig` or whose `key_ops` lacks `verify` (RFC 7517 §4.2,
    §4.3). When no key in the set can verify signatures, the finding is high.

    ## Why is this bad?
    Strict validators skip such keys; a token signed with one fails with "no matching key"
    in some services and passes in lenient ones.

    ## Example
    The only key has `"use": "enc"`: DC208 (high), no key can verify a token.
    """
    for environment, facts, url in _key_sets(context):
        usable = [k for k in facts.keys if k.error is None]
        unusable = [k for k in usable if not k.can_verify]
        for key in unusable:
            yield self.finding(
                environment, "idp",
                f"{key.label} in {url} cannot verify signatures (use {key.use!r}, key_ops "
                f"{list(key.key_ops) if key.key_ops is not None else None!r})"
                + ("; no key in the set can." if len(unusable) == len(usable) else "."),
                evidence=_key_evidence(key, url, use=key.use,
                                       key_ops=list(key.key_ops) if key.key_ops else None),
                key_path=_jwks_key_path(environment),
                severity=Severity.HIGH if len(unusable) == len(usable) else None,
                subject=key.label,
            )


@rule(
    "DC209", "jwks-cache-outlives-rotation", Severity.MEDIUM, Step.JWKS,
    summary="A validator needs a new signing key published longer before first use than the "
    "rotation allows (its JWKS cache, Cache-Control, no refetch on an unknown kid).",
    causes=(
        "a validator that caches the key set and does not refetch on an unknown kid (Envoy, "
        "Istio, API Gateway), or keys configured by hand (Kong, joserfc, golang-jwt)",
        "a long `max-age` set on the JWKS for performance",
        "a validator's JWKS cache TTL raised to ride out IdP outages",
        "a rotation_overlap shortened without looking at caches",
    ),
    fix="Publish new keys at least the longest rotation lead time before signing with them "
    "(lengthen `idp.rotation_overlap`), shorten the caches, or use validators that refetch "
    "on an unknown kid.",
)
def jwks_cache_outlives_rotation(self: Rule, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Computes each API's and gateway's rotation lead time, how long before its first use a
    new signing key must be in the JWKS: the cooldown for a validator that refetches on an
    unknown kid (jose 30 s, Microsoft.IdentityModel 5 min), else its whole cache window
    (Envoy 10 min, Istio 20 min, API Gateway 2 h), from the declared `jwks_cache_ttl` and
    `refetch_on_unknown_kid` or the validator profile's defaults. It reports:
    - a lead time (or the JWKS response's `Cache-Control` window) longer than
      `idp.rotation_overlap`;
    - with `--snapshot-in`, a known-good token signed with a kid that was not in the previous
      key set: per validator, whether it picks the new key up or holds the old set.

    ## Why is this bad?
    After a rotation, a validator that cached the key set keeps it for its whole cache
    window. Tokens signed with the new key arrive while it still holds the old set: "kid not
    found" or "invalid signature" until the cache expires, the seed article's "stale JWKS
    cache". Validators differ by hours here; the same rotation is invisible to jose and an
    outage behind Envoy.

    ## Example
    ```toml
    [idp]
    rotation_overlap = "5m"
    [apis.orders]
    validator = "envoy-jwt-authn"   # DC209: new keys must be published >= 10 min ahead
    ```
    """
    observations = context.seen
    for environment in context.environments:
        seen = observations.environments.get(environment.name)
        if seen is None:
            continue
        validators = list(context.facts.validators[environment.name])
        overlap = environment.idp.rotation_overlap
        if overlap is not None:
            response = observations.response(seen.jwks_url)
            lifetime = cache_lifetime(response.headers) if response and response.ok else None
            if lifetime is not None and lifetime[0] > overlap:
                yield self.finding(
                    environment, "idp",
                    f"Key sets may be cached for {format_seconds(lifetime[0])} by the JWKS "
                    f"response ({lifetime[1]}), longer than idp.rotation_overlap "
                    f"({format_seconds(overlap)}): after a rotation, caches can hold the old "
                    f"keys for {format_seconds(lifetime[0] - overlap)} past the overlap.",
                    evidence={"cache_window_seconds": lifetime[0],
                              "rotation_overlap_seconds": overlap,
                              "source": f"the JWKS response ({lifetime[1]})",
                              "jwks_uri": seen.jwks_url},
                    key_path=_jwks_key_path(environment))
            for validator in validators:
                lead = validator.rotation_lead
                if lead is None or lead <= overlap:
                    continue
                yield self.finding(
                    environment, validator.component,
                    f"New signing keys must be published at least {format_seconds(lead)} "
                    f"before first use for {validator.label}: it "
                    f"{validator.rotation_lead_reason()}. idp.rotation_overlap is "
                    f"{format_seconds(overlap)}, so tokens signed with a new key fail there "
                    f"for up to {format_seconds(lead - overlap)}.",
                    evidence={"rotation_lead_seconds": lead,
                              "rotation_overlap_seconds": overlap,
                              "validator": validator.profile.name,
                              "jwks_cache": validator.jwks_cache.describe(seconds_text),
                              "refetch_on_unknown_kid":
                                  validator.refetch_on_unknown_kid.describe(),
                              "jwks_uri": seen.jwks_url},
                    key_path=(validator.refetch_on_unknown_kid if
                              validator.refetch_on_unknown_kid.value else
                              validator.jwks_cache).key_path,
                    fix=rotation_lead_fix(context, environment, validator.component, lead))
        yield from _new_key_in_use(self, context, environment, validators)


def _new_kids_in_use(context: RuleContext, environment: Environment) -> list[str]:
    """kids of known-good tokens that the current key set has and the previous one lacked."""
    observations, previous = context.observations, context.previous
    if observations is None or previous is None:
        return []
    seen = observations.environments.get(environment.name)
    before = previous.environments.get(environment.name)
    if seen is None or before is None:
        return []
    now_facts = context.jwks_facts(seen.jwks_url)
    old_facts = context.jwks_facts(before.jwks_url, previous=True)
    if now_facts is None or old_facts is None:
        return []
    current = {k.kid for k in now_facts.keys if k.kid}
    earlier = {k.kid for k in old_facts.keys if k.kid}
    kids = [str(t.header.get("kid")) for t in seen.tokens if t.header and t.header.get("kid")]
    return sorted({kid for kid in kids if kid in current and kid not in earlier})


def _new_key_in_use(self: Rule, context: RuleContext, environment: Environment,
                    validators: list[EffectiveValidator]) -> Iterator[Finding]:
    kids = _new_kids_in_use(context, environment)
    if not kids or not validators:
        return
    holding, delayed, fine = [], [], []
    for validator in validators:
        lead = validator.rotation_lead
        if lead is None or (lead > 0 and not validator.refetch_on_unknown_kid.value):
            holding.append(validator)
        elif lead > 0:
            delayed.append(validator)
        else:
            fine.append(validator)
    parts = []
    if holding:
        parts.append("may still hold the old key set and reject these tokens: " + "; ".join(
            f"{v.label} " + ("until its configuration gets the new key"
                             if v.rotation_lead is None else
                             f"for up to {seconds_text(v.rotation_lead)}")
            + f" ({v.rotation_lead_reason()})" for v in holding))
    if delayed:
        parts.append("pick the key up after a failed lookup, within " + "; ".join(
            f"{v.label} {seconds_text(v.rotation_lead)} ({v.rotation_lead_reason()})"
            for v in delayed))
    if fine:
        parts.append("pick the key up at once: " + ", ".join(v.label for v in fine))
    severity = Severity.HIGH if holding else Severity.LOW if delayed else Severity.INFO
    yield self.finding(
        environment, "idp",
        f"The known-good token is signed with kid {', '.join(map(repr, kids))}, which was not "
        f"in the previous snapshot's key set (a rotation). Validators here "
        + "; ".join(parts) + ".",
        evidence={"kids": kids, "validators": [
            {"component": v.component, "validator": v.profile.name,
             "rotation_lead_seconds": v.rotation_lead,
             "refetch_on_unknown_kid": v.refetch_on_unknown_kid.describe()}
            for v in validators]},
        key_path=_jwks_key_path(environment), severity=severity, subject="new-kid")


@rule(
    "DC210", "weak-hmac-secret", Severity.HIGH, Step.JWKS,
    summary="An HS* API's shared secret is shorter than the hash (RFC 7518 §3.2).",
    causes=("a human-chosen password used as the HMAC key",),
    fix="Use a random secret at least as long as the hash: 32 bytes for HS256, 48 for HS384, "
    "64 for HS512.",
    needs_network=False,
)
def weak_hmac_secret(self: Rule, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Measures each HS* API's secret (`secret_env` or `secret_file`) in bits, without showing
    it, against the largest HMAC algorithm the API accepts: RFC 7518 §3.2 requires a key at
    least as long as the hash output (256 bits for HS256).

    ## Why is this bad?
    A short HMAC secret can be brute-forced from a single token, and then anyone can mint
    tokens the API accepts. Some libraries (joserfc, jose) refuse short keys outright, so the
    same secret works in one service and fails in another.

    ## Example
    `secret_env = "ORDERS_HS_SECRET"` holding 16 characters for HS256: DC210 (128 of 256 bits).
    """
    observations = context.observations
    for environment in context.environments:
        seen = observations.environments.get(environment.name) if observations else None
        for secret in seen.secrets if seen else ():
            api = environment.apis.get(secret.api)
            needed = max((HMAC_BITS[a] for a in (api.algorithms if api else ()) if a in HMAC_BITS),
                         default=256)
            if secret.fingerprint is None or secret.bits >= needed:
                continue
            yield self.finding(
                environment, f"apis.{secret.api}",
                f"apis.{secret.api}'s shared secret ({secret.source}) has {secret.bits} bits; "
                f"its HMAC algorithms need at least {needed} (RFC 7518 §3.2).",
                evidence={"secret": secret.source, "bits": secret.bits, "required_bits": needed},
                key_path=f"apis.{secret.api}.{secret.source.split()[0]}")


@rule(
    "DC211", "rotation-overlap-too-short", Severity.MEDIUM, Step.JWKS,
    summary="rotation_overlap is shorter than the longest token lifetime plus the longest "
    "JWKS cache window.",
    causes=(
        "token lifetimes raised after the rotation schedule was set",
        "JWKS caches lengthened (Cache-Control, validator TTLs)",
    ),
    fix="Keep a retired key published for at least the longest token lifetime plus the "
    "longest JWKS cache window, or shorten lifetimes and caches.",
)
def rotation_overlap_too_short(self: Rule, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Adds the longest token lifetime of the environment (its known-good tokens' `exp - iat`,
    else the APIs' `max_token_age`) to its longest JWKS cache window (`Cache-Control` of the
    JWKS, every API's and gateway's `jwks_cache_ttl`) and compares the sum with
    `idp.rotation_overlap`, saying by how much it falls short.

    ## Why is this bad?
    After a key is retired, tokens signed with it stay valid until their `exp`, and
    validators may still be working from a key set fetched a cache window ago. If the key
    leaves the JWKS before both have run out, those tokens fail: the seed article's "whether
    old keys remain available long enough for in-flight tokens".

    ## Example
    1-hour tokens, a 10-minute JWKS cache and `rotation_overlap = "30m"`: DC211, 40 min
    short.
    """
    observations = context.seen
    for environment in context.environments:
        overlap = environment.idp.rotation_overlap
        seen = observations.environments.get(environment.name)
        if overlap is None or seen is None:
            continue
        spans = [s for t in seen.tokens if (s := lifetime(t.claims)) is not None]
        source = "the known-good token"
        if not spans:
            spans = [a.max_token_age for a in environment.apis.values() if a.max_token_age]
            source = "max_token_age"
        if not spans:
            continue
        caches = [(v.jwks_cache.value, v.jwks_cache.origin if v.jwks_cache.declared
                   else f"{v.component}, {v.jwks_cache.origin}")
                  for v in context.facts.validators[environment.name]
                  if v.jwks_cache.value is not None]
        response = observations.response(seen.jwks_url)
        header = cache_lifetime(response.headers) if response is not None and response.ok \
            else None
        if header is not None:
            caches.append((header[0], header[1]))
        cache, cache_source = max(caches, default=(0.0, "no cache declared"))
        needed = max(spans) + cache
        if overlap >= needed:
            continue
        yield self.finding(
            environment, "idp",
            f"idp.rotation_overlap ({format_seconds(overlap)}) is "
            f"{format_seconds(needed - overlap)} short of the longest token lifetime "
            f"({format_seconds(max(spans))}, {source}) plus "
            f"the longest JWKS cache window ({format_seconds(cache)}, {cache_source}): tokens "
            "signed with a retired key fail before they expire.",
            evidence={"rotation_overlap_seconds": overlap, "token_lifetime_seconds": max(spans),
                      "cache_window_seconds": cache, "shortfall_seconds": needed - overlap},
            key_path="idp.rotation_overlap",
            fix=overlap_fix(context, environment, needed))
