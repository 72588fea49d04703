"""Snapshot files written before the codec was derived from the dataclasses still load.

`tests/snapshots/v1-*.toml` were written by the hand-written writer of version 1 (before
#18): one with every field set, one with every field at its default (that writer spelled out
`damage = []`, `signature_length = 0`, `received_at = 0.0`, ...). Both must read back to the
observations they were written from, and what today's writer makes of them must read back
the same. Fields added after these files were written take their defaults.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from driftcheck.deployed.interface import DisabledCheck, Origin, Reading, Setting
from driftcheck.deployed.problems import ArtifactProblem
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
)
from driftcheck.snapshot import read_snapshots, write_snapshot
from driftcheck.tokens.parse import Damage

FILES = Path(__file__).parent / "snapshots"

JSON = {"list": [None, 1, 2.5, True, "é"], "null": None}
DAMAGE = Damage(kind="w-kind", detail="w-detail")
FAILURE = FetchFailure(kind="collect-error", detail="w-detail")
ORIGIN = Origin(file="w-file", line=3, default="w-default", detail="w-detail")
TOKEN = TokenObservation(
    name="w-name", environment="dev", source="w-source", for_api="w-for_api",
    failure="w-failure", fingerprint="0123456789ab", damage=(DAMAGE,), fatal=DAMAGE,
    header={"k": JSON}, claims={"k": JSON}, signature_length=7, verified_by=("w-verified_by",),
    checked_keys=("w-checked_keys",), hmac=HmacCheck(api="w-api", verified=True,
                                                     transform="w-transform"),
    received_at=1.5)
EVERY_FIELD = Observations(
    collected_at=1.5,
    responses={"w-url": HttpObservation(
        url="w-url", final_url="w-final_url", status=7, elapsed_ms=1.5, received_at=1.5,
        headers={"k": "w-headers"}, body=JSON, failure=FAILURE)},
    environments={"dev": EnvironmentObservation(
        environment="dev", discovery_url="w-discovery_url", jwks_url="w-jwks_url",
        declared_jwks_url="w-declared_jwks_url", runtime_config_urls={"k": "w-runtime_config_urls"},
        tokens=(TOKEN,),
        secrets=(SecretObservation(api="w-api", source="w-source", bits=7,
                                   fingerprint="w-fingerprint", failure="w-failure"),),
        probes=(ProbeObservation(
            environment="dev", component="w-component", url="w-url", method="HEAD",
            cases=(ProbeCase(
                kind="forged", label="w-label", environment="w-environment",
                token_name="w-token_name", forged="no-signature", forged_token=TOKEN,
                skipped="w-skipped",
                answer=ProbeAnswer(
                    status=7, elapsed_ms=1.5, challenge_scheme="w-challenge_scheme",
                    challenge={"k": "w-challenge"}, content_type="w-content_type",
                    location="w-location", body_excerpt="w-body_excerpt", failure=FAILURE)),),
            out_of_scope=7, withheld_prod=7),))},
    deployed={"k": (Reading(
        component="w-component", kind="w-kind", files=("w-files",),
        settings=(Setting(field="w-field", value=("w-value",), origin=ORIGIN,
                          overrode=(ORIGIN,)),),
        disabled=(DisabledCheck(check="w-check", message="w-message", origin=ORIGIN),),
        problems=(ArtifactProblem(file="w-file", message="w-message", line=7, column=7,
                                  unresolved=True),),
        notes=("w-notes",)),)},
)

URL = "http://127.0.0.1:9/dev/.well-known/openid-configuration"
DEFAULTS = Observations(
    collected_at=1764720000.25,
    responses={URL: HttpObservation(URL, URL, None, 0.0, 0.0)},
    environments={"dev": EnvironmentObservation(
        "dev", URL,
        tokens=(TokenObservation("probe", "dev", "env PROBE_TOKEN"),),
        secrets=(SecretObservation("orders", "secret_env ORDERS"),),
        probes=(ProbeObservation(
            "dev", "apis.orders", "http://127.0.0.1:9/ping", "GET",
            (ProbeCase("no-token", "no token", answer=ProbeAnswer(None)),
             ProbeCase("forged", "alg none", forged="alg-none",
                       forged_token=TokenObservation("probe", "dev", "forged")))),))},
    deployed={"dev": (Reading(
        "apis.orders", "spring-boot",
        settings=(Setting("audiences", (), Origin()),
                  Setting("clock_skew", 60.0, Origin(default="Spring"))),
        disabled=(DisabledCheck("audience", "no audience", Origin()),),
        problems=(ArtifactProblem("a.yml", "bad"),)),)},
)


@pytest.mark.parametrize(("name", "expected"), [("v1-every-field.toml", EVERY_FIELD),
                                            ("v1-defaults.toml", DEFAULTS)])
def test_version_1_files_still_load(name: str, expected: Observations, tmp_path: Path) -> None:
    seen = read_snapshots([FILES / name])
    assert seen == expected
    write_snapshot(tmp_path / "again.toml", seen)
    assert read_snapshots([tmp_path / "again.toml"]) == expected


def test_absent_keys_an_older_writer_left_out_take_their_old_meaning(tmp_path: Path) -> None:
    """The schema lets a response omit everything but its URL: the URL is also where it
    ended, and times are 0. A setting or disabled check without origin has an empty one."""
    (tmp_path / "old.toml").write_text(
        'version = "1"\ntool = "x"\nwritten_at = "x"\ncollected_at = 0\n'
        f'[[responses]]\nurl = "{URL}"\n'
        f'[environments.dev]\ndiscovery_url = "{URL}"\n'
        '[[deployed.dev]]\ncomponent = "apis.a"\nkind = "kong"\n'
        'settings = [{ field = "issuers", value_json = "[\\"i\\"]" }]\n'
        'disabled = [{ check = "exp", message = "m" }]\n')
    seen = read_snapshots([tmp_path / "old.toml"])
    assert seen.responses[URL] == HttpObservation(URL, URL, None, 0.0, 0.0)
    assert seen.collected_at == 0.0
    assert isinstance(seen.collected_at, float)
    (reading,) = seen.deployed["dev"]
    assert reading.settings == (Setting("issuers", ("i",), Origin()),)
    assert reading.disabled == (DisabledCheck("exp", "m", Origin()),)
