"""Snapshots: the Observations of a run, written as TOML with tomli-w, read back exactly.

TOML has no null, and JSON bodies can hold nulls anywhere, so response bodies, token headers
and claims are stored as JSON text (`body_json`); everything else is plain TOML. A snapshot
never holds a token, a signature or key material: collection removed them before (see
`TokenObservation` and `redact.redact_private_members`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import tomli_w
from jsonschema import Draft202012Validator

from driftcheck._version import __version__
from driftcheck.deployed.record import readings_document, readings_from
from driftcheck.errors import SnapshotError
from driftcheck.load.schema_messages import key_path
from driftcheck.observations import (
    EnvironmentObservation,
    FetchFailure,
    HmacCheck,
    HttpObservation,
    Observations,
    ProbeAnswer,
    ProbeCase,
    ProbeObservation,
    SecretObservation,
    TokenObservation,
    failure_kind,
)
from driftcheck.output_files import write_whole
from driftcheck.resources import load_schema
from driftcheck.tokens.parse import Damage
from driftcheck.toml_files import read_toml_file

SNAPSHOT_VERSION = "1"


def _compact(table: Mapping[str, Any]) -> dict[str, Any]:
    """TOML cannot say null: absent means None."""
    return {k: v for k, v in table.items() if v is not None and v != () and v != {}}


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, sort_keys=True, ensure_ascii=False)


def _response(response: HttpObservation) -> dict[str, Any]:
    return _compact({
        "url": response.url,
        "final_url": response.final_url,
        "status": response.status,
        "elapsed_ms": round(response.elapsed_ms, 3),
        "received_at": response.received_at,
        "headers": dict(response.headers),
        "body_json": _json(response.body),
        "failure": None if response.failure is None else {
            "kind": response.failure.kind, "detail": response.failure.detail},
    })


def _token(token: TokenObservation) -> dict[str, Any]:
    return _compact({
        "name": token.name,
        "source": token.source,
        "for_api": token.for_api,
        "failure": token.failure,
        "fingerprint": token.fingerprint,
        "damage": [{"kind": d.kind, "detail": d.detail} for d in token.damage],
        "fatal": None if token.fatal is None else {"kind": token.fatal.kind,
                                                   "detail": token.fatal.detail},
        "header_json": _json(token.header),
        "claims_json": _json(token.claims),
        "signature_length": token.signature_length,
        "verified_by": list(token.verified_by),
        "checked_keys": list(token.checked_keys),
        "received_at": token.received_at,
        "hmac": None if token.hmac is None else _compact({
            "api": token.hmac.api, "verified": token.hmac.verified,
            "transform": token.hmac.transform}),
    })


def _answer(answer: ProbeAnswer) -> dict[str, Any]:
    return _compact({
        "status": answer.status,
        "elapsed_ms": round(answer.elapsed_ms, 3),
        "challenge_scheme": answer.challenge_scheme,
        "challenge": dict(answer.challenge),
        "content_type": answer.content_type,
        "location": answer.location,
        "body_excerpt": answer.body_excerpt or None,
        "failure": None if answer.failure is None else {
            "kind": answer.failure.kind, "detail": answer.failure.detail},
    })


def _probe(probe: ProbeObservation) -> dict[str, Any]:
    return _compact({
        "component": probe.component, "url": probe.url, "method": probe.method,
        "out_of_scope": probe.out_of_scope or None, "withheld_prod": probe.withheld_prod or None,
        "cases": [_compact({
            "kind": c.kind, "label": c.label, "environment": c.environment,
            "token_name": c.token_name, "forged": c.forged,
            "forged_token": None if c.forged_token is None else _token(c.forged_token),
            "skipped": c.skipped,
            "answer": None if c.answer is None else _answer(c.answer),
        }) for c in probe.cases],
    })


def _read_probe(name: str, raw: Mapping[str, Any], where: str) -> ProbeObservation:
    cases = []
    for c in raw.get("cases", ()):
        answer = c.get("answer")
        failure = answer.get("failure") if answer else None
        cases.append(ProbeCase(
            kind=c["kind"], label=c["label"], environment=c.get("environment"),
            token_name=c.get("token_name"), forged=c.get("forged"),
            forged_token=_read_token(name, c["forged_token"], where)
            if "forged_token" in c else None,
            skipped=c.get("skipped"),
            answer=None if answer is None else ProbeAnswer(
                status=answer.get("status"), elapsed_ms=answer.get("elapsed_ms", 0.0),
                challenge_scheme=answer.get("challenge_scheme"),
                challenge=answer.get("challenge", {}),
                content_type=answer.get("content_type"), location=answer.get("location"),
                body_excerpt=answer.get("body_excerpt", ""),
                failure=None if failure is None else _fetch_failure(failure)),
        ))
    return ProbeObservation(name, raw["component"], raw["url"], raw["method"], tuple(cases),
                            raw.get("out_of_scope", 0), raw.get("withheld_prod", 0))


def _fetch_failure(raw: Mapping[str, Any]) -> FetchFailure:
    # The snapshot schema has restricted `kind` to the failure classes.
    return FetchFailure(failure_kind(raw["kind"]), raw["detail"])


def _secret(secret: SecretObservation) -> dict[str, Any]:
    return _compact({"api": secret.api, "source": secret.source, "bits": secret.bits,
                     "fingerprint": secret.fingerprint, "failure": secret.failure})


def snapshot_document(observations: Observations) -> dict[str, Any]:
    return {
        "version": SNAPSHOT_VERSION,
        "tool": f"driftcheck {__version__}",
        "written_at": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "collected_at": observations.collected_at,
        "responses": [_response(r) for _, r in sorted(observations.responses.items())],
        "environments": {
            name: _compact({
                "discovery_url": seen.discovery_url,
                "jwks_url": seen.jwks_url,
                "declared_jwks_url": seen.declared_jwks_url,
                "runtime_config_urls": dict(seen.runtime_config_urls),
                "tokens": [_token(t) for t in seen.tokens],
                "secrets": [_secret(s) for s in seen.secrets],
                "probes": [_probe(p) for p in seen.probes],
            })
            for name, seen in sorted(observations.environments.items())
        },
        **({"deployed": readings_document(observations.deployed)}
           if observations.deployed else {}),
    }


def write_snapshot(path: str | Path, observations: Observations) -> None:
    write_whole(path, tomli_w.dumps(snapshot_document(observations)), what="snapshot")


def _loads(text: str | None, where: str) -> Any:
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        raise SnapshotError(f"{where}: expected JSON text") from None
    except RecursionError:  # what a live fetch refuses as not JSON cannot be replayed either
        raise SnapshotError(f"{where}: JSON nested too deeply") from None


def _read_one(path: Path) -> Observations:
    document = read_toml_file(path, "snapshot", SnapshotError)
    errors = sorted(Draft202012Validator(load_schema("snapshot.schema.json")).iter_errors(document),
                    key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        raise SnapshotError(f"{path}: {key_path(first.absolute_path) or '(top)'}: "
                            f"{first.message} (not a driftcheck snapshot of version "
                            f"{SNAPSHOT_VERSION}?)")
    responses = {}
    for index, raw in enumerate(document["responses"]):
        failure = raw.get("failure")
        responses[raw["url"]] = HttpObservation(
            url=raw["url"],
            final_url=raw.get("final_url", raw["url"]),
            status=raw.get("status"),
            elapsed_ms=raw.get("elapsed_ms", 0.0),
            received_at=raw.get("received_at", 0.0),
            headers=raw.get("headers", {}),
            body=_loads(raw.get("body_json"), f"{path}: responses[{index}].body_json"),
            failure=None if failure is None else _fetch_failure(failure),
        )
    environments = {}
    for name, raw in document["environments"].items():
        tokens = tuple(_read_token(name, t, f"{path}: environments.{name}.tokens")
                       for t in raw.get("tokens", ()))
        probes = tuple(_read_probe(name, p, f"{path}: environments.{name}.probes")
                       for p in raw.get("probes", ()))
        secrets = tuple(SecretObservation(s["api"], s["source"], s.get("bits", 0),
                                          s.get("fingerprint"), s.get("failure"))
                        for s in raw.get("secrets", ()))
        environments[name] = EnvironmentObservation(
            environment=name,
            discovery_url=raw["discovery_url"],
            jwks_url=raw.get("jwks_url"),
            declared_jwks_url=raw.get("declared_jwks_url"),
            runtime_config_urls=raw.get("runtime_config_urls", {}),
            tokens=tokens,
            secrets=secrets,
            probes=probes,
        )
    return Observations(document["collected_at"], responses, environments,
                        readings_from(document.get("deployed", {}), f"{path}: deployed"))


def _read_token(name: str, t: Mapping[str, Any], where: str) -> TokenObservation:
    return TokenObservation(
        name=t["name"],
        environment=name,
        source=t["source"],
        for_api=t.get("for_api"),
        failure=t.get("failure"),
        fingerprint=t.get("fingerprint"),
        damage=tuple(Damage(d["kind"], d["detail"]) for d in t.get("damage", ())),
        fatal=Damage(t["fatal"]["kind"], t["fatal"]["detail"]) if "fatal" in t else None,
        header=_loads(t.get("header_json"), where),
        claims=_loads(t.get("claims_json"), where),
        signature_length=t.get("signature_length", 0),
        verified_by=tuple(t.get("verified_by", ())),
        checked_keys=tuple(t.get("checked_keys", ())),
        received_at=t.get("received_at", 0.0),
        hmac=HmacCheck(t["hmac"]["api"], t["hmac"]["verified"],
                       t["hmac"].get("transform")) if "hmac" in t else None,
    )


def read_snapshots(paths: Iterable[str | Path]) -> Observations:
    """One snapshot, or the union of several (shards of one run): environments and responses
    are merged; a later file's entry for the same environment or URL wins."""
    merged: list[Observations] = [_read_one(Path(p)) for p in paths]
    if not merged:
        raise SnapshotError("no snapshot files given")
    return Observations(
        collected_at=min(o.collected_at for o in merged),
        responses={url: r for o in merged for url, r in o.responses.items()},
        environments={n: e for o in merged for n, e in o.environments.items()},
        deployed={n: r for o in merged for n, r in o.deployed.items()},
    )


def restrict(observations: Observations, names: Sequence[str]) -> Observations:
    """Only the named environments (and the responses they refer to)."""
    kept = {n: e for n, e in observations.environments.items() if n in names}
    urls = {u for e in kept.values() for u in e.urls()}
    return Observations(observations.collected_at,
                        {u: r for u, r in observations.responses.items() if u in urls}, kept,
                        {n: r for n, r in observations.deployed.items() if n in names})
