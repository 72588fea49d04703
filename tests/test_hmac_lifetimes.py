"""Shared-secret (HS*) environments and token lifetimes vs refresh and rotation."""

from __future__ import annotations

import base64
import json
import time

import pytest

from driftcheck.sandbox import Sandbox
from tests.conftest import check_folder

SECRET = b"orders-hs256-shared-secret-of-40-bytes!!"


def hs_environment(sandbox: Sandbox, name: str, secret_line: str, extra: str = "",
                   tier: str = "nonprod") -> str:
    return f"""name = "{name}"
tier = "{tier}"
[idp]
issuer = "{sandbox.tenant_url(name)}"
[apis.orders]
issuers = ["{sandbox.tenant_url(name)}"]
audiences = ["api://orders-{name}"]
algorithms = ["HS256"]
{secret_line}
[tokens.probe]
source = "env"
env = "PROBE_{name.upper()}"
for_api = "orders"
{extra}"""


run = check_folder


def hs_token(sandbox: Sandbox, monkeypatch, name: str = "dev", secret: bytes = SECRET) -> str:
    sandbox.set_faults(name, hs256=True)
    sandbox.set_hmac_secret(name, secret)
    token = sandbox.issue_token(name, f"probe-{name}")
    monkeypatch.setenv(f"PROBE_{name.upper()}", token)
    return token


def test_secret_as_configured_verifies(sandbox, cli, tmp_path, monkeypatch):
    hs_token(sandbox, monkeypatch)
    monkeypatch.setenv("ORDERS_SECRET", SECRET.decode())
    report = run(cli, tmp_path, ("dev", hs_environment(sandbox, "dev",
                                                       'secret_env = "ORDERS_SECRET"')))
    assert report["findings"] == []
    steps = report["environments"][0]["tokens"][0]["steps"]
    assert steps["key"] == steps["signature"] == "pass"


@pytest.mark.parametrize(
    ("configured", "transform"),
    [
        (SECRET.decode() + "\n", "trailing whitespace or newline stripped"),
        (base64.b64encode(SECRET).decode(), "base64-decoded"),
        (base64.urlsafe_b64encode(SECRET).decode().rstrip("="),
         # Without '-' or '_' base64url text is plain base64 too, and is named so.
         "base64url-decoded" if set("-_") & set(base64.urlsafe_b64encode(SECRET).decode())
         else "base64-decoded"),
        (SECRET.hex(), "hex-decoded"),
        (f'"{SECRET.decode()}"', "quotes removed"),
    ],
    ids=["newline", "base64", "base64url", "hex", "quoted"],
)
def test_mangled_secret_names_the_transformation(sandbox, cli, tmp_path, monkeypatch,
                                                 configured, transform):
    hs_token(sandbox, monkeypatch)
    monkeypatch.setenv("ORDERS_SECRET", configured)
    report = run(cli, tmp_path, ("dev", hs_environment(sandbox, "dev",
                                                       'secret_env = "ORDERS_SECRET"')))
    (finding,) = [f for f in report["findings"] if f["rule"] == "DC305"]
    assert f"verifies when the secret is {transform}" in finding["message"]
    assert finding["evidence"]["verifies_when"] == transform
    assert report["environments"][0]["tokens"][0]["steps"]["signature"] == "fail"
    dumped = json.dumps(report)
    assert SECRET.decode() not in dumped
    assert configured.strip('"\n') not in dumped


def test_secret_encoded_by_the_api_side(sandbox, cli, tmp_path, monkeypatch):
    # The IdP signs with the base64 text itself; the API holds the raw bytes.
    hs_token(sandbox, monkeypatch, secret=base64.b64encode(SECRET))
    monkeypatch.setenv("ORDERS_SECRET", SECRET.decode())
    report = run(cli, tmp_path, ("dev", hs_environment(sandbox, "dev",
                                                       'secret_env = "ORDERS_SECRET"')))
    (finding,) = [f for f in report["findings"] if f["rule"] == "DC305"]
    assert "verifies when the secret is base64-encoded" in finding["message"]


def test_secret_file_with_newline_and_different_secret(sandbox, cli, tmp_path, monkeypatch):
    hs_token(sandbox, monkeypatch)
    (tmp_path / "envs").mkdir()
    (tmp_path / "envs" / "orders.secret").write_text(SECRET.decode() + "\n")
    report = run(cli, tmp_path, ("dev", hs_environment(sandbox, "dev",
                                                       'secret_file = "orders.secret"')))
    (finding,) = report["findings"]
    assert "trailing whitespace or newline stripped" in finding["message"]
    assert finding["evidence"]["secret"].startswith("secret_file ")
    monkeypatch.setenv("ORDERS_SECRET", "a-completely-different-secret-of-enough-length")
    report = run(cli, tmp_path, ("dev", hs_environment(sandbox, "dev",
                                                       'secret_env = "ORDERS_SECRET"')))
    (finding,) = report["findings"]
    assert "in any usual mangled form" in finding["message"]


def test_missing_secret_cannot_check_the_signature(sandbox, cli, tmp_path, monkeypatch):
    hs_token(sandbox, monkeypatch)
    monkeypatch.delenv("ORDERS_SECRET", raising=False)
    report = run(cli, tmp_path, ("dev", hs_environment(sandbox, "dev",
                                                       'secret_env = "ORDERS_SECRET"')))
    (finding,) = report["findings"]
    assert finding["rule"] == "DC305"
    assert finding["severity"] == "medium"
    assert "environment variable ORDERS_SECRET is not set" in finding["message"]
    assert report["environments"][0]["tokens"][0]["steps"]["key"] == "skipped"


def test_dc210_short_secret(sandbox, cli, tmp_path, monkeypatch):
    hs_token(sandbox, monkeypatch, secret=b"short-secret")
    monkeypatch.setenv("ORDERS_SECRET", "short-secret")
    report = run(cli, tmp_path, ("dev", hs_environment(sandbox, "dev",
                                                       'secret_env = "ORDERS_SECRET"')))
    (finding,) = report["findings"]
    assert finding["rule"] == "DC210"
    assert finding["evidence"] == {"secret": "secret_env ORDERS_SECRET", "bits": 96,
                                   "required_bits": 256}


@pytest.mark.parametrize(("tier", "severity"), [("nonprod", "high"), ("prod", "critical")])
def test_dc507_same_secret_in_two_environments(sandbox, cli, tmp_path, monkeypatch, tier,
                                               severity):
    hs_token(sandbox, monkeypatch, "staging")
    hs_token(sandbox, monkeypatch, "prod")
    monkeypatch.setenv("ORDERS_SECRET", SECRET.decode())
    report = run(cli, tmp_path,
                 ("staging", hs_environment(sandbox, "staging", 'secret_env = "ORDERS_SECRET"')),
                 ("prod", hs_environment(sandbox, "prod", 'secret_env = "ORDERS_SECRET"',
                                         tier=tier)),
                 extra=("--snapshot-out", f"{tmp_path}/snap.toml"))
    shared = [f for f in report["findings"] if f["rule"] == "DC507"]
    assert sorted(f["environment"] for f in shared) == ["prod", "staging"]
    assert {f["severity"] for f in shared} == {severity}
    snapshot = (tmp_path / "snap.toml").read_text()
    assert SECRET.decode() not in snapshot
    assert SECRET.hex() not in snapshot
    assert shared[0]["evidence"]["secret_fingerprint"] in snapshot


# -- lifetimes --------------------------------------------------------------------------------

LIFETIME_ENV = """name = "dev"
[idp]
issuer = "{issuer}"
rotation_overlap = "{overlap}"
[frontends.web]
api = "orders"
refresh_before_expiry = "{margin}"
[apis.orders]
clock_skew = "60s"
jwks_cache_ttl = "10m"
max_token_age = "{max_age}"
[tokens.probe]
source = "env"
env = "PROBE_DEV"
for_api = "orders"
"""


def lifetime_run(sandbox, cli, tmp_path, monkeypatch, lifetime: int, **values: str) -> dict:
    sandbox.set_faults("dev", token_lifetime=lifetime, jwks_max_age=300)
    monkeypatch.setenv("PROBE_DEV", sandbox.issue_token("dev", "probe-dev"))
    settings = {"overlap": "24h", "margin": "5m", "max_age": "1h", **values}
    return run(cli, tmp_path, ("dev", LIFETIME_ENV.format(issuer=sandbox.tenant_url("dev"),
                                                          **settings)))


def rules(report: dict) -> list[str]:
    return sorted(f["rule"] for f in report["findings"])


@pytest.mark.parametrize(("lifetime", "max_age", "fires"), [(7200, "1h", True),
                                                            (3600, "1h", False),
                                                            (3601, "1h", True)])
def test_dc314_lifetime_against_max_token_age(sandbox, cli, tmp_path, monkeypatch, lifetime,
                                              max_age, fires):
    report = lifetime_run(sandbox, cli, tmp_path, monkeypatch, lifetime, max_age=max_age,
                          overlap="48h")
    assert ("DC314" in rules(report)) == fires


def test_dc314_no_exp_at_a_strict_api(sandbox, cli, tmp_path, monkeypatch):
    token = sandbox.sign("dev", {"iss": sandbox.tenant_url("dev"), "sub": "x",
                                 "iat": int(time.time())})
    monkeypatch.setenv("PROBE_DEV", token)
    report = run(cli, tmp_path, ("dev", LIFETIME_ENV.format(
        issuer=sandbox.tenant_url("dev"), overlap="24h", margin="5m", max_age="1h")))
    (finding,) = [f for f in report["findings"] if f["rule"] == "DC314"]
    assert finding["severity"] == "high"
    assert "has no exp" in finding["message"]


@pytest.mark.parametrize(("margin", "expected"), [("1h", ["loop"]), ("30s", ["skew"]),
                                                  ("60s", []), ("59m", [])])
def test_dc408_refresh_margin(sandbox, cli, tmp_path, monkeypatch, margin, expected):
    report = lifetime_run(sandbox, cli, tmp_path, monkeypatch, 3600, margin=margin)
    found = [f for f in report["findings"] if f["rule"] == "DC408"]
    kinds = ["loop" if "refresh loop" in f["message"] else "skew" for f in found]
    assert kinds == expected


@pytest.mark.parametrize(("overlap", "shortfall"), [("30m", 2400), ("1h10m", None),
                                                    ("1h9m", 60)])
def test_dc211_rotation_overlap_against_lifetime_and_cache(sandbox, cli, tmp_path, monkeypatch,
                                                           overlap, shortfall):
    report = lifetime_run(sandbox, cli, tmp_path, monkeypatch, 3600, overlap=overlap)
    found = [f for f in report["findings"] if f["rule"] == "DC211"]
    if shortfall is None:
        assert found == []
    else:
        (finding,) = found
        assert finding["evidence"]["shortfall_seconds"] == shortfall
        assert "10 min, apis.orders.jwks_cache_ttl" in finding["message"]
