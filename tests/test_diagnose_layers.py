"""`driftcheck diagnose` in layers (issue 21): envelopes, families, the general reader, the
labelled corpus's numbers, and text that must stay unknown or vague."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from benchmarks.diagnose import corpus, measure, outcomes
from driftcheck.diagnose import diagnose, diagnose_response
from driftcheck.diagnose.envelope import unwrap
from driftcheck.diagnose.values import quoted_values
from driftcheck.findings import Step

STEPS = {s.value for s in Step}


# -- the corpus --------------------------------------------------------------------------

def test_corpus_is_large_varied_and_split_by_whole_libraries():
    rows = corpus()
    assert len(rows) >= 250
    assert len({r["library"] for r in rows}) >= 30
    assert len({r["language"] for r in rows}) >= 8
    assert set(Counter(r["split"] for r in rows)) <= {"dev", "held-out"}
    by_library: dict[str, set[str]] = {}
    for row in rows:
        by_library.setdefault(row["library"], set()).add(row["split"])
        assert row["expected"] in STEPS | {"vague", "unknown"}, row["file"]
        assert row["source"], row["file"]
        assert row["version"], row["file"]
        assert row["message"], row["file"]
    both = sorted(name for name, splits in by_library.items() if len(splits) > 1)
    assert not both, f"libraries in both splits (hold out whole libraries): {both}"
    assert Counter(r["expected"] for r in rows)["unknown"] >= 10
    assert Counter(r["expected"] for r in rows)["vague"] >= 10


def test_corpus_reads_every_split_file(tmp_path, monkeypatch):
    """A held-out split added as a file of its own is read with messages.jsonl: every line
    of a held-out*.jsonl file is held-out, whatever its split field says."""
    import benchmarks.diagnose as bench

    line = {"library": "x", "version": "1", "language": "go", "source": "x: y.go",
            "message": "token is expired", "expected": "time"}
    (tmp_path / "messages.jsonl").write_text(
        json.dumps(line | {"split": "dev"}) + "\n\n", encoding="utf-8")
    (tmp_path / "held-out-3.jsonl").write_text(
        json.dumps(line | {"library": "y", "split": "held-out-3"}) + "\n"
        + json.dumps(line | {"library": "z"}) + "\n"
        + json.dumps(line | {"library": "w", "split": "dev"}) + "\n", encoding="utf-8")
    monkeypatch.setattr(bench, "CORPUS", tmp_path)
    rows = bench.corpus()
    assert [(r["library"], r["split"], r["file"]) for r in rows] == [
        ("y", "held-out", "held-out-3.jsonl:1"), ("z", "held-out", "held-out-3.jsonl:2"),
        ("w", "held-out", "held-out-3.jsonl:3"), ("x", "dev", "messages.jsonl:1")]
    assert [o.got for o in bench.outcomes("held-out")] == ["time"] * 3
    (tmp_path / "broken.jsonl").write_text("{not json\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"broken\.jsonl:1"):
        bench.corpus()


# Dev messages on which the reader names a step other than the label, each for a reason
# (the label is debatable, or answering right would take words that mean the step only in
# that one library). Every other dev miss is a vague answer or no answer.
ACCEPTED_WRONG_STEPS = {
    # python_jwt "no key but none alg not allowed" (labelled key; the words name alg none)
    "dev-5a.jsonl:6",
    # jsrsasign "key shall be a RSAKey obj for RS* and PS* algs" (labelled algorithm)
    "dev-5a.jsonl:86",
    # node-jose "unsupported key type" from its key store (labelled jwks; read as key)
    "dev-5a.jsonl:97",
    # oidc-provider's opaque token not found in its store (labelled vague; read as parse)
    "dev-5a.jsonl:148",
    # keyfunc "could not convert kid in JWT header to string" (labelled parse; read as key)
    "dev-5a.jsonl:196",
    # jwt_sessions "Access token not found" in its session store (labelled unknown)
    "dev-5b.jsonl:95",
    # Microsoft.Identity.Web IDW10202: a roles check after a valid token (labelled unknown)
    "dev-5b.jsonl:173",
    # Elytron ELY01114 "Invalid token format. Tokens must have a signature part" (labelled
    # algorithm for an unsigned token; read as parse)
    "dev-5b.jsonl:219",
    # Symfony's "error occurred while decoding and validating the token" with an empty
    # detail (labelled vague; read as parse)
    "dev-5b.jsonl:278",
    # HAProxy "(Verification failure) alg=RS256" (labelled signature; the alg beside it
    # reads as the algorithm's)
    "dev-6a.jsonl:40",
    # AppAuth "Unable to parse ID Token" caused by a claim check (labelled parse)
    "dev-6a.jsonl:77",
    # oidcc's discovery issuer mismatch in an Erlang tuple (labelled discovery; read as
    # issuer)
    "dev-6a.jsonl:148",
    # aliri: a key of the set without kid (labelled jwks; the innermost words say key)
    "dev-6a.jsonl:186",
    # aliri: the algorithm named in the discovery document is invalid (labelled jwks)
    "dev-6a.jsonl:190",
    # jsontokens "a signing algorithm and public key are required" (labelled key)
    "dev-6b.jsonl:118",
    # okta "Failed to parse RSA public key" from its key set (labelled jwks; read as key)
    "dev-6b.jsonl:130",
    # "Invalid Token" with a JWTDecodeError type, "No token could be verified", "failed to
    # decode JWT token", "Error decoding signature": their authors labelled them vague (the
    # libraries verify while decoding); read as parse
    "dev-7a.jsonl:58", "dev-7b.jsonl:252",
    # msal-node issuer_validation_failed, a configuration error about the authority
    # (labelled discovery; read as issuer)
    "dev-7a.jsonl:74",
    # Temporal "unsupported key type HMAC for: HS256" (labelled algorithm; read as key)
    "dev-7a.jsonl:217",
    # Silhouette "Cannot parse Json" of the authenticator's claims (labelled claims)
    "dev-7b.jsonl:120",
    # The eighth split (read after its measurement). Pinniped's condition "could not fetch
    # keys: … failed to decode keys: invalid character '<'" (labelled jwks; its own reason
    # says it could not fetch)
    "dev-8a.jsonl:139",
    # Pinniped "spec.issuer … has invalid scheme", a configuration check (labelled unknown;
    # read as issuer)
    "dev-8a.jsonl:141",
    # "invalid_public_key" from a key set (labelled jwks; read as key), as the okta one above
    "dev-8a.jsonl:183", "dev-8b.jsonl:46",
    # Ceph "Couldn't get oidc provider info using input iss" (labelled issuer: no provider
    # is registered for the iss; read as a fetch)
    "dev-8a.jsonl:195",
    # "Failed to discover OIDC configuration" (labelled discovery; read as fetch)
    "dev-8a.jsonl:226",
    # okta-auth-js "DPoP was configured but token_type was not DPoP", a token response's
    # field (labelled unknown; read as token type)
    "dev-8b.jsonl:62",
    # "MFA was verified too long ago" (labelled unknown; read as time, as auth_time is)
    "dev-8b.jsonl:106",
    # Nimbus "Invalid ECDSA signature format" (labelled signature; read as the token's shape)
    "dev-8b.jsonl:120",
    # envelop "Unsupported token type provided: \"Token\"", the Authorization scheme
    # (labelled parse; read as token type)
    "dev-8b.jsonl:216",
    # Redash's key set response that is not JSON, known only from its frame's function name
    # (labelled jwks; frames are not read)
    "dev-8b.jsonl:234",
    # The ninth split (read after its measurement).
    # Meilisearch "JSON error: missing field `apiKeyUid` at line 1 column 58" (labelled
    # claims; a decoder's failure is read as the token's shape, as the convention above)
    "dev-9a.jsonl:130",
    # mod_authnz_jwt "authorization failed for claim groups=admins", an authorization rule
    # (labelled unknown; read as claims)
    "dev-9a.jsonl:209",
    # Traffic Server "No keys found for issuer …" (labelled issuer; read as key)
    "dev-9a.jsonl:220",
    # key set states read as key or fetch: TiDB "No valid JWKS yet", MongoDB "Failed loading
    # JWKManager with keys", "Key ID must be non-empty", Google's "No valid public key
    # returned by the keystore" (labelled jwks)
    "dev-9a.jsonl:241", "dev-9a.jsonl:268", "dev-9a.jsonl:269", "dev-9b.jsonl:156",
    # angular-oauth2-oidc "wrong state/nonce" (labelled unknown; read as the nonce claim)
    "dev-9b.jsonl:134",
    # IDX10503 "Token does not have a kid" inside Auth0.net's key-missing wrapper (labelled
    # key; catalogued as signature)
    "dev-9b.jsonl:165",
    # Steeltoe "Identity certificate did not match … Subject was", an mTLS certificate
    # (labelled unknown; read as the sub claim)
    "dev-9b.jsonl:235",
    # R jose "Key must be rsa/ecdsa public key" for a key from the JWKS (labelled key; read
    # as jwks)
    "dev-9b.jsonl:275",
    # The tenth split (read after its measurement). golang-jwt's keyfunc "invalid type for
    # claim" (labelled claims; catalogued as key, the keyfunc's failure)
    "dev-10a.jsonl:148",
    # "The JWK in the JWT header is malformed" (labelled jwks; read as the token's shape)
    "dev-10a.jsonl:175",
    # StarRocks "JWT with kid … is invalid" (labelled signature; read as key)
    "dev-10a.jsonl:209",
    # YugabyteDB "GetJwkFromJwks failed: claim not found" (labelled key; read as claims)
    "dev-10a.jsonl:221",
    # Nimbus "Signed JWT rejected" in Druid's wrapper (labelled vague; catalogued as key with
    # algorithm as a candidate)
    "dev-10a.jsonl:276",
    # Descope "failed to fetch matching key" (labelled key; read as fetch)
    "dev-10b.jsonl:5",
    # key or key set: Kinde "Invalid JWK RSA key", PyJWT "unsupported key type: EC", OCaml
    # jose's `Missing_use_and_alg
    "dev-10b.jsonl:50", "dev-10b.jsonl:130", "dev-10b.jsonl:262", "dev-10b.jsonl:264",
    # oauth4webapi "\"response\" body \"issuer\" does not match", known as the discovery
    # response only from its frame (labelled discovery; frames are not read)
    "dev-10b.jsonl:82",
    # a role or an app scope after a valid token: Microsoft.Identity.Web IDW10203, Appwrite
    # "missing scopes" (labelled unknown; read as claims)
    "dev-10b.jsonl:150", "dev-10b.jsonl:221",
    # The eleventh split (read after its measurement). Boundary's long chain ending in a key
    # set it could not use (labelled fetch; read as jwks)
    "dev-11a.jsonl:104",
    # Impala "Verification failed" for a key that does not match (labelled key; read as
    # signature)
    "dev-11a.jsonl:151",
    # Hanko "session id has wrong format" (labelled claims; read as the token's shape)
    "dev-11a.jsonl:287",
    # Magic "Given issuer (did:ethr) is malformed" (labelled issuer; read as parse)
    "dev-11b.jsonl:21",
    # akka-http-session's Corrupt(…) wrappers: "Cannot deserialize JNothing" (labelled
    # claims), "refresh token lookup: TokenNotFound" (labelled unknown), a BadPaddingException
    # from a wrong key (labelled key); read as parse
    "dev-11b.jsonl:135", "dev-11b.jsonl:137", "dev-11b.jsonl:138",
    # Rocket.Chat "identityToken is not a valid JWT" (labelled vague by its author, who knew
    # the code path; read as parse from its words)
    "dev-11b.jsonl:272",
    # The twelfth split (read after its measurement).
    # jwkset "unsupported key: oct (kty)" of a JWK being created (labelled jwks; read as key)
    "dev-12a.jsonl:27",
    # kong-plugin-jwt-keycloak's 403 "Access to this resource is forbidden" for a missing
    # realm role (labelled unknown; read as claims)
    "dev-12a.jsonl:101",
    # drf-oidc-auth "Invalid Authorization header. Unable to verify bearer token" (labelled
    # vague, the library's catch-all; read as parse)
    "dev-12b.jsonl:33",
    # IDX20803 around IDX21817, a configuration without keys (labelled jwks; catalogued as
    # fetch) and IDX21818, too few valid signing keys (labelled jwks; read as key)
    "dev-12b.jsonl:206", "dev-12b.jsonl:207",
    # Drupal "Authorization failed: invalid_scope" of an authorization request (labelled
    # unknown; read as claims)
    "dev-12b.jsonl:263",
    # The thirteenth split (read after its measurement). ThingsBoard "Invalid Refresh Token
    # scope" (labelled token-type; read as claims, a scope)
    "dev-13a.jsonl:150",
    # Nimbus "Another algorithm expected, or no matching key(s) found" inside JHipster
    # (labelled vague; catalogued as key with algorithm as a candidate)
    "dev-13a.jsonl:160",
    # joken_jwks "Failed to fetch signers: :kid_not_binary / :no_algorithm_supplied", a key
    # set's content (labelled jwks; read as key and algorithm)
    "dev-13a.jsonl:182", "dev-13a.jsonl:183",
    # gwt "InvalidClaim([DecodeError(expected: String, found: Int)])" (labelled claims; read
    # as a decoder's failure)
    "dev-13a.jsonl:221",
    # SignedHttpRequest IDX23015/IDX23017 about the PoP key (labelled key; read as the cnf/jwk
    # claim), IDX23026 unsigned headers (labelled claims; read as unsigned, algorithm),
    # IDX23024 the 'ts' claim (labelled time; read as claims)
    "dev-13a.jsonl:258", "dev-13a.jsonl:269", "dev-13a.jsonl:264", "dev-13a.jsonl:266",
    # A JWK of a set that cannot be used: "Algorithms of type 'OKP' not supported"
    # (labelled jwks; read as algorithm)
    "dev-13b.jsonl:205",
    # AspNet.Security.OAuth.Apple around IDX10503 (labelled key; catalogued as signature)
    "dev-13b.jsonl:162",
    # DNN "This is not a JWT authentication scheme", "Unsupported authentication scheme"
    # (labelled token-type; read as the Authorization scheme, parse)
    "dev-13b.jsonl:175", "dev-13b.jsonl:176",
    # Dart jose listing two failures (issuer and audience; labelled vague; read as audience)
    "dev-13b.jsonl:202",
    # The fourteenth split (read after its measurement). Sentry "Failed to fetch key_id
    # (kid)", a header it could not decode (labelled key; read
    # as fetch)
    "dev-14a.jsonl:39",
    # Gotify "signature must be 64 bytes" inside "cannot parse token" (labelled parse; read
    # as signature)
    "dev-14a.jsonl:98",
    # STIR/SHAKEN certificates: "certificate not valid yet", "Cert … has expired" (labelled
    # key, the PASSporT's signing certificate; read as time), a PEM that cannot be parsed
    # (labelled jwks; read as key)
    "dev-14a.jsonl:116", "dev-14a.jsonl:189", "dev-14a.jsonl:117",
    # jose4j UnresolvableKeyException in Guacamole (labelled fetch; catalogued as key)
    "dev-14a.jsonl:138",
    # DHIS2's configured issuer differs from the requested one, a configuration check
    # (labelled discovery; read as issuer)
    "dev-14a.jsonl:227",
    # WSO2 "Has been replayed before the allowed expiry time" (labelled claims, jti replay;
    # read as time)
    "dev-14a.jsonl:258",
    # Documenso "Invalid presign token: API token not found", the verifying secret (labelled
    # key; read as parse) and Cal.com "Your api key is not valid" (labelled vague; read as
    # key)
    "dev-14b.jsonl:213", "dev-14b.jsonl:246",
    # The fifteenth split (read after its measurement). SPIFFE bundles and key handlers: a
    # JWKS authority whose keyID is empty, "keyID is disabled, but received a keySet with
    # more than one key" (labelled jwks; read as key), "jwt_bundle cannot be empty" (labelled
    # key; read as parse)
    "dev-15a.jsonl:19", "dev-15a.jsonl:61", "dev-15a.jsonl:233",
    # django-oidc-provider: a client without the introspection scope (labelled unknown; read
    # as claims)
    "dev-15a.jsonl:46",
    # traefikoidc "unable to fetch jwksUri from discoveryUri …" (labelled discovery; read as
    # jwks)
    "dev-15a.jsonl:60",
    # Bot Framework: the skill claims validator is required (labelled unknown; read as
    # claims), "Missing AppId claim", the aud by another name (labelled audience; read as
    # claims), a key of the set that cannot be loaded (labelled jwks; read as key)
    "dev-15b.jsonl:24", "dev-15b.jsonl:66", "dev-15b.jsonl:98", "dev-15b.jsonl:53",
    "dev-15b.jsonl:126", "dev-15b.jsonl:127",
    # omniauth-google-oauth2's own JSON body warning (labelled unknown; read as parse)
    "dev-15b.jsonl:214",
    # twilio "Invalid token type. Token must be a <class 'bytes'>", a Python type (labelled
    # parse; read as token type)
    "dev-15b.jsonl:232",
    # The sixteenth split (measured twice, then read). Encore "unable to validate JWT: unable
    # to validate authorization" (labelled vague; read as the authorization claims)
    "dev-16a.jsonl:133",
    # jwk-to-pem "Expected \"jwk\" to be an Object" in keycloak-verify, and inside
    # keycloak-connect's "failed to load public key" (labelled key; catalogued as jwks, and
    # as the key set's fetch: its other authors labelled that wrapper fetch five times)
    "dev-16a.jsonl:52", "dev-16a.jsonl:71",
    # passport-keycloak-bearer "Cannot get AAD signing Keys … We got no AAD signing Keys"
    # (labelled jwks; read as the fetch it names)
    "dev-16a.jsonl:87",
    # keycloak-connect "authorized party should match client id" (labelled audience; read as
    # the azp claim, claims)
    "dev-16b.jsonl:107",
    # ueberauth_oidc "Failed to extract claims from id_token" (labelled parse; read as claims)
    "dev-16b.jsonl:119",
    # lcobucci's RequiredConstraintsViolated listing an expired token and a wrong audience
    # (labelled vague; catalogued as its first audience constraint)
    "dev-16b.jsonl:63",
    # keycloak-backend's axios "Request failed with status code 401" from the userinfo call
    # (labelled vague; read as a failed request, fetch)
    "dev-16b.jsonl:98",
    # The seventeenth split (measured once, then read). Apollo Router "Unsupported key
    # algorithm: RSA1_5" (labelled key; read as algorithm), "Cannot create decoding key:
    # Base64 error" (labelled jwks; read as parse)
    "dev-17a.jsonl:113", "dev-17a.jsonl:114",
    # matrix-authentication-service "Fetching provider metadata failed … JWK Set URI is
    # missing" (labelled discovery; read as the fetch it names)
    "dev-17a.jsonl:133",
    # ChirpStack "missing field `typ`", its own claim (labelled claims; read as token type)
    "dev-17a.jsonl:153",
    # LiteLLM's key-set response that is not JSON, in a traceback (labelled jwks; read as
    # parse), Ditto's JWK of unknown kty (labelled jwks; read as key)
    "dev-17b.jsonl:12", "dev-17b.jsonl:156",
    # Open WebUI "no readable roles claim" (labelled unknown, a role decision; read as claims)
    "dev-17b.jsonl:47",
    # Medplum's bare ERR_JWT_CLAIM_VALIDATION_FAILED (labelled vague, jose's code for any
    # claim; read as claims)
    "dev-17b.jsonl:86",
    # The eighteenth split (measured once, then read). SeaweedFS's STS AccessDenied naming
    # the issuer whose key failed (labelled key; read as issuer), Gitpod's missing nonce
    # cookie (labelled unknown; read as the nonce claim)
    "dev-18a.jsonl:19", "dev-18a.jsonl:61",
    # RisingWave's serde refusing alg none "at line 1 column 13" (labelled algorithm; the
    # decoder's position reads as parse)
    "dev-18a.jsonl:83",
    # BlackSheep's OIDC request state whose signature does not match (labelled unknown, a
    # login's state; read as signature), ZenML's run-scoped API token after its run ended
    # (labelled unknown; read as time)
    "dev-18b.jsonl:117", "dev-18b.jsonl:136",
    # The nineteenth split (measured once, then read). Flyte joins the errors of its access
    # token and id token attempts in one line ("token parse error id token err: access token
    # err: <cause>, access token err: … Could not retrieve id token from metadata"); its
    # author labelled the first cause, the reader reads the last clause (six lines)
    "dev-19a.jsonl:117", "dev-19a.jsonl:118", "dev-19a.jsonl:119", "dev-19a.jsonl:124",
    "dev-19a.jsonl:127", "dev-19a.jsonl:134",
    # Flyte "failed to parse token for audience '…'. Error: no keys exist to match"
    # (labelled jwks; read as the audience it names)
    "dev-19a.jsonl:123",
    # Pachyderm "provided OIDC issuer does not implement OIDC protocol: 404 Not Found"
    # (labelled fetch; read as issuer), PowerSync's missing key whose details blame the
    # Supabase project's issuer (labelled key; read as issuer), Topaz's issuer mismatch of a
    # trailing slash, its discovery document's (labelled discovery; read as issuer), and its
    # JSON configuration that is an HTML page (labelled discovery; read as a key set's)
    "dev-19a.jsonl:148", "dev-19a.jsonl:20", "dev-19a.jsonl:91", "dev-19a.jsonl:94",
    # Topaz "Invalid authorization header. expected 'basic' scheme." (labelled unknown, a
    # Basic-auth endpoint; read as a malformed Authorization header)
    "dev-19a.jsonl:96",
    # OpenEMR "azp does not match any accepted audience" (labelled audience; read as the azp
    # claim), "failed to retrieve jwk for client … Malformed jwks missing keys property"
    # (labelled jwks; read as the fetch it names)
    "dev-19b.jsonl:113", "dev-19b.jsonl:136",
    # ABP "Could not retrieve the OpenId Connect discovery document! … PolicyViolation"
    # (labelled discovery; read as fetch), OpenSIPS's invalid base64url of a key's exponent
    # (labelled jwks; read as parse), Kapua's jose4j UnresolvableKeyException around an
    # unreachable key set (labelled fetch; catalogued as key)
    "dev-19b.jsonl:150", "dev-19b.jsonl:55", "dev-19b.jsonl:73",
    # The twentieth split (measured once, then read). Authlib's and mlflow-oidc-auth's
    # "Invalid JSON Web Key Set", which both raise when no key matches the kid (labelled key;
    # read as the key set's)
    "dev-20a.jsonl:10", "dev-20a.jsonl:119",
    # Langflow "Invalid token payload. Token type: access" (labelled claims; the catalogued
    # words are vague between parse and claims, the log's "Token type" reads as token type)
    "dev-20a.jsonl:82",
    # Navidrome "invalid or expired transcode token: missing media ID" / "… mediaID does not
    # match" (labelled claims; read as the expiry the disjunction names)
    "dev-20b.jsonl:100", "dev-20b.jsonl:102",
    # openid-client "unexpected JSON attribute value encountered" for a discovery document's
    # issuer (labelled discovery; read as issuer), go-oidc's id_token missing from the token
    # response "(token_type=Bearer)" (labelled parse; read as token type), Navidrome "Error
    # parsing shared stream info … token is unauthorized" (labelled vague; read as parse)
    "dev-20b.jsonl:52", "dev-20b.jsonl:92", "dev-20b.jsonl:95",
}


def test_development_split_stays_where_it_is():
    """The numbers reached while tuning on dev (messages.jsonl and the earlier held-out
    splits that joined it: dev-3 to dev-20b) are the floor, and
    no one-step answer is wrong but the accepted ones above."""
    results = outcomes("dev")
    numbers = measure(results)
    misses = {o.where: (o.expected, o.got, o.message[:80]) for o in results
              if o.got != o.expected}
    assert len(results) >= 8993
    # Measured on 2026-12-03 in the seventh session's fifth round (tuned on the twentieth
    # split, now dev): 7824/8993 right (87.0 %).
    assert numbers.right >= 7824, misses
    wrong_steps = {o.where for o in results
                   if o.got not in ("vague", "unknown") and o.got != o.expected}
    assert wrong_steps <= ACCEPTED_WRONG_STEPS, {
        where: misses[where] for where in wrong_steps - ACCEPTED_WRONG_STEPS}


def test_held_out_split_keeps_its_measured_numbers():
    """Issue 21's targets on a held-out split are >= 95 % of messages to the right step and
    >= 98 % precision of the answers not marked vague; until they are met, the measured
    numbers are the floor. Each held-out split is measured once, when it is merged, then
    read and moved into dev. The current one (held-out-21a.jsonl and held-out-21b.jsonl, two
    authors who had not seen the reader; its misses unread) was measured on 2026-12-03."""
    results = outcomes("held-out")
    assert results, "no held-out split in the corpus: nothing is measured"
    numbers = measure(results)
    misses = [(o.where, o.expected, o.got) for o in results if o.got != o.expected]
    # Measured once with the seventh session's fifth-round reader: 201/286 right (70.3 %),
    # 165/173 one-step answers right (95.4 %). The targets are not met (issue 21 stays open).
    assert numbers.right >= 201, (f"{numbers.right}/{numbers.messages} right", misses)
    assert numbers.precision >= 165 / 173, (
        f"{numbers.stepped_right}/{numbers.stepped} one-step answers right", misses)


# -- envelopes ---------------------------------------------------------------------------

def test_www_authenticate_error_description_decides():
    diagnosis = diagnose(
        'HTTP/1.1 401 Unauthorized\nWWW-Authenticate: Bearer error="invalid_token", '
        'error_description="The audience \'api://orders-staging\' is invalid"\n\n')
    assert (diagnosis.step, diagnosis.envelope, diagnosis.status) == (
        "audience", "www-authenticate", 401)


def test_bare_challenge_is_vague_not_a_guess():
    diagnosis = diagnose('HTTP/1.1 401 Unauthorized\nWWW-Authenticate: Bearer '
                         'error="invalid_token"\n')
    assert diagnosis.known
    assert diagnosis.vague
    assert diagnosis.step is None
    assert {"signature", "time", "issuer", "audience"} <= set(diagnosis.candidate_steps)


def test_json_body_and_log_line_noise_are_stripped():
    body = diagnose('{"error": "invalid_token", "error_description": "Jwt expired at '
                    '2026-11-28T21:30:00Z"}')
    assert (body.step, body.envelope) == ("time", "json-body")
    line = diagnose("2026-11-28T22:15:03.412Z WARN [req-7f3a9c] orders.auth: token "
                    "rejected: unexpected \"aud\" claim value")
    assert (line.step, line.envelope) == ("audience", "log-line")
    assert unwrap("2026-11-28 22:15:03,412 ERROR [8c1f] Invalid issuer").messages[0] == \
        "Invalid issuer"


def test_java_stack_trace_innermost_jwt_exception_wins():
    trace = (
        "org.springframework.security.oauth2.server.resource.InvalidBearerTokenException: "
        "Unauthorized\n\tat org.example.Filter.doFilter(Filter.java:10)\n"
        "Caused by: org.springframework.security.oauth2.jwt.BadJwtException: An error "
        "occurred while attempting to decode the Jwt: Signed JWT rejected: Invalid signature\n"
        "\tat org.springframework.security.oauth2.jwt.NimbusJwtDecoder.createJwt("
        "NimbusJwtDecoder.java:180)\n")
    diagnosis = diagnose(trace)
    assert (diagnosis.step, diagnosis.envelope) == ("signature", "stack-trace")


def test_python_traceback_cause_wins_over_the_handler():
    trace = (
        "Traceback (most recent call last):\n  File \"/app/auth.py\", line 4, in user\n"
        "    jwt.decode(token, key, algorithms=[\"RS256\"])\n"
        "jwt.exceptions.ImmatureSignatureError: The token is not yet valid (nbf)\n\n"
        "During handling of the above exception, another exception occurred:\n\n"
        "Traceback (most recent call last):\n  File \"/app/views.py\", line 9, in get\n"
        "    user(request)\nPermissionError: Unauthorized\n")
    diagnosis = diagnose(trace)
    assert (diagnosis.step, diagnosis.rule) == ("time", "DC307")


def test_dotnet_inner_exception_is_read_first():
    diagnosis = diagnose(
        "System.InvalidOperationException: IDX20803: Unable to obtain configuration from: "
        "'https://login.example.com/t/.well-known/openid-configuration'.\n ---> "
        "System.Net.Http.HttpRequestException: Connection refused (login.example.com:443)\n")
    assert diagnosis.step == "fetch"
    assert "IDX20803" in diagnosis.decided_by[0]


def test_diagnose_response_reads_status_headers_and_body():
    diagnosis = diagnose_response(
        401, {"WWW-Authenticate": 'Bearer realm="api", error="invalid_token"',
              "Content-Type": "text/plain"}, "Jwt issuer is not configured")
    assert (diagnosis.step, diagnosis.status) == ("issuer", 401)
    silent = diagnose_response(401, [("www-authenticate", "Bearer")], "")
    assert silent.vague
    forbidden = diagnose_response(403, {"Content-Type": "text/plain"}, "RBAC: access denied")
    assert not forbidden.known


# -- layers --------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "step", "layer"), [
    ("IDX10223: the wording of a future version", "time", "family"),
    ("Microsoft.IdentityModel.Tokens.SecurityTokenInvalidAudienceException", "audience",
     "family"),
    ("jwt.exceptions.ImmatureSignatureError", "time", "family"),
    ("error: ErrTokenExpired", "time", "family"),
    ("JWTExpired", "time", "family"),
    ("The token has expired", "time", "reader"),
    ("oidc: id token issued by a different provider", "issuer", "reader"),
    ('claim "aud" does not contain the expected value', "audience", "reader"),
    ("no matching key found in jwks for kid 2026-11", "key", "reader"),
    ("token has 2 segments", "parse", "reader"),
    ("Token is missing the \"exp\" claim", "time", "catalogue"),
])
def test_each_layer_names_its_step(text, step, layer):
    diagnosis = diagnose(text)
    assert (diagnosis.step, diagnosis.layer) == (step, layer)
    assert diagnosis.decided_by
    assert diagnosis.confidence in ("high", "medium")


@pytest.mark.parametrize(("text", "step"), [
    # Bare class names and enum kinds of development libraries, read as the words they are
    # made of (the reader, not the families: these go straight to read()).
    ("ExpiredSignature", "time"), ("InvalidIssuer", "issuer"), ("InvalidAudience", "audience"),
    ("InvalidAlgorithm", "algorithm"), ("io.fusionauth.jwt.JWTExpiredException", "time"),
    ("io.fusionauth.jwt.InvalidJWTSignatureException", "signature"),
    ("io.fusionauth.jwt.NoneNotAllowedException", "algorithm"), ("maxAge exceeded", "time"),
    ("decoded JWT is missing required claim(s)", "claims"),
    ("Missing required claim: exp", "time"),
])
def test_reader_splits_identifiers_and_reads_unnamed_claims(text, step):
    from driftcheck.diagnose.reader import read

    reading = read(text)
    assert (reading.kind, reading.step) == ("step", step), reading


def test_reader_leaves_codes_and_random_values_alone():
    from driftcheck.diagnose.reader import read

    assert read("IDX99999").kind == "none"
    assert read("kid VtWm3YgkbFvA8dLb").kind != "step"


@pytest.mark.parametrize("text", [
    "401", "Unauthorized", "invalid token", "Invalid or expired JWT",
    '{"message":"Unauthorized"}', "Authentication Error",
])
def test_vague_input_gets_candidates_not_a_guess(text):
    diagnosis = diagnose(text)
    assert diagnosis.known
    assert diagnosis.vague
    assert diagnosis.step is None
    assert len(diagnosis.candidate_steps) > 1


@pytest.mark.parametrize("text", [
    "Forbidden (CSRF token missing.): /api/orders/",
    "Error loading cookied session: cookie \"_oauth2_proxy\" not present",
    'HTTP/1.1 429 Too Many Requests\n\n{"message":"API rate limit exceeded"}',
    "client SSL certificate verify error: (10:certificate has expired)",
    'HTTP/1.1 401 Unauthorized\nWWW-Authenticate: Basic realm="admin"\n',
    "connection refused", "Your order has shipped",
])
def test_unrelated_failures_claim_no_step(text):
    diagnosis = diagnose(text)
    assert not diagnosis.known
    assert diagnosis.step is None
    assert diagnosis.candidate_steps == []


def test_instants_in_every_form_are_normalised():
    found = quoted_values("exp 1764365400, ValidTo '11/28/2026 9:30:00 PM', "
                          "at Sat, 28 Nov 2026 21:30:00 GMT and 2026-11-28T21:30:00Z")
    assert found["instants"].count("= 2026-11-28T21:30:00Z") == 3


def test_json_output_has_layer_confidence_decided_by_and_envelope(cli, tmp_path):
    excerpt = tmp_path / "api.log"
    excerpt.write_text("2026-11-28T22:15:00Z INFO started\n"
                       "2026-11-28T22:15:03Z ERROR [req-1] token has invalid claims: token is "
                       "expired\n", encoding="utf-8")
    code, out, _ = cli("diagnose", f"@{excerpt}", "--format", "json")
    document = json.loads(out)
    assert code == 0
    assert {"input", "matches", "candidate_steps", "known"} <= set(document)
    assert document["layer"] == "catalogue"
    assert document["confidence"] == "high"
    assert document["envelope"] == "log-line"
    assert document["decided_by"]
    assert document["matches"][0]["step"] == "time"
    code, _, err = cli("diagnose", f"@{tmp_path / 'missing.log'}")
    assert code == 2
    assert "missing.log" in err


def test_tokens_in_pasted_text_are_never_echoed(cli):
    token = ("eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJpc3MiOiJodHRwczovL2lkcC5leGFtcGxlIn0."
             "c2lnbmF0dXJlLXNlZ21lbnQtdGhhdC1tdXN0LW5vdC1sZWFr")
    pasted = (f"2026-11-28T22:15:03Z ERROR [req-1] GET /orders Authorization: Bearer {token}\n"
              f"2026-11-28T22:15:03Z ERROR [req-1] jwt expired (token {token})\n")
    for output_format in ("console", "json"):
        code, out, _ = cli("diagnose", pasted, "--format", output_format)
        assert code == 0
        assert token not in out
        assert token.split(".")[2] not in out
    assert "token redacted" in json.loads(out)["input"]
    assert diagnose(pasted).step == "time"


# -- mechanisms (third session): names that are not unique, word context, vocabulary --------

@pytest.fixture
def two_libraries(tmp_path, monkeypatch):
    """A families file where one name means two steps and another is an umbrella elsewhere."""
    from driftcheck.diagnose import families

    (tmp_path / "families.toml").write_text('''
[[family]]
library = "a"
source = "a: errors.py"
kind = "exception"
namespaces = ["a.errors"]
[family.names]
SharedError = "time DC306"
OnlyAError = "issuer DC309"
CatchAllError = "parse DC302"

[[family]]
library = "b"
source = "b: Errors.java"
kind = "exception"
namespaces = ["org.b"]
[family.names]
SharedError = "signature DC305"

[[umbrella]]
library = "c"
source = "c: index.js"
namespaces = ["C"]
names = ["CatchAllError"]
''', encoding="utf-8")
    monkeypatch.setattr(families, "FAMILIES", str(tmp_path / "families.toml"))
    families.meanings.cache_clear()
    yield families
    families.meanings.cache_clear()


def test_a_name_two_libraries_use_decides_only_when_qualified(two_libraries):
    family_name = two_libraries.family_name
    assert family_name("OnlyAError: whatever it says").step == "issuer"
    assert family_name("SharedError: something") is None
    assert family_name("a.errors.SharedError: something").step == "time"
    assert family_name("org.b.SharedError: something").step == "signature"
    assert family_name("x.y.SharedError") is None
    # An umbrella elsewhere: only the qualified name of the family that gives it a step
    # decides; the umbrella's own qualified name and the bare name defer to the words.
    assert family_name("CatchAllError: token is expired") is None
    assert family_name("a.errors.CatchAllError: bad segment").step == "parse"
    assert family_name("C::CatchAllError: token is expired") is None
    # The next name in the text still decides.
    assert family_name("CatchAllError: caused by OnlyAError").step == "issuer"
    assert set(two_libraries.names()) == {"OnlyAError"}


def test_shipped_families_keep_shared_names_out_of_the_unqualified_layer():
    from driftcheck.diagnose.families import family_name, meanings, names

    for name, listed in meanings().items():
        if any(m.kind == "umbrella" for m in listed) or len({m.step for m in listed}) > 1:
            assert name not in names(), name
    assert diagnose("JwtParseError: Jwt is expired").step == "time"
    assert diagnose("JwtParseError: signature verification failed").step == "signature"
    assert diagnose("JwtParseError: jwt is malformed").step == "parse"
    assert family_name("jwt.exceptions.DecodeError: anything").step == "parse"
    assert family_name("JWT::DecodeError: anything") is None


@pytest.mark.parametrize(("name", "is_generic"), [
    ("JwtParseError", True), ("DecodeError", True), ("VerificationError", True),
    ("JWTDecodeException", True), ("ERR_JWT_INVALID", True), ("TokenExpiredError", False),
    ("SecurityTokenInvalidAudienceException", False), ("IDX10223", False),
    ("InvalidSignatureError", False),
])
def test_names_made_of_generic_words_decide_only_when_qualified(name, is_generic):
    from driftcheck.diagnose.families import family_name, generic

    assert generic(name) is is_generic
    assert (family_name(f"{name}: something went wrong") is None) is is_generic


def test_generic_names_decide_when_qualified_by_their_package():
    from driftcheck.diagnose.families import family_name

    assert family_name("JWT::VerificationError: boom").step == "signature"
    assert family_name("com.auth0.jwt.exceptions.JWTDecodeException: boom").step == "parse"
    assert diagnose("VerificationError: token is expired").step == "time"


@pytest.mark.parametrize(("text", "time"), [
    ("token_not_valid", False), ("Token not valid", False), ("the JWT is not valid", False),
    ("The token is not yet valid", True), ("token not valid yet", True),
    ("JWT not valid before 2026-11-28T22:17:00Z", True),
    ("token not valid until 1764368220", True), ("token will only be valid after noon", True),
    ("jwt not active", True), ("iat claim is in the future", True),
    # (RFC 7662's active=false in a validator's words: expired, revoked or unknown)
    ("Token is not active", False),
])
def test_bare_not_valid_is_not_a_time_reading(text, time):
    from driftcheck.diagnose.reader import read

    reading = read(text)
    assert (reading.kind == "step" and reading.step == "time") is time, reading
    if not time:
        assert reading.kind == "vague", reading


@pytest.mark.parametrize("text", [
    "the signing key is not yet published", "feature not yet enabled", "exiting early",
])
def test_bare_not_yet_is_not_a_time_reading(text):
    from driftcheck.diagnose.reader import read

    assert read(text).step != "time"


@pytest.mark.parametrize(("text", "step"), [
    # who provided or issued the token is an issuer check, not a missing token
    ("Token not provided by the expected identity provider", "issuer"),
    ("the token was not issued by this tenant", "issuer"),
    ("Token not provided", "parse"), ("no token was found in the request", "parse"),
    # a claim shown as a JSON key or as the range of a search is not what failed
    ('kid required in header {"alg":"RS256","typ":"JWT"}', "key"),
    ("token is missing the exp claim", "time"),
    ("JSON Web Token is missing required audience", "audience"),
])
def test_phrases_respect_their_word_context(text, step):
    assert diagnose(text).step == step


@pytest.mark.parametrize("text", [
    "not valid for any token type", "no token type given", "JwtParseError",
    # the API's own 401 in a client's or a test's words is not a failed key fetch
    "AssertionError: expected 200 OK, got 401 Unauthorized",
    # verifying the whole token failed: any step
    "JWT verification failed", "could not verify the token", "failed to verify jwt",
])
def test_context_that_names_no_step_stays_vague(text):
    diagnosis = diagnose(text)
    assert diagnosis.vague
    assert diagnosis.step is None


@pytest.mark.parametrize(("text", "step"), [
    # fetching keys or metadata, without the word JWKS
    ("HTTP 503 Service Unavailable while getting https://idp.example/certs", "fetch"),
    ("key endpoint responded with unexpected status code 502", "fetch"),
    ("expected HTTP 200 from https://idp.example/.well-known/openid-configuration but got 500",
     "fetch"),
    ("Could not fetch certificates at https://idp.example/certs", "fetch"),
    ("unable to resolve the issuer metadata document", "fetch"),
    ("the server did not return a valid JSON Web Key Set", "fetch"),
    ("the JSON Web Key Set has no keys", "jwks"),
    ("JSON Web Key ID abc could not be found", "key"),
    ("no matching JWK for kid abc", "key"), ("error while resolving the signing key", "key"),
    ("server has no signing key configured", "key"),
    # missing-token phrasings
    ("access token is missing", "parse"), ("missing bearer token", "parse"),
    ("Authorization header is missing", "parse"), ("no JWT passed to verify()", "parse"),
    ("token is empty", "parse"),
    # claim-type errors go to the claim's step; an unnamed custom claim to claims
    ("'exp' claim must be a number", "time"), ('"iss" claim must be a string', "issuer"),
    ('claim "tenant" has an unexpected value', "claims"),
    # algorithm and signature wording
    ("unexpected signing algorithm", "algorithm"), ("algorithm ES512 is not currently supported",
                                                    "algorithm"),
    ("the key's algorithm does not match the token header's", "algorithm"),
    ("cryptographic operation failed", "signature"), ("token was tampered with", "signature"),
    ("failed to validate the JWT signature", "signature"),
    # time wording
    ("token older than max-age", "time"), ("issued time is too new", "time"),
    # token type
    ("token has wrong type", "token-type"), ("refresh tokens are not allowed here", "token-type"),
    # more of the same kinds: keys named by what they lack, allow lists, claim types
    ("No kid in header", "key"), ("signed with an unknown key", "key"),
    ("key with kid abc does not exist", "key"), ("JWKS endpoint returned 404", "fetch"),
    ("jwks: x509: certificate signed by unknown authority", "fetch"),
    ("algorithm RS512 not whitelisted", "algorithm"),
    ("alg HS256 is not one of the allowed algorithms", "algorithm"),
    ("JWS Protected Header is invalid", "parse"), ("Could not parse token: bad base64", "parse"),
    ("aud claim is not an array of strings", "audience"), ("Token used too late", "time"),
    ("token must be short-lived and in a reasonable timeframe: invalid", "time"),
    ("Token could not be parsed from the request.", "parse"), ("auth header is empty", "parse"),
    ("request is missing the bearer token", "parse"), ("Timed out fetching signing keys", "fetch"),
    ("Authorization field missing", "parse"),
    ("the token's 'typ' header is not 'at+jwt'", "token-type"),
    ('"kid" does not correspond to a known public key', "key"),
    ("the provided token is an ID token, not an access token", "token-type"),
    ("Unable to find JWK with kid abc", "key"), ("the JWKS does not contain a key with kid abc",
                                                 "key"),
    ("jwks_uri not found in discovery document", "discovery"),
    ("OpenID configuration could not be retrieved", "fetch"), ("Untrusted issuer", "issuer"),
    ("Invalid key for algorithm HS256", "algorithm"), ("No verification key available", "key"),
    ("could not verify signature", "signature"), ("crypto/rsa: verification error", "signature"),
])
def test_reader_vocabulary_beyond_the_catalogued_words(text, step):
    diagnosis = diagnose(text)
    assert (diagnosis.layer, diagnosis.step) == ("reader", step), diagnosis.decided_by


@pytest.mark.parametrize(("text", "step"), [
    # the failure first, then a guess or advice that names another step
    ('The "kid" claim does not correspond to a known public key. Most likely the token is '
     "expired, so get a fresh token and try again.", "key"),
    ("Decoding the token failed: malformed JWT. Make sure you passed the entire JWT, not an "
     "expired one.", "parse"),
    ("The signature is invalid. Please check whether the token has expired.", "signature"),
])
def test_advice_and_guesses_after_the_failure_do_not_decide(text, step):
    from driftcheck.diagnose.envelope import without_advice

    assert diagnose(text).step == step
    assert "expired" not in without_advice(text)
    assert without_advice("Please sign in again") == "Please sign in again"


@pytest.mark.parametrize("text", [
    "User from sub claim in JWT does not exist", "account not found for subject 123",
    "Token has been blocklisted", "token is blacklisted", "User account is not active",
    # something else that expires
    "the session has expired", "Your password has expired", "certificate has expired",
])
def test_a_valid_token_for_a_gone_user_or_a_blocked_token_claims_no_step(text):
    diagnosis = diagnose(text)
    assert not diagnosis.known
    assert diagnosis.step is None


# -- mechanisms (fourth session: the third split moved into dev) ----------------------------

@pytest.mark.parametrize(("text", "candidates"), [
    # a class name that wraps another check's failure: the words disagree, so both are
    # candidates and no step is claimed
    ("com.auth0.jwt.exceptions.SignatureVerificationException: the 'exp' claim is not a "
     "number", {"signature", "time"}),
    ("ExpiredSignatureError: audience 'api://x' is not allowed", {"time", "audience"}),
])
def test_a_family_name_the_words_contradict_answers_vague(text, candidates):
    diagnosis = diagnose(text)
    assert diagnosis.vague
    assert diagnosis.step is None
    assert set(diagnosis.candidate_steps) == candidates


def test_a_family_name_the_words_agree_with_still_decides():
    diagnosis = diagnose("ExpiredSignatureError: the token expired at 12:00")
    assert (diagnosis.layer, diagnosis.step) == ("family", "time")


@pytest.mark.parametrize("text", [
    '{"error":"insufficient_scope","message":"Managers only"}',
    'WWW-Authenticate: Bearer error="insufficient_scope", error_description="not your tenant"',
])
def test_a_protocol_code_needs_its_words_to_agree(text):
    # RFC 6750's insufficient_scope is sent for any authorization refusal
    assert diagnose(text).step is None


def test_a_protocol_code_with_agreeing_words_decides():
    text = 'WWW-Authenticate: Bearer error="insufficient_scope", error_description="scope missing"'
    assert diagnose(text).step == "claims"


@pytest.mark.parametrize(("text", "step"), [
    # a JSON decoder's own failure is parse, unless the field it misses is a claim or header
    # parameter with a step of its own (sixth session: serde's "missing field `iat`" is the
    # claim's check, as the corpus authors labelled it four times in five; a missing kid is
    # key)
    ("invalid header: missing field `kid` at line 1 column 20", "key"),
    ("invalid header: missing field `foo` at line 1 column 20", "parse"),
    ("could not deserialize the payload: invalid type: string, expected u64", "parse"),
    ("Error deserializing token header", "parse"),
    # a bare 'verification failed' after a named check is that check's
    ("Claims verification failed", "claims"),
    ("nonce verification failed", "claims"),
    # a quoted field in the payload is a claim, not a key
    ("could not find key 'tenant' in the token payload", "claims"),
    # the subject of 'not found' is the key, not the token
    ("The verification key associated with the presented token was not found", "key"),
])
def test_words_name_the_step_by_their_subject(text, step):
    assert diagnose(text).step == step


@pytest.mark.parametrize("text", [
    # revoked as often as expired: no step
    "This token is no longer valid.",
    "The presented access token is no longer valid",
])
def test_no_longer_valid_is_not_a_time_reading(text):
    assert diagnose(text).step != "time"


@pytest.mark.parametrize(("text", "step"), [
    # time: maximum age, 'already expired', elapsed time, more 'not yet' states
    ("session token maximum age of 3600s exceeded for this JWT", "time"),
    ("the bearer token already expired at 12:00", "time"),
    ("too much time has elapsed since the token was minted", "time"),
    ("access token not yet ready for use", "time"),
    ("The ID token is not yet valid, check the clock", "time"),
    # algorithm: more adjectives, 'differs', an algorithm that names what is missing
    ("Incorrect algorithm for the access token: wanted ES256", "algorithm"),
    ("disallowed signing algorithm PS512", "algorithm"),
    ("jwt algorithm ES384 differs from the configured one", "algorithm"),
    ("unexpected jwt signing method: HS512", "algorithm"),
    ("no signature algorithm found in the JOSE header", "algorithm"),
    ("Unsigned access tokens are not allowed by this API", "algorithm"),
    # token type
    ("handler expects an access token but was given an ID token", "token-type"),
    ("the bearer token is not of the expected type", "token-type"),
    # parse: a missing token, its shape, the header's format
    ("access token is required", "parse"),
    ("jwt must be a non-empty string", "parse"),
    ("a JWT needs three dot parts", "parse"),
    ("malformed Authorization header format", "parse"),
    ("header Authorization missing from request", "parse"),
    ("missing or malformed bearer token", "parse"),
    # signature
    ("invalid access token signature", "signature"),
    ("HMAC hash mismatch for the JWT", "signature"),
    # key
    ("no matching kid was found in the key set", "key"),
    ("ambiguous key selection: found 3 matching keys", "key"),
    ("unable to find a usable JWKS for this issuer", "key"),
    # JWKS content and fetching
    ("the JSON Web Key Set document doesn't contain a usable key", "jwks"),
    ("JWKS response containing an invalid key", "jwks"),
    ("JWKS URL returned an invalid body", "jwks"),
    ("missing keys in the keyset", "jwks"),
    ("JWK set: unexpected format", "jwks"),
    ("JWKS endpoint error after 3 retries", "fetch"),
    ("HTTPError: 503 Server Error: Service Unavailable for url: https://idp.test/certs", "fetch"),
    ("unexpected content-type text/html from https://idp.test/.well-known/openid-configuration",
     "fetch"),
    # audience and claims without a step word of their own
    ("The token doesn't contain any audience", "audience"),
    ("this token cannot be used with this API", "audience"),
    ("Token missing payload iss value", "issuer"),
    ("custom claim 'tier' was not met", "claims"),
    ("no valid claims for tenant id were found", "claims"),
    ("found an empty tenant id in the 'tid' claim", "claims"),
    ("the 'sub' claim is longer than 255 characters", "claims"),
    ("auth_time in the id_token does not match the original one", "claims"),
    ("iss Claim MUST exactly match the Issuer Identifier", "issuer"),
])
def test_reader_vocabulary_of_the_fourth_session(text, step):
    assert diagnose(text).step == step


def test_a_hash_mismatch_is_a_signature_only_of_the_token():
    assert diagnose("file hash mismatch").step is None
    assert diagnose("c_hash mismatch in the ID token").step != "signature"


@pytest.mark.parametrize("text", [
    # refusals by the application, not by the token's validation
    "HTTP/1.1 403 Forbidden\n\n{\"message\":\"you lack permission for this route\"}",
    '{"error":"key not authorized: no matching policy found"}',
    "Unable to load the user for this token",
    "rejected: untrusted bearer token (deny list)",
])
def test_application_refusals_claim_no_step(text):
    assert diagnose(text).step is None


def test_a_claim_message_about_a_cookie_is_still_read():
    # a JWT session cookie's claims are read like a token's (no 'session cookie' shortcut)
    assert diagnose('session cookie has incorrect "aud" (audience) claim').step == "audience"


# -- fifth session: mechanisms, each with messages written for it ------------------------

@pytest.mark.parametrize(("text", "step"), [
    # a vague failure qualified by its subject in parentheses
    ("token rejected (bad signature)", "signature"),
    ("invalid jwt (invalid type)", "token-type"),
    ("invalid token (empty)", "parse"),
    # hyphenated claim names and "prior to"
    ("rejecting the token: the not-before claim is invalid", "time"),
    ("the token must not be used prior to its nbf", "time"),
    # "must contain" names a missing claim; "not granted" a refused scope
    ("the access token must contain a jti claim", "claims"),
    ("scope orders.write was not granted to this client", "claims"),
    # the authorized party is compared with the client id: a claim, not the audience
    ("azp check: authorized party does not match the client id", "claims"),
    # an unsigned token, however it is spelled
    ("refusing a non-signed token", "algorithm"),
    ("the JWS is not signed", "algorithm"),
    # key material that cannot be read or is not configured
    ("could not read the PEM public key", "key"),
    ("no signing configuration for this issuer", "key"),
    ("verification key is malformed", "key"),
    ("unsupported key type for JWK kid=abc", "key"),
    # the key set's own decoder, behind its wrapper
    ("KeySetDecodeError: unexpected end of input at line 1 column 1", "jwks"),
    ("the jwks was empty: empty key set returned", "jwks"),
    # metadata that could not be fetched, said other ways
    ("error retrieving the openid-configuration document: 502", "fetch"),
    ("no response from the introspection endpoint: timed out after 5s", "fetch"),
    # the token missing or null, the Authorization header absent or of another scheme
    ("the request does not contain a bearer token", "parse"),
    ("jwt is undefined", "parse"),
    ("Authorization header is not present", "parse"),
    ("parsing failed: token needs to consist of three parts", "parse"),
    # an audience said without the word
    ("this bearer token is not intended for this API", "audience"),
    # a JSON body's hint beside a generic description
    ('{"error":"access_denied","error_description":"denied","hint":"Token has expired"}',
     "time"),
])
def test_reader_vocabulary_of_the_fifth_session(text, step):
    assert diagnose(text).step == step


def test_a_phrase_is_not_read_across_a_wrapper_boundary():
    """"… to check the signature: <why>" names the operation, not its failure."""
    diagnosis = diagnose("failed to obtain the key to check the signature: kid abc unknown")
    assert diagnosis.step == "key"
    # the same words in one clause are the signature's
    assert diagnose("failed to check the signature").step == "signature"


def test_claims_listed_with_their_values_are_context():
    text = "verification failed: signing key not found; iss: https://idp.test/; kid: k-2026-01;"
    assert diagnose(text).step == "key"
    # one claim with its value is the one that failed
    assert diagnose("InvalidIssuer: https://other.test/").step == "issuer"


def test_a_fetch_wrapper_around_an_unexplained_detail_is_vague():
    diagnosis = diagnose("could not load the JWKS: thumbprint and modulus disagree")
    assert diagnosis.vague
    assert set(diagnosis.candidate_steps) == {"fetch", "jwks", "key"}
    # network words explain the detail: the fetch failed
    assert diagnose("could not load the JWKS: dial tcp 10.0.0.1:443: i/o timeout").step == "fetch"


def test_a_bare_protocol_code_keeps_its_meaning():
    assert diagnose('HTTP/1.1 403 Forbidden\nWWW-Authenticate: Bearer error="insufficient_scope"'
                    '\n\n').step == "claims"


@pytest.mark.parametrize("text", [
    '{"error":"invalid_client","error_description":"client authentication failed"}',
    "unknown client orders-cli",
])
def test_client_authentication_claims_no_step(text):
    assert diagnose(text).step is None
    assert not diagnose(text).vague


def test_access_denied_alone_is_vague():
    assert diagnose("HTTP/1.1 403 Forbidden\n\nAccess denied").vague


# -- fifth session, second round: mechanisms, each with messages written for it ----------

@pytest.mark.parametrize(("text", "step"), [
    # a Python traceback is read from its exception line, whatever the class is called
    ('Traceback (most recent call last):\n  File "/app/a.py", line 3, in check\n'
     '    payload = decode_and_deserialize(token)\nmylib.errors.SigMismatch: bad signature',
     "signature"),
    # a catalogued wrapper's own detail decides
    ("token is unverifiable: error while executing keyfunc: key 'k-9' not found in the set",
     "key"),
    # network failures in an IdP's context are fetch, wherever the wrapper puts them
    ("keycloak adapter: Curl error: (7) Failed to connect to sso.test port 443", "fetch"),
    ("refresh of https://idp.test/certs failed: getaddrinfo ENOTFOUND idp.test", "fetch"),
    # the discovery document's own faults are the discovery step
    ("the provider metadata is missing the jwks_uri", "discovery"),
    ("oidc: issuer returned by provider differs from the configured one", "discovery"),
    # a fetched key set that cannot be decoded
    ("failed to decode JWK Set: unexpected end of JSON input", "jwks"),
    # a generic "failed to verify" names what it verifies
    ("failed to verify the at_hash of the ID token", "claims"),
    # "algorithm" in prose, and an algorithm that is not valid
    ('"XS256" is not a valid algorithm', "algorithm"),
    ("the token is signed with another algorithm than configured", "algorithm"),
    # a claim check's generic words yield to the claim they name
    ("JWT: nbf claim check failed (1700000000 vs 1690000000)", "time"),
    # an azp compared with the audience is the azp check
    ("mismatch between the azp and aud values", "claims"),
    # more ways to say a time claim failed
    ("the token will be valid in 30 seconds", "time"),
    ("ID token issued too long ago", "time"),
    # an empty or null token, an unsigned one
    ("Empty JWT token in the request", "parse"),
    ("the id_token does not contain a signature", "algorithm"),
    # key material that is missing or unusable
    ("jwt: key is nil", "key"),
    ("RSA public key could not be obtained from the certificate", "key"),
])
def test_reader_vocabulary_of_the_fifth_session_second_round(text, step):
    assert diagnose(text).step == step


def test_a_claim_labelling_a_value_is_context_when_something_else_is_named():
    assert diagnose("NoSuchKeyIdException: algorithm [ES256]: k-2026").step == "key"
    # alone, the labelled claims are the subject
    assert diagnose("token issuer [https://a.test] does not match the expected issuer "
                    "[https://b.test]").step == "issuer"


@pytest.mark.parametrize("text", [
    "connect ECONNREFUSED 127.0.0.1:6379 (redis session store)",
    "connection refused",
])
def test_a_network_failure_of_another_service_claims_no_fetch(text):
    assert diagnose(text).step != "fetch"


def test_a_structured_log_context_does_not_decide():
    text = ('fail: My.Validator[0]\n      Token expired.\n'
            '      {"ValidateLifetime": true, "ExpectedScope": "api", "Claims": {"scope": "x"}}')
    assert diagnose(text).step == "time"


# -- fifth session, third round: mechanisms, each with messages written for it -----------

@pytest.mark.parametrize(("text", "step"), [
    # a key of the set that is unusable, a set without keys, a set that cannot be decoded
    ("no keys found in the jwks_uri document", "jwks"),
    ("jwks key id is empty for entry 3", "jwks"),
    ("jwks: failed to decode key n: illegal base64 data at input byte 4", "jwks"),
    # a family that names its claim
    ('Error(MissingRequiredClaim("iss"))', "issuer"),
    # a custom claim that does not match
    ("Tenant (tid) claim value mismatch in the ID token", "claims"),
    ("email not found in the token", "claims"),
    # the relying party or client the token was not meant for
    ("ID token not intended for this client", "audience"),
    # time in other words
    ("cannot use this token prior to 2027-01-01T00:00:00Z", "time"),
    ("issued at time is more than 5 minutes in the past or the future", "time"),
    # a claim said missing in other words
    ("the JWT does not specify a kid", "key"),
    ("`sub` is not included in the token", "claims"),
    ("Issuer can not be empty", "issuer"),
    # an id token that never came; a signature of the wrong size
    ("oidc: no id_token in the token response", "parse"),
    ('ES384 signatures must be "96" bytes', "signature"),
    # RFC 6750's own description of insufficient_scope
    ("The request requires higher privileges than provided by the access token.", "claims"),
    # a discovery document that cannot be fetched in time
    ("the identity provider did not respond in time", "fetch"),
])
def test_reader_vocabulary_of_the_fifth_session_third_round(text, step):
    assert diagnose(text).step == step


def test_a_catalogued_message_inside_a_list_of_failures_is_vague():
    diagnosis = diagnose("The access token is expired, revoked, malformed, or invalid for "
                         "other reasons.")
    assert diagnosis.step is None
    assert diagnosis.vague


def test_transport_headers_of_a_response_name_no_failure():
    text = ("HTTP/1.1 401 Unauthorized\nSet-Cookie: at=gone; expires=Thu, 01 Jan 1970 "
            "00:00:00 GMT\nDate: Thu, 03 Dec 2026 10:00:00 GMT\n\n")
    assert diagnose(text).step != "time"
    # a header that explains the refusal is read
    assert diagnose("HTTP/1.1 401 Unauthorized\nx-auth-reason: token-expired\n\n").step == "time"


@pytest.mark.parametrize("text", [
    "Failed to verify double submit cookie.",
    '{"error":"invalid_client","error_description":"Invalid client_id or client_secret."}',
    "invalid_grant: The provided authorization grant is invalid, expired, or revoked",
])
def test_client_and_grant_errors_claim_no_step(text):
    assert diagnose(text).step is None


def test_a_subject_token_is_not_the_sub_claim():
    assert diagnose('{"error":"invalid_grant","error_description":"subject_token audience '
                    "does not include the requesting client 'c1'\"}").step == "audience"


# -- fifth session, fourth round: mechanisms, each with messages written for it ----------

@pytest.mark.parametrize(("text", "step"), [
    ("the access token is missing expiration", "time"),
    ("No Not Before (nbf) claim present.", "time"),
    ("Python KeyError: 'kid'", "key"),
    ("session token issuedAt time is in future", "time"),
    ("the token can not be accepted due to the notBefore policy", "time"),
    ("Expecting claim 'exp' to be numeric", "time"),
    ("JWKS was never fetched", "fetch"),
    ("Error while getting https://idp.test/.well-known/openid-configuration", "fetch"),
    ("the JWKS document is missing a keys array", "jwks"),
    ("provided token does not decode as JWT", "parse"),
    ("JWE: encryption is not supported", "parse"),
    ("a password reset token used for access", "token-type"),
    ("token iss='https://a.test' does not match metadata issuer='https://b.test'", "issuer"),
    ("OIDC discovery issuer does not match configured issuer", "discovery"),
    ("metadata issuer 'https://a.test' but was fetched from 'https://b.test'", "discovery"),
    ("Account JWT not signed by trusted operator", "issuer"),
])
def test_reader_vocabulary_of_the_fifth_session_fourth_round(text, step):
    assert diagnose(text).step == step


@pytest.mark.parametrize("text", [
    "Could not parse token", "Failed to decode JWT", "ID token could not be decoded",
    "Error decoding the access token",
])
def test_a_decode_or_parse_verb_alone_is_vague(text):
    """Many libraries verify while they decode: the verb alone does not say the token's
    shape was wrong (such answers were right about one time in two on three unseen splits)."""
    diagnosis = diagnose(text)
    assert diagnosis.vague
    assert "parse" in diagnosis.candidate_steps


def test_a_decode_verb_with_a_structural_word_is_parse():
    assert diagnose("Failed to decode JWT: invalid base64 in the header").step == "parse"
    assert diagnose("The token could not be parsed from the request.").step == "parse"


def test_a_json_type_list_is_no_disjunction_of_failures():
    assert diagnose('"aud" claim has invalid type float64, array or string expected'
                    ).step == "audience"
    # a real list of failures stays vague
    assert diagnose("invalid JWT format or claim in the Authorization header").vague


def test_introspection_inactive_is_vague():
    assert diagnose("Introspection answered: token is not active").vague
    assert diagnose("The token is not active yet").step == "time"


def test_frames_of_a_dart_trace_name_no_step():
    text = ("Unhandled Exception: HttpRequestException(404): Not Found\n"
            "#0      get (package:openid_client/src/http_util.dart:21:10)\n"
            "#1      Issuer.discover (package:openid_client/src/openid.dart:117:20)")
    assert diagnose(text).step != "issuer"


# -- mechanisms (sixth session: the eighth split moved into dev) ----------------------------

@pytest.mark.parametrize(("text", "step"), [
    # a vague wrapper before its detail, joined by a comma
    ("Invalid authorization token, the token has expired", "time"),
    ("invalid authorization token, audience mismatch", "audience"),
    # no token arrived: a query parameter, a cookie, "no auth", the header's scheme or prefix
    ("the `jwt` query parameter was not found", "parse"), ("missing auth cookie", "parse"),
    ("No auth provided in request", "parse"), ("Invalid bearer token scheme", "parse"),
    ("invalid authentication token prefix", "parse"),
    ("Invalid value for header 'authorization'", "parse"),
    ("the Authorization header is not valid", "parse"),
    # the token's shape in more words
    ("token incorrectly formatted", "parse"), ("JWT does not contain 3 sections", "parse"),
    ("multiple signatures are not supported", "parse"),
    ("the id token must have a valid JWT format", "parse"),
    ("Unable to decode token: payload not found", "parse"),
    ("authorize: invalid character 'x' looking for beginning of value", "parse"),
    # a missing kid said with "specified", a key set that cannot be chosen, key kinds
    ("no 'kid' specified and several keys configured", "key"),
    ("cannot determine keyset to use for this token", "key"),
    ("the verification key is not an RSA public key", "key"),
    ("Invalid public RSA key", "key"), ("Expecting a PEM-formatted key", "key"),
    ("The public key for signature validation must be provisioned", "key"),
    # algorithms in more words
    ("HMAC algos are not supported", "algorithm"),
    ("Only RS256 and ES256 algorithms are supported, got HS512", "algorithm"),
    ("Cannot use the RS256 algorithm for this token", "algorithm"),
    # signatures
    ("Bad HMAC", "signature"), ("The assertion failed signature validation", "signature"),
    # time, claims, token type, issuer
    ("the token is not yet available", "time"),
    ("Missing or invalid 'iss' claim in the token", "issuer"),
    ("403: Insufficient scopes", "claims"),
    ("the acr value does not match the requested acr_values", "claims"),
    ("token hash verification failed", "claims"),
    ("JWT jwtid invalid", "claims"),
    ("No tenant id was provided in the JWT payload", "claims"),
    ("Access token payload does not contain the user uid", "claims"),
    ("The JWT type `at+jwt` is not supported", "token-type"),
    ("Invalid JWT header type specified", "token-type"),
    ("no matching OIDC provider", "issuer"),
    # key sets: an HTML page where JSON was expected, a set's JSON or HTTP status
    ("failed to decode keys: invalid character '<' looking for beginning of value", "jwks"),
    ("Decoding of JWKS error", "jwks"), ("Malformed JSON object for keys", "jwks"),
    ("JwksError: Not Found", "fetch"),
    ("NetworkError: Server responded with an invalid status (keycloak openid config)", "fetch"),
    # a JSON decoder's position beside a named failure only says where it was read
    ('Json(Error("missing field `exp`", line: 1, column: 73))', "time"),
    ('Error(Json(Error("expected value", line: 1, column: 1)))', "parse"),
    # a missing-or-invalid header parameter, an empty one, "cannot be accepted yet", a claim's
    # JSON type ("jwt claim aud must be a string" is no token that must be a string)
    ('Missing or invalid "kid" header', "key"), ("Empty algorithm in header", "algorithm"),
    ("The token cannot be accepted yet", "time"),
    ("jwt claim aud must be a string or array of strings", "audience"),
])
def test_reader_vocabulary_of_the_sixth_session(text, step):
    diagnosis = diagnose(text)
    assert (diagnosis.step, diagnosis.vague) == (step, False), diagnosis.decided_by


@pytest.mark.parametrize("text", [
    # a password login, a feature that is off, the application's settings, the signing side,
    # a stored token looked up
    '{"message":"incorrect username or password"}', "JWT authentication: not enabled",
    "`AUTH_AUDIENCE` env vars are not set", "cannot get key while signing token",
    "failed to generate the access token", "JWT is not configured properly",
    "Access token does not exist in database",
    # a network failure with no word of an identity provider (an application's own backend)
    'Post "http://10.0.0.8:8000/user": dial tcp 10.0.0.8:8000: connect: connection refused',
])
def test_refusals_of_the_sixth_session_claim_no_step(text):
    diagnosis = diagnose(text)
    assert diagnosis.step is None, diagnosis.decided_by
    assert not diagnosis.vague or diagnosis.layer == "reader"


@pytest.mark.parametrize("text", [
    # the phrases above that must stay silent in their neighbours' wordings
    "Invalid authorization token",  # no detail: vague, not parse
    "the server could not verify that you are authorized to access the URL",
    "token is missing the jwt claim header",
    "invalid scheme for the jwks_uri",  # a URL's scheme, not the header's
])
def test_sixth_session_phrases_stay_silent_where_they_do_not_apply(text):
    diagnosis = diagnose(text)
    assert diagnosis.step is None or diagnosis.step not in ("parse", "signature"), (
        diagnosis.step, diagnosis.decided_by)


def test_a_value_missing_in_the_token_gives_way_to_a_part_of_the_token():
    # "missing signature in the token" names a part of the token (the algorithm step), not a
    # claim the application needs
    assert diagnose("missing signature in the token").step == "algorithm"
    assert diagnose("Error missing part 0 in token").step == "parse"


def test_a_php_trace_frames_and_source_paths_name_no_step():
    trace = ("[2026-11-30 09:12:44] production.ERROR: Acme\\Jwt\\Exceptions\\"
             "InvalidSignatureException in /srv/app/vendor/acme/jwt/src/Algorithms/Rsa.php:51\n"
             "Stack trace:\n#0 /srv/app/vendor/acme/jwt/src/Parser.php(88): Rsa->verify('eyJ...')\n"
             "#1 {main}")
    diagnosis = diagnose(trace)
    assert (diagnosis.step, diagnosis.envelope) == ("signature", "stack-trace"), \
        diagnosis.decided_by


# -- mechanisms (sixth session, second round: the ninth split moved into dev) ---------------

@pytest.mark.parametrize(("text", "step"), [
    # the discovery document named as what was read: its issuer, its jwks_uri, an HTML page
    ("error fetching OIDC configuration: missing issuer value", "discovery"),
    ("could not load provider metadata: issuer did not match the returned issuer", "discovery"),
    ("openid-configuration: jwks_uri cannot be empty", "discovery"),
    ("Invalid issuer metadata. Missing keys: jwks_uri", "discovery"),
    ("error fetching OIDC configuration: failed parsing document: invalid character '<' "
     "looking for beginning of value", "discovery"),
    # a key set's own content or source
    ("KeySourceError: Unable to parse X509 certificates", "jwks"),
    ("KeySourceError: Badly formatted key data", "jwks"),
    ("Key IDs must be unique, duplicate 'k1'", "jwks"), ("No keys found in jwk set", "jwks"),
    ("Unsupported key type in fetched JWK Set", "jwks"), ("Invalid key set content", "jwks"),
    ("No JWKS keys available", "jwks"),
    # Erlang and Elixir error lists naming one claim
    ("{error,[exp]}", "time"), ("{:error, [:aud]}", "audience"), ("{error,[sub]}", "claims"),
    # more words for the steps
    ("token intended for another audience: [api]", "audience"),
    ("token not to be used after 2026-12-03 09:21:40 UTC", "time"),
    ("the token has been out of its life time", "time"),
    ("token signed by untrusted key with ID abc", "key"),
    ("JWS is signed by a key that is not present in this key store", "key"),
    ("Kid is not matching any certificate", "key"), ("No pem found for kid abc", "key"),
    ("Invalid value for parameter 'use' in JWK object: 'enc'", "key"),
    ("rejected due to missing signature key", "key"),
    ("Token does not contain signature key id", "key"),
    ("Unknown type of token", "token-type"),
    ("idToken was expected, but a custom token was provided", "token-type"),
    ("You need to provide a login token.", "parse"),
    ("Authentication type must be Bearer", "parse"),
    ("Missing Authorization header or access_token", "parse"),
    ("lexical error: invalid char in json text.", "parse"),
    ("Cannot load json: premature end of input", "parse"),
    ("An at_hash is needed!", "claims"), ("No email found in OIDC payload!", "claims"),
    ("The tenant ID of the token did not match the expected value", "claims"),
    ("Organization claim (org_id) mismatch in the ID token", "claims"),
    # the network, in more words
    ("ConnectTimeout: Max retries exceeded with url: /.well-known/openid-configuration",
     "fetch"),
    ("Could not discover OIDC configuration. source=RequestError: Could not send request",
     "fetch"),
    ("unexpected error returned by https://idp/.well-known/openid-configuration : "
     "status(503 Service Unavailable)", "fetch"),
])
def test_reader_vocabulary_of_the_sixth_session_second_round(text, step):
    diagnosis = diagnose(text)
    assert (diagnosis.step, diagnosis.vague) == (step, False), diagnosis.decided_by


@pytest.mark.parametrize(("text", "not_step"), [
    # a thread id is no tid claim, "(sub)domain" no sub claim, "falling back to old keys"
    # no age, a JWK's own certificate chain no TLS failure, "Keys tried: … KeyId" no kid
    ("[pid 2143:tid 139872466093632] auth_jwt: key used to check signature is empty",
     "claims"),
    ("Token issuer x is not trusted: not a (sub)domain of the trusted domains", "claims"),
    ('cannot get JSONWebKey: Get "https://idp/keys": dial tcp: no such host, falling back to '
     "old keys", "time"),
    ("failed to verify token: untrusted JWK with no certificate chain", "fetch"),
    ("IDX10511: Signature validation failed. Keys tried: 'RsaSecurityKey, KeyId: 'abc'", "key"),
    # two claims in an error list stay a list of failures
    ("{error,[aud,exp]}", "time"),
    # a discovery context does not move the token's own iss
    ("token iss does not match the discovery document issuer", "discovery"),
    # a registry's challenge asks for a scope; it names no failure
    ('HTTP/1.1 401 Unauthorized\nWww-Authenticate: Bearer realm="https://auth/token",'
     'service="registry",scope="repository:team/api:pull"\n\n{"errors":[{"code":"UNAUTHORIZED",'
     '"message":"authentication required"}]}', "claims"),
])
def test_sixth_session_second_round_stays_silent_where_it_does_not_apply(text, not_step):
    diagnosis = diagnose(text)
    assert diagnosis.step != not_step, diagnosis.decided_by


# -- mechanisms (sixth session, third round: the tenth split moved into dev) ----------------

@pytest.mark.parametrize(("text", "step"), [
    # a structured log line's cause ("error") is more specific than its event ("message")
    ('{"level":"error","error":"invalid bearer token given: token is expired",'
     '"message":"failed to parse Authorization header"}', "time"),
    # the protocol's generic description before the detail names no step
    ('{"error":"invalid_request","error_description":"The request is missing a required '
     "parameter, includes an invalid parameter value, includes a parameter more than once, "
     'or is otherwise malformed. The id_token_hint was issued by another issuer."}', "issuer"),
    # a wrapper's claim named by its function, the detail only "claim not found"
    ("GetJwtIssuer failed: claim not found", "issuer"),
    ("GetJwtAudiences failed: claim not found", "audience"),
    # adhocore/jwt, catalogued
    ("Failed to verify JWT. Invalid token: Not now", "time"),
    ("JSON failed: Syntax error", "parse"),
    # more words
    ("Algorithm \"HS256\" is not acceptable. Followings are accepted: RS256", "algorithm"),
    ("Not signature algorithm defined.", "algorithm"),
    ("JWT token does not have a valid realm", "issuer"),
    ('{"error_description": "not intended for me"}', "audience"),
    ("To old authentication", "time"),
    ("Request header has no authorization field", "parse"),
    ("Missing `id_token` in OIDC response", "parse"),
    ("failed to extract id_token from the response", "parse"),
    ("Request does not contain bearer authentication", "parse"),
    ("no claim found for key: groups", "claims"), ("jwt is missing sub-claims", "claims"),
    ('Token "scope" field must be a string', "claims"),
    ("SSO server public key has not be set", "key"), ("JWK doesn't match", "key"),
    ('Missing required "keys" member', "jwks"),
    ("JOSEError: Expected 200 OK from the JSON Web Key Set HTTP response", "fetch"),
    ('[GET] "https://sso/realms/main/.well-known/openid-configuration": 404 Not Found', "fetch"),
    ("Keycloak responded with an error when calling 'protocol/openid-connect/certs'", "fetch"),
    ("Can't load key: HTTP Get error: 503 (jwks)", "fetch"),
    ("ParseJwks failed: invalid json", "jwks"),
    # oidcc's missing_claim tuples: the first term names the claim, the map is the token's
    ('{error,{missing_claim,<<"exp">>,#{<<"aud">> => <<"web">>,<<"iss">> => <<"https://i">>}}}',
     "time"),
    ('{:error, {:missing_claim, {"aud", "web"}, %{"aud" => ["other"], "iss" => "https://i"}}}',
     "audience"),
    # values listed after the failure, request context in key=value pairs, "for kid"
    ("Signature of JWT token is not valid, based on alg: RS256, kid: k-2026 at JwkRSA@6b2e",
     "signature"),
    ("Verification failed for all signatures (realm=partners, client_id=portal)", "signature"),
    ("Algorithm of JWK (RS256) does not match algorithm of this JWT (HS256) for kid: k1",
     "algorithm"),
    ("User JWT not valid: claim failed V2 signature verification", "signature"),
])
def test_reader_vocabulary_of_the_sixth_session_third_round(text, step):
    diagnosis = diagnose(text)
    assert (diagnosis.step, diagnosis.vague) == (step, False), diagnosis.decided_by


@pytest.mark.parametrize(("text", "not_step"), [
    # loading or getting a key is reading key material, not a fetch
    ("failed to load public key from /etc/app/jwt.pem", "fetch"),
    ("Could not get modulus or exponent of RSA key.", "fetch"),
    # an X.509 issuer is no iss claim
    ("SSLError: certificate verify failed: unable to get local issuer certificate", "issuer"),
    # a token looked up in a database
    ("failed to get metadata from token claims: failed to find token in db", "fetch"),
    # "unsecured/JWS/JWE" lists the serializations a parser tried
    ("ParseException: Invalid serialized unsecured/JWS/JWE object", "algorithm"),
    # the generic description alone stays vague
    ('{"error":"invalid_request","error_description":"The request is missing a required '
     "parameter, includes an invalid parameter value, includes a parameter more than once, "
     'or is otherwise malformed."}', "parse"),
])
def test_sixth_session_third_round_stays_silent_where_it_does_not_apply(text, not_step):
    diagnosis = diagnose(text)
    assert diagnosis.step != not_step, diagnosis.decided_by


# -- mechanisms (sixth session, fourth round: the eleventh split moved into dev) -------------

@pytest.mark.parametrize(("text", "step"), [
    # a list whose alternatives all name one step is no list of steps
    ("Error verifying JWT Token: Base64 decoding failed or invalid json", "parse"),
    # a claims family names its claim inside another name's words
    ('ValidationFailed { reason: MissingRequiredClaim("aud") }', "audience"),
    ("MissingRequiredClaim (Required ID Token claim `aud` is missing or blank)", "audience"),
    # serde's missing field names the claim; its position in a key set's context is the set's
    ("JSON error: missing field `iat` at line 1 column 52", "time"),
    ('could not decode JWKs error=Error("expected value", line: 1, column: 1)', "jwks"),
    # more words
    ("Missing or empty 'iss' claim", "issuer"), ("Not acceptable by exp", "time"),
    ("JWT algorithm 'es384' is not matching with JWK algorithm 'es256'", "algorithm"),
    ("Invalid JWT Header `typ`", "token-type"), ("Invalid jws: Expected three parts", "parse"),
    ("reason: token required", "parse"), ("Header authorization not found.", "parse"),
    ("Could not find authentication cookie 'auth_token'", "parse"),
    ("there is no signing key with KID 3", "key"), ("unsupported EC key type P521", "key"),
    ("Key for validating token signature cannot be found", "key"),
    ("neither JWKS provider URL nor public key provided", "key"),
    ("Key set is missing in provider information", "jwks"),
    ("Unable to verify incoming JWT Signature", "signature"),
    ("Not a user token", "token-type"), ("failed to obtain user claims from jwt token", "claims"),
    ("Cannot find email claim", "claims"), ("JWT needs to contain the user name as subject",
                                            "claims"),
    ("No matching client registration found for issuer https://idp", "issuer"),
    ("Error on public key request: Code 404", "fetch"),
    ("claims.rs:31:54ExpiredSignature", "time"),
    ("Issuer name is missing in provider information", "discovery"),
    ("Error parsing instance discovery response. Data must be in valid JSON format", "discovery"),
])
def test_reader_vocabulary_of_the_sixth_session_fourth_round(text, step):
    diagnosis = diagnose(text)
    assert (diagnosis.step, diagnosis.vague) == (step, False), diagnosis.decided_by


@pytest.mark.parametrize("text", [
    # an OIDC login's state, one-time codes, a client's cache, an account's expiry, an SDK's
    # missing client id, a catalogued wrapper around a refusal of something else
    "oidc.Callback: request state has expired: state violation",
    "failed-to-verify-state: signature mismatch", "Expired Device code",
    "Token not found in the cache", "Account has expired or is not yet valid",
    "Error: Missing client ID. Did you provide it when initializing the SDK?",
    "token is unverifiable: error while executing keyfunc: ACL is disabled",
    # "failed to verify" the authentication or the user is no signature
    "Failed to verify authentication",
])
def test_refusals_of_the_sixth_session_fourth_round_claim_no_step(text):
    assert diagnose(text).step is None, diagnose(text).decided_by


def test_a_list_of_different_steps_stays_vague():
    diagnosis = diagnose("token expired or signature invalid")
    assert diagnosis.vague
    assert {"time", "signature"} <= set(diagnosis.candidate_steps)


# -- mechanisms (sixth session, fifth round: the twelfth split moved into dev) --------------

@pytest.mark.parametrize(("text", "step"), [
    # a client id alone may be the aud's expected value or a claim of its own: both candidates
    # (below); beside aud, the aud decides
    ("`aud` claim does not match our `client_id`", "audience"),
    # a header that carried the failure gives way to it
    ("Invalid Authorization header. JWT too old.", "time"),
    ("Invalid Header (missing 'typ' element)", "token-type"),
    # a thing missing or wrong is that thing's step
    ("The token's subject is missing or is invalid.", "claims"),
    ("invalid jwt: missing or invalid required string header claim 'alg'", "algorithm"),
    ("jwks invalid format: missing or invalid field 'keys'", "jwks"),
    # the nonce's own window, a JWK's required attribute, a JWK's own parameter
    ("IDX21324: The 'nonce' has expired", "claims"),
    ("kid is a required attribute for a JWK.", "jwks"),
    # more words
    ('"Authorization" is missing from header', "parse"),
    ("invalid jwt: found '2' sections instead of expected 3", "parse"),
    ("failed verifying jwt: parsed token is a jwe", "parse"),
    ("jwt validation failed: crit claim not supported by this lib: b64", "parse"),
    ("The token is not structured correctly.", "parse"),
    ("OAuth access token must be passed in the Authorization header", "parse"),
    ("Multiple methods used to include access token", "parse"),
    ("Missing identity token.", "parse"),
    ("Logout failed because id_token_hint is not set", "parse"),
    ("Invalid cryptographic segment", "signature"),
    ("ID token is not for this audience.", "audience"),
    ("Encoded token is a refresh token", "token-type"),
    ('RSA Public Key with ID "k1" was not found', "key"), ("Key may not be empty", "key"),
    ("Unable to find a certificate with `kid`", "key"),
    ("federated sign-on certs expects \"keys\" to be set", "jwks"),
    ('No "sub" found from keycloak', "claims"), ("Invalid DPoP htm", "claims"),
    ("sid in id_token_hint does not match sid of the session", "claims"),
    ("Logout token must not contain a nonce", "claims"),
    ("The 'c_hash' claim is invalid", "claims"),
    ("Unable to find user email property in JWT.", "claims"),
    ("GetJwksError: OpenID configuration request failed", "fetch"),
    ("Unable to get the JWS due to a HTTP error: [HTTP 404]", "fetch"),
    ("GET https://idp/.well-known/openid-configuration net::ERR_NAME_NOT_RESOLVED", "fetch"),
    ("500 HTTP status when requesting Google's certificates.", "fetch"),
    ("oidc: failed to decode provider discovery object: invalid character '<' looking for "
     "beginning of value", "discovery"),
])
def test_reader_vocabulary_of_the_sixth_session_fifth_round(text, step):
    diagnosis = diagnose(text)
    assert (diagnosis.step, diagnosis.vague) == (step, False), diagnosis.decided_by


@pytest.mark.parametrize("text", [
    "Invalid clientId", "ClientIDMismatchError: Token client-id mismatch",
])
def test_a_client_id_alone_is_audience_or_claims(text):
    diagnosis = diagnose(text)
    assert diagnosis.vague
    assert {"audience", "claims"} <= set(diagnosis.candidate_steps)


@pytest.mark.parametrize(("text", "not_step"), [
    # a JWK's own parameter is not the token's; a kid the failing key is found by stays key
    ('Invalid or unsupported JWK "alg" (Algorithm) Parameter value', "algorithm"),
    ("matching jwk with kid 'enc-1' cannot be used for signing", None),
    # a token endpoint's answer to the client's own request
    ("Could not retrieve tokens: POST https://sso/realms/a/protocol/openid-connect/token "
     "resulted in a 400 Bad Request", "fetch"),
    # "invalid or expired" stays a list of failures
    ("Access token is invalid or expired", "time"),
])
def test_sixth_session_fifth_round_stays_silent_where_it_does_not_apply(text, not_step):
    diagnosis = diagnose(text)
    assert diagnosis.step != not_step, diagnosis.decided_by


# -- mechanisms (sixth session, sixth round: the thirteenth split moved into dev) -----------

@pytest.mark.parametrize(("text", "step"), [
    # a claims decoder's missing field is a claim the application needs
    ('Cannot deserialize claims: missing field `role` at line 1 column 58', "claims"),
    # a malformed certificate or PEM is key material, not the token's shape
    ("io.jwt.verify_es256: PEM parse error: x509: malformed certificate", "key"),
    # the alg asks for another kind of key (DC303)
    ("secretOrPublicKey must be an asymmetric key when using RS256", "algorithm"),
    # a key set's content inside its fetch wrapper or its conversion
    ("Failed to fetch signers. Reason: {:error, :no_keys_on_response}", "jwks"),
    ("jwks conversion failed for kid 'ed-1' Error: Unsupported key type \"OKP\"", "jwks"),
])
def test_reader_vocabulary_of_the_sixth_session_sixth_round(text, step):
    diagnosis = diagnose(text)
    assert (diagnosis.step, diagnosis.vague) == (step, False), diagnosis.decided_by


@pytest.mark.parametrize(("text", "candidates"), [
    # catalogued, but their words name no one step: the corpus's authors split on them
    ("JsonWebTokenError: invalid token", {"parse", "signature"}),
    ("token signature is invalid: key is of invalid type", {"algorithm", "key"}),
])
def test_catalogued_words_that_name_no_one_step_stay_vague(text, candidates):
    diagnosis = diagnose(text)
    assert diagnosis.layer == "catalogue"
    assert diagnosis.vague
    assert set(diagnosis.candidate_steps) == candidates


@pytest.mark.parametrize("text", [
    "JWT Refresh Token Not Found", "Token not found in DB",
    'Cannot deserialize claims: expected value at line 1 column 1',  # stays parse, not claims
])
def test_sixth_round_refusals_and_their_limits(text):
    diagnosis = diagnose(text)
    assert diagnosis.step in (None, "parse"), diagnosis.decided_by
    assert diagnosis.step != "claims"


# -- mechanisms (sixth session, seventh round: the fourteenth split moved into dev) ---------

@pytest.mark.parametrize(("text", "step"), [
    # "Missing JWT issuer (iss) claim" names the claim, not a missing JWT
    ("com.nimbusds.jwt.proc.BadJWTException: Missing JWT issuer (iss) claim", "issuer"),
    ("BadJWTException: Missing JWT expiration (exp) claim", "time"),
    ("invalid token - must contain header, payload and signature", "parse"),
    ("empty payload", "parse"), ("No id token could be found", "parse"),
    ("The access token must be sent using the Authorization header", "parse"),
    ("JWT token contains non-String audience claim", "audience"),
    ("Unable to locate certificate for Identity Provider partner-idp", "key"),
])
def test_reader_vocabulary_of_the_sixth_session_seventh_round(text, step):
    diagnosis = diagnose(text)
    assert (diagnosis.step, diagnosis.vague) == (step, False), diagnosis.decided_by


@pytest.mark.parametrize("text", [
    # a valid token asked for is no missing token; a sentence ends the subject
    "you need to provide a valid access token or user credentials to access this api",
    "A secret API key was passed as a Bearer token. Secret API keys must be sent using Basic",
    '{"message":"auth/magic_link_expired"}',
])
def test_seventh_round_stays_silent_where_it_does_not_apply(text):
    assert diagnose(text).step != "parse" or diagnose(text).vague
    assert diagnose(text).step != "time"


# -- mechanisms (sixth session, eighth round: the fifteenth split moved into dev) -----------

@pytest.mark.parametrize(("text", "step"), [
    # an unsigned token is DC303 even in IDX10504's words
    ("IDX10504: Unable to validate signature, token does not have a signature: 'x'.",
     "algorithm"),
    # a cache's expiration is no token's; an HTML page where metadata was expected
    ("Token was unable to be validated due to cache expiration", "fetch"),
    ("failed to decode metadata: invalid character '<' looking for beginning of value",
     "discovery"),
    ("cannot parse authority JWK JSON: missing field `kty` at line 1 column 58", "jwks"),
    ("Request is missing an 'Authorization' header", "parse"),
    ("Authorization header does not begin with: Bearer", "parse"),
    ("more than one signature in token: 2", "parse"),
    ("Only one method may be used to authenticate at a time", "parse"),
    ("User token can not be empty", "parse"),
    ("Signing Key could not be retrieved.", "key"),
    ("Could not validate algorithm for key: k1", "algorithm"),
    ("An non-success status code of ServiceUnavailable was received while fetching the web "
     "key set document.", "fetch"),
    ("Unable to reach the identity provider", "fetch"),
])
def test_reader_vocabulary_of_the_sixth_session_eighth_round(text, step):
    diagnosis = diagnose(text)
    assert (diagnosis.step, diagnosis.vague) == (step, False), diagnosis.decided_by


@pytest.mark.parametrize(("text", "step", "layer"), [
    # the AAD validators' codes decide inside SecurityTokenInvalidIssuerException
    ("Microsoft.IdentityModel.Tokens.SecurityTokenInvalidIssuerException: IDX40005: Token "
     "issuer: 'https://login.microsoftonline.com/f8cdef31/v2.0', does not match the signing key "
     "issuer: 'https://login.microsoftonline.com/72f988bf/v2.0'.", "key", "family"),
    ("SecurityTokenInvalidIssuerException: IDX40009: Either the 'tid' claim was not found or "
     "it didn't have a value.", "claims", "family"),
    # a code and its exception naming one step decide together
    ("Invalid token. Microsoft.IdentityModel.Tokens.SecurityTokenInvalidSignatureException: "
     "IDX10511: Signature validation failed, keys tried: 'X509SecurityKey, KeyId: 'k1''. "
     "kid: 'k1'.", "signature", "family"),
    # a code that disagrees with its exception and outranks none: the exception's step
    ("Microsoft.IdentityModel.Tokens.SecurityTokenSignatureKeyNotFoundException: IDX10517: "
     "Signature validation failed. The token's kid is missing. Keys tried: 'JsonWebKey'.",
     "key", "family"),
    # IDX10500 is its exception's step, key (no keys at all to try)
    ("IDX10500: Signature validation failed. No security keys were provided to validate the "
     "signature.", "key", "catalogue"),
    # wrapped libraries' own words
    ('TypeError: Expected "jwk.e" to be a String', "jwks", "catalogue"),
    ("Could not validate endorsement for key: 1LTMza with endorsements: msteams", "key",
     "catalogue"),
    ("Unauthorized. Invalid AppId passed on token: 5c1e9f0a-4b7d-4e3a-9d2f-8a61c0b7e245",
     "audience", "catalogue"),
    ("InvalidJwtError: Session token had invalid API key", "audience", "catalogue"),
    ("Google::Auth::IDTokens::SignatureError: Token not verified as issued by Google",
     "signature", "catalogue"),
    ("token is unverifiable: signing method (alg) is unavailable", "algorithm", "catalogue"),
    ("JOSEError: Expected 200 OK from the JSON Web Key Set HTTP response", "fetch",
     "catalogue"),
    ("graphql_jwt.exceptions.JSONWebTokenError: origIat field is required", "claims",
     "catalogue"),
    # no token arrived, in more words
    ("missing authentication token", "parse", "reader"),
    ('{"detail":"Refresh token was not included in request data."}', "parse", "reader"),
    ("An error occurred, no cookie containing a jwt was found in the request.", "parse",
     "reader"),
])
def test_seventh_session_first_round(text, step, layer):
    diagnosis = diagnose(text)
    assert (diagnosis.step, diagnosis.vague, diagnosis.layer) == (step, False, layer), \
        diagnosis.decided_by


@pytest.mark.parametrize("text", [
    # the claim of that name, not a missing token; origIat's own words, not iat's
    "Missing authentication token claim 'sid'",
    "the token's origIat is 1764770400",
])
def test_seventh_session_first_round_stays_off_other_steps(text):
    diagnosis = diagnose(text)
    assert diagnosis.step not in ("parse", "time"), diagnosis.decided_by


@pytest.mark.parametrize(("text", "step"), [
    # the seventh session's second round (tuned on the sixteenth and seventeenth splits)
    ("Cannot validate access token: Error: invalid token (stale token)", "time"),
    ("Grant validation failed. Reason: Misconfigured parameters while validating token. "
     "Check your keycloak.json file!", "key"),
    ("JWT::ImmatureSignature: Signature nbf has not been reached", "time"),
    ("JWT::UnsupportedKeyType: Key type oct2 not supported", "jwks"),
    ("Invalid or missing authentication header.", "parse"),
    ("No bearer header", "parse"),
    ("Authorization header cannot be blank!", "parse"),
    ('The request does not contain an "authorization" header', "parse"),
    ("JWK does not contain an algorithm", "jwks"),
    ("JWKs Background Fetching Error: Unable to find kid inside JWK", "jwks"),
    ('could not validate claim "exp"\ndetails: Current time is too far away', "time"),
    ("oidc: email not verified", "claims"),
    ("User ID not found in the token", "claims"),
    # the seventh session's third round (tuned on the eighteenth split)
    ("JWT token is missing the following claims: aud. Access denied.", "audience"),
    ("Id Token Issuer is null", "issuer"),
    ("Assertion token audience is null", "audience"),
    ("Id Token not valid untill: Tue Apr 19 14:35:00 EDT 2022", "time"),
    ("Profile Action ValidateAccessToken: access token exp is in the past 1583961562000",
     "time"),
    ("No compatible RSA key found in JWKS for kid: 'b3a7f1e0'", "key"),
    ("id token has no header data", "parse"),
    ("token has to have exactly 2 dots", "parse"),
    ("Access denied: No signing keys available from OIDC provider's JWKS endpoint.", "jwks"),
    ("OIDC discovery document does not contain a jwks_uri.", "discovery"),
    ("Unsupported JWT type: com.nimbusds.jwt.PlainJWT", "algorithm"),
    ("token is unverifiable: error while executing keyfunc: unknown token method",
     "algorithm"),
    ("JSON error: unknown variant `none`, expected one of `HS256`, `HS384`", "algorithm"),
    ("Issuer mismatch. Well known issuer https://a/v2.0 does not match configured well known "
     "url https://b/v2.0", "discovery"),
    ('ValueError: Missing key type (kty)', "jwks"),
    ("{error,not_issued_in_past}", "time"),
    ("{:type :validation, :cause :nbf}", "time"),
    ("jws-backend on-error {:type :validation, :cause :exp}", "time"),
    ("Not-before time is Thu Dec 03 10:50:00 UTC 2026 and time is now Thu Dec 03 10:44:31 UTC "
     "2026 (30 leeway seconds is allowed)", "time"),
    # the fourth round (tuned on the nineteenth split)
    ('[PSYNC_S2105] JWT payload is missing a required claim "aud"', "audience"),
    ("[PSYNC_S2101] Token is not a well-formed JWT. Check the token format.", "parse"),
    ("Expected authorization header but none given", "parse"),
    ("The `Authorization` HTTP header is required but was not specified", "parse"),
    ("Could not retrieve bearer token from metadata", "parse"),
    ("failed to fetch OIDC configuration: JWKsURI value is required but missing in OIDC "
     "configuration", "discovery"),
    ("[PSYNC_S2104] Token must expire in a maximum of 86400 seconds, got 604800s", "time"),
    ("token TTL: 2591940 is larger than MaxTTL allowed: 86400", "time"),
    ("The token is not valid for the requested resource", "audience"),
    ("External bearer token algorithm is not advertised by the provider.", "algorithm"),
    ("External provider JWKS endpoint did not return HTTP 200.", "fetch"),
    ("External provider JWKS payload is invalid.", "jwks"),
    ("ERROR: 'jwtSecret' was not set to a string or buffer - rejecting JWT-authenticated request.",
     "key"),
    ("Error: Received a private key, but a public key is expected", "key"),
    # the fifth round (tuned on the twentieth split)
    ("[OIDC] Unable to find the jwks_uri from the OIDC_CONFIGURATION_URL", "discovery"),
    ("role not set in jwt token", "claims"),
    ("[OIDC] Required claims not present. Expected: {'name'}", "claims"),
    ("User id not found in registration token", "claims"),
    ("Key 'groups' not found in id token!", "claims"),
    ("No username provided in bearer token payload", "claims"),
    ("Authorization scheme must be 'Bearer'", "parse"),
    ("Public key is not set in settings for RS256/RS512.", "key"),
    ("External credential validation failed: Unsupported crv: X25519", "jwks"),
    ("Serialization is too long.", "parse"),
    ("oidc: failed to decode keys: json: cannot unmarshal array into Go value", "jwks"),
    ("[openidStrategy] ClientError: unexpected HTTP response status code", "fetch"),
    ("Bearer auth error: UnsupportedKeyUseError: unsupported_key_use: This key is designed to "
     "be used for 'enc'", "key"),
    ("Bearer auth error: InvalidPayloadError: invalid_payload: Invalid payload type", "parse"),
    ("Error fetching jwt key for a namespace: Could not decode Ed25519 public key from base64: "
     "Base64 error: Invalid symbol 33, offset 12.", "key"),
])
def test_seventh_session_later_rounds(text, step):
    """The second to fifth rounds (tuned on the sixteenth to twentieth splits)."""
    diagnosis = diagnose(text)
    assert (diagnosis.step, diagnosis.vague) == (step, False), diagnosis.decided_by


@pytest.mark.parametrize(("text", "not_step"), [
    # an OAuth login's state and an authorization code are no token's signature or lifetime
    ("Missing state parameter in callback (session may have expired)", "time"),
    ("Failed to verify code - check your identity provider configuration", "signature"),
    # a kid missing from the key set is the key's, not the set's content
    ("no matching JWK for kid k1", "jwks"),
    # a user who is gone is no claim
    ("User jdoe not found", "claims"),
    # a flag that says "not expired" is no expiry
    ('TokenValidation { signature_valid: false, expired: false, cannot_use_yet: false }',
     "time"),
    # an empty token is still the token's shape, but a null claim is the claim's
    ("token is null", "issuer"),
    ("Invalid format for claim: exp", "parse"),
    # a disjunction across steps, an RSA key's exponent, an identifier of the token, a TLS
    # certificate that does not verify
    ("provided auth token is corrupted or has expired (try logging in again)", "time"),
    ("ERROR:auth_jwt:extract_pub_key_from_exp_mod: missing exponent/modulus", "time"),
    ("Missing tokenIdentifier in jwt token", "parse"),
    ('Get "https://kc/realms/t/.well-known/openid-configuration": tls: failed to verify '
     'certificate: x509: certificate signed by unknown authority', "signature"),
    # a licence or a share that expired is no token's lifetime
    ('{"redirectUrl":"/license-expired"}', "time"),
    ("Share expired", "time"),
])
def test_seventh_session_later_rounds_stay_off(text, not_step):
    diagnosis = diagnose(text)
    assert diagnosis.step != not_step, diagnosis.decided_by
