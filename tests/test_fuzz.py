"""Property-based tests: arbitrary and damaged tokens, arbitrary environment files. Nothing
may raise; damage becomes a finding; nothing in a token steers a fetch or a file access."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from joserfc import jwk, jwt

from driftcheck.facts import build_facts
from driftcheck.load import load_environments
from driftcheck.tokens.observe import analyze

KEY = jwk.RSAKey.generate_key(2048, parameters={"kid": "k1"}, private=True)
PUBLIC = {KEY.thumbprint(): jwk.RSAKey.import_key(KEY.as_dict(private=False))}
TOKEN = jwt.encode({"alg": "RS256", "kid": "k1"},
                   {"iss": "https://idp.test", "aud": "api", "exp": 4102444800, "sub": "x"},
                   KEY)
FAST = settings(max_examples=200, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def observe(raw: str):
    return analyze(raw, name="t", environment="e", source="env", for_api=None, keys=PUBLIC)


def b64(value: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


def test_the_real_token_verifies():
    assert observe(TOKEN).verified_by == tuple(PUBLIC)


@FAST
@given(st.text(max_size=2000))
def test_arbitrary_text_never_raises(text):
    token = observe(text)
    assert token.fatal is not None or token.header is not None


@FAST
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_raise(data):
    observe(data.decode("latin-1"))


@FAST
@given(st.integers(min_value=0, max_value=len(TOKEN) - 1), st.integers(min_value=0, max_value=6))
def test_bit_flips_in_every_segment(position, bit):
    flipped = TOKEN[:position] + chr(ord(TOKEN[position]) ^ (1 << bit)) + TOKEN[position + 1:]
    token = observe(flipped)
    if flipped != TOKEN and token.fatal is None and not token.damage:
        # Decoded fine, so the flip landed in a signature or changed the signed bytes.
        assert token.verified_by == () or flipped.rstrip("=") == TOKEN


@FAST
@given(st.permutations(TOKEN.split(".")))
def test_segment_swaps(segments):
    token = observe(".".join(segments))
    if segments != TOKEN.split("."):
        assert token.verified_by == ()


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(
        st.text(max_size=8), children, max_size=4),
    max_leaves=20)


@FAST
@given(st.dictionaries(st.sampled_from(["alg", "kid", "typ", "crit", "jku", "jwk", "x5u"]),
                       JSON_VALUES, max_size=5),
       st.dictionaries(st.sampled_from(["iss", "aud", "exp", "nbf", "iat", "sub", "nonce",
                                        "scope"]), JSON_VALUES, max_size=8))
def test_header_and_claims_of_any_type(header, claims):
    token = observe(f"{b64(header)}.{b64(claims)}.c2ln")
    assert token.header == header or token.fatal is not None


def test_nested_json_bomb_and_huge_tokens():
    nested: object = "x"
    for _ in range(10_000):
        nested = [nested]
    payload = base64.urlsafe_b64encode(("[" * 100_000 + "]" * 100_000).encode()).decode()
    assert observe(f"{b64({'alg': 'RS256'})}.{payload}.c2ln").fatal is not None
    assert observe("a" * 10_000_000).fatal.kind == "too-large"
    deep = {"alg": "RS256"}
    claims: dict[str, object] = {}
    cursor = claims
    for _ in range(200):
        cursor["a"] = {}
        cursor = cursor["a"]  # type: ignore[assignment]
    assert observe(f"{b64(deep)}.{b64(claims)}.c2ln").fatal.kind == "not-json"


def test_key_confusion_never_uses_the_public_key_as_a_secret():
    # joserfc refuses to build this key, so the forgery is made by hand, as an attacker would.
    pem = KEY.as_pem(private=False)
    signing_input = f"{b64({'alg': 'HS256', 'kid': 'k1'})}.{b64({'iss': 'https://idp.test'})}"
    mac = hmac.new(pem, signing_input.encode(), hashlib.sha256).digest()
    forged = f"{signing_input}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"
    token = observe(forged)
    assert token.header["alg"] == "HS256"
    assert token.verified_by == ()
    assert token.checked_keys == ()
    assert token.hmac is None


@pytest.mark.parametrize("kid", ["../../etc/passwd", "' OR 1=1 --", "http://evil.test/k",
                                 "%2e%2e%2f", "\u0000null"])
def test_hostile_kids_are_data_only(kid, sandbox, static_server, tmp_path, cli, monkeypatch):
    token = sandbox.sign("dev", {"iss": sandbox.tenant_url("dev"), "exp": 4102444800},
                         header={"kid": kid, "jku": static_server.url + "/keys"})
    monkeypatch.setenv("PROBE", token)
    (tmp_path / "e.toml").write_text(
        f'name = "e"\n[idp]\nissuer = "{sandbox.tenant_url("dev")}"\n'
        '[tokens.p]\nsource = "env"\nenv = "PROBE"\n')
    _code, out, _ = cli("check", str(tmp_path / "e.toml"), "--format", "json")
    rules = {f["rule"] for f in json.loads(out)["findings"]}
    assert "DC304" in rules
    assert "DC313" in rules
    assert static_server.requests == []
    assert set(sandbox.requests) == {"GET /tenants/dev/.well-known/openid-configuration",
                                     "GET /tenants/dev/jwks"}


# -- hostile environment files ---------------------------------------------------------------

@FAST
@given(st.text(alphabet=string.printable, max_size=500))
def test_random_toml_never_raises(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("fuzz") / "x.toml"
    path.write_text(text)
    result = load_environments([path], {})
    assert result.environments or result.problems


@pytest.mark.parametrize(
    "text",
    [
        'name = "x"\n[idp]\nissuer = ' + "[" * 5000 + "]" * 5000 + "\n",
        'name = "x"\n' + "".join(f"[t{i}]\n" for i in range(2000)),
        'name = "x"\n[idp]\nissuer = "' + "a" * 1_000_000 + '"\n',
        'name = "x"\n[idp]\nissuer = "https://i"\npinned_kids = [' +
        ",".join(f'"{i}"' for i in range(100_000)) + "]\n",
        'name = "x"\n[idp]\nissuer = "${A}"\n',
        "\x00\x01\x02",
        '[idp]\nissuer = """unterminated\n',
    ],
    ids=["deep-nesting", "many-tables", "1mb-string", "huge-array", "variable-loop", "binary",
         "unterminated"],
)
def test_hostile_files_exit_2_or_load(text, tmp_path, cli):
    (tmp_path / "x.toml").write_text(text)
    code, out, err = cli("validate", str(tmp_path / "x.toml"))
    assert code in (0, 2)
    assert "Traceback" not in out + err


def test_variable_loops_do_not_expand():
    from driftcheck.load.interpolate import interpolate

    variables = {"A": "${B}", "B": "${A}"}
    assert interpolate("${A}", variables, lambda *_: None) == "${B}"
    assert interpolate("${A}" * 1000, variables, lambda *_: None) == "${B}" * 1000


def _pipeline_context(token_observation):  # type: ignore[no-untyped-def]
    from driftcheck.models import Api, Environment, Frontend, Idp
    from driftcheck.observations import EnvironmentObservation, HttpObservation, Observations
    from driftcheck.rules import RuleContext

    issuer = "https://idp.test"
    environment = Environment(
        name="e", file="e.toml", tier="nonprod",
        idp=Idp(issuer=issuer, discovery_url=issuer + "/.well-known/openid-configuration"),
        apis={"orders": Api(name="orders", issuers=(issuer,), audiences=("api",),
                            algorithms=("RS256", "HS256"), clock_skew=60,
                            required_claims=("sub",), secret_env="NOT_SET")},
        frontends={"web": Frontend(name="web", client_id="web")})
    discovery = HttpObservation(environment.idp.discovery_url, environment.idp.discovery_url,
                                200, 1.0, 0.0, {}, {"issuer": issuer, "jwks_uri": issuer + "/k"})
    keys = HttpObservation(issuer + "/k", issuer + "/k", 200, 1.0, 0.0, {},
                           {"keys": [KEY.as_dict(private=False)]})
    seen = EnvironmentObservation("e", discovery.url, keys.url, tokens=(token_observation,))
    observations = Observations(0.0, {discovery.url: discovery, keys.url: keys}, {"e": seen})
    return RuleContext(build_facts((environment,), observations, now=1_800_000_000.0))


@FAST
@given(st.dictionaries(st.sampled_from(["alg", "kid", "typ", "crit", "jku"]), JSON_VALUES,
                       max_size=5),
       st.dictionaries(st.sampled_from(["iss", "aud", "exp", "nbf", "iat", "sub", "nonce",
                                        "scope", "token_use"]), JSON_VALUES, max_size=9))
def test_every_rule_survives_any_token(header, claims):
    from dataclasses import replace

    from driftcheck.outcome import token_verdicts
    from driftcheck.rules import run_rules

    token = replace(analyze(f"{b64(header)}.{b64(claims)}.c2ln", name="t", environment="e",
                            source="env", for_api="orders", keys=PUBLIC), for_api="orders")
    context = _pipeline_context(token)
    findings = run_rules(context)
    token_verdicts(context.facts, findings, set())
    assert all(f.message for f in findings)


def _with_payload(payload: str):  # type: ignore[no-untyped-def]
    return observe(f"{b64({'alg': 'RS256'})}."
                   f"{base64.urlsafe_b64encode(payload.encode()).rstrip(b'=').decode()}.c2ln")


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_numbers_json_does_not_have_make_the_token_malformed(constant):
    # Python's json reads them, RFC 8259 has no such numbers (JSON.parse in the Node.js
    # validators refuses them): the payload is not JSON, and the token is malformed.
    token = _with_payload(f'{{"exp": {constant}}}')
    assert token.claims is None
    assert token.fatal is not None
    assert token.fatal.kind == "not-json"
    assert constant in token.fatal.detail


def test_a_number_no_date_can_hold_is_kept_exactly_and_never_expires():
    from driftcheck.rules import run_rules

    token = _with_payload('{"exp": 1' + "0" * 400 + "}")
    assert token.fatal is None
    assert token.claims == {"exp": 10 ** 400}
    findings = run_rules(_pipeline_context(token))
    assert all(f.message for f in findings)
    # Every validator compares it with now and lets it through: not expired, not early.
    assert not {"DC306", "DC307"} & {f.rule for f in findings}
