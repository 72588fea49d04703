"""Baselines: findings a team has accepted, each with a reason and an expiry.

    version = "1"
    [[accepted]]
    fingerprint = "3f2a9c1b0e7d4a55"
    rule = "DC209"                 # the rest is for people reading the file
    environment = "dev"
    component = "idp"
    message = "Key sets may be cached for 2 d ..."
    reason = "CDN cache shortened in INFRA-1234"
    expires = 2027-01-31

Matched by fingerprint (stable across runs). Written with tomli-w by `driftcheck baseline
create`; applied by `check --baseline FILE`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import tomli_w

from driftcheck.errors import ConfigError
from driftcheck.findings import Finding, Suppression
from driftcheck.output_files import write_whole
from driftcheck.toml_files import read_toml_file

BASELINE_VERSION = "1"


@dataclass(frozen=True)
class AcceptedFinding:
    fingerprint: str
    rule: str
    environment: str
    component: str
    message: str
    reason: str
    expires: dt.date | dt.datetime

    def expired(self, now: float) -> bool:
        return self.expires_at <= now

    @property
    def expires_at(self) -> float:
        moment = self.expires
        if not isinstance(moment, dt.datetime):  # a date: accepted through that whole day
            moment = dt.datetime.combine(moment + dt.timedelta(days=1), dt.time(), dt.UTC)
        elif moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
        return moment.timestamp()


@dataclass(frozen=True)
class Baseline:
    file: str
    entries: tuple[AcceptedFinding, ...]


def read_baseline(path: str | Path) -> Baseline:
    file = Path(path)
    document = read_toml_file(file, "baseline", ConfigError)
    if document.get("version") != BASELINE_VERSION:
        raise ConfigError(f"{file}: version: expected \"{BASELINE_VERSION}\"")
    entries = []
    accepted = document.get("accepted", [])
    if not isinstance(accepted, list):
        raise ConfigError(f"{file}: accepted: expected an array of tables ([[accepted]])")
    for index, raw in enumerate(accepted):
        where = f"{file}: accepted[{index}]"
        if not isinstance(raw, dict):
            raise ConfigError(f"{where}: expected a table")
        for name in ("fingerprint", "reason"):
            if not isinstance(raw.get(name), str) or not raw[name].strip():
                raise ConfigError(f"{where}.{name}: expected a non-empty string")
        for name in ("rule", "environment", "component", "message"):
            if not isinstance(raw.get(name, ""), str):
                raise ConfigError(f"{where}.{name}: expected a string")
        expires = raw.get("expires")
        if not isinstance(expires, dt.date):
            raise ConfigError(f"{where}.expires: expected a TOML date or date-time such as "
                              "2027-01-31")
        entries.append(AcceptedFinding(
            fingerprint=raw["fingerprint"], rule=str(raw.get("rule", "")),
            environment=str(raw.get("environment", "")),
            component=str(raw.get("component", "")), message=str(raw.get("message", "")),
            reason=raw["reason"], expires=expires))
    return Baseline(str(file), tuple(entries))


def baseline_document(findings: Iterable[Finding], reason: str,
                      expires: dt.date) -> dict[str, Any]:
    return {
        "version": BASELINE_VERSION,
        "accepted": [
            {"fingerprint": f.fingerprint, "rule": f.rule, "environment": f.environment,
             "component": f.component, "message": f.message, "reason": reason,
             "expires": expires}
            for f in findings
        ],
    }


def write_baseline(path: str | Path, findings: Sequence[Finding], reason: str,
                   expires: dt.date) -> None:
    write_whole(path, tomli_w.dumps(baseline_document(findings, reason, expires)),
                what="baseline")


def apply_baseline(findings: Sequence[Finding], baseline: Baseline | None,
                   now: float) -> list[Finding]:
    """Accepted, unexpired findings come back suppressed; the others unchanged."""
    if baseline is None:
        return list(findings)
    accepted = {e.fingerprint: e for e in baseline.entries if not e.expired(now)}
    return [
        replace(f, suppression=Suppression(accepted[f.fingerprint].reason,
                                           accepted[f.fingerprint].expires.isoformat()))
        if f.fingerprint in accepted else f
        for f in findings
    ]
