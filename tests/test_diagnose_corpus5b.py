"""The held-out split 5b of the diagnose corpus: its shape only, never its accuracy.

The split was written by someone who neither tuned nor read the reader and is measured
separately, so this test must not run `diagnose` on it."""

from __future__ import annotations

from tests.corpus_shape import (
    CORPUS,
    assert_complete_lines,
    assert_large_and_varied,
    assert_new_libraries,
    assert_one_version_per_library,
    rows,
)

HELD_OUT_5B = CORPUS / "dev-5b.jsonl"
EARLIER = (
    CORPUS / "messages.jsonl",
    CORPUS / "dev-3.jsonl",
    CORPUS / "dev-4.jsonl",  # the fourth split, dev since the fifth session
)

# Other names the split's libraries go by (packages, repositories, former names): none of
# them may be a library of an earlier split either.
ALIASES = {
    "adhocore/jwt": ("adhocore/php-jwt", "ahc/jwt"),
    "namshi/jose": ("namshi-jose",),
    "gree/jose": ("gree-jose",),
    "jumbojett/OpenID-Connect-PHP": ("openid-connect-php", "OpenIDConnectClient"),
    "auth0/auth0-PHP": ("auth0/auth0-php", "auth0-php"),
    "kreait/firebase-tokens": ("kreait/firebase-tokens-php", "firebase-tokens-php"),
    "omniauth_openid_connect": ("omniauth-openid-connect",),
    "warden-jwt_auth": ("devise-jwt", "warden-jwt-auth"),
    "knock": ("nsarno/knock",),
    "jwt_sessions": ("jwt-sessions", "tuwukee/jwt_sessions"),
    "JWTDecode.swift": ("auth0/JWTDecode.swift", "JWTDecode-swift"),
    "Kitura SwiftJWT": ("Swift-JWT", "SwiftJWT", "Kitura/Swift-JWT"),
    "Vert.x auth-jwt": ("vertx-auth-jwt", "vertx-auth"),
    "Helidon Security JWT": ("helidon-security-jwt", "Helidon"),
    "Apache CXF JOSE (rs-security-jose)": ("cxf-rt-rs-security-jose", "Apache CXF"),
    "Open Liberty mpJwt": ("Open Liberty", "OpenLiberty", "WebSphere Liberty mpJwt"),
    "Microsoft.Identity.Web": ("microsoft-identity-web",),
    "Duende IdentityServer": ("Duende.IdentityServer", "IdentityServer"),
    "ServiceStack JWT AuthProvider": ("ServiceStack", "JwtAuthProvider"),
    "Apigee VerifyJWT / VerifyAccessToken": ("Apigee", "Apigee Edge", "Apigee X"),
    "WildFly Elytron (JwtValidator)": ("wildfly-elytron", "Elytron"),
    "Apache Kafka SASL/OAUTHBEARER": ("Apache Kafka", "kafka-clients", "Kafka OAUTHBEARER"),
    "Elasticsearch JWT realm": ("Elasticsearch", "x-pack security jwt"),
    "Gravitee JWT policy": ("gravitee-policy-jwt", "Gravitee"),
    "Symfony Security OIDC access-token handler": ("symfony/security-http", "Symfony"),
    "Apache Pulsar OpenID Connect authentication": ("pulsar-broker-auth-oidc", "Apache Pulsar"),
}


def test_every_line_is_a_complete_held_out_message():
    assert_complete_lines(HELD_OUT_5B, "dev")


def test_split_is_large_and_varied():
    assert_large_and_varied(HELD_OUT_5B, lines=250, libraries=20, languages=6)


def test_no_library_of_an_earlier_split_reappears():
    assert_new_libraries(HELD_OUT_5B, EARLIER, ALIASES)


def test_every_library_has_its_aliases_listed():
    assert {row["library"] for row in rows(HELD_OUT_5B)} == set(ALIASES)


def test_each_library_keeps_one_version_language_and_source():
    assert_one_version_per_library(HELD_OUT_5B)


def test_no_message_quotes_a_whole_jwt():
    import re

    whole = re.compile(r"eyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]{5,}")
    assert not [row["message"][:60] for row in rows(HELD_OUT_5B) if whole.search(row["message"])]
