"""The held-out split 5a of the diagnose corpus: its shape only, never its accuracy.

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

HELD_OUT_5A = CORPUS / "dev-5a.jsonl"
EARLIER = (
    CORPUS / "messages.jsonl",
    CORPUS / "dev-3.jsonl",
    CORPUS / "dev-4.jsonl",  # the fourth split, dev since the fifth session
)

# Other names the split's libraries go by (packages, repositories, modules, former names):
# none of them may be a library of an earlier split either.
ALIASES = {
    "python_jwt": ("python-jwt (davedoesdev)", "davedoesdev/python-jwt", "jwt_python"),
    "jwskate": ("guillp/jwskate",),
    "cryptojwt": ("JWTConnect-Python-CryptoJWT", "idpy cryptojwt"),
    "pyoidc (oic)": ("oic", "CZ-NIC/pyoidc"),
    "python-keycloak": ("marcospereirampj/python-keycloak", "python_keycloak"),
    "django-ninja-jwt": ("ninja_jwt", "ninja-jwt"),
    "fastapi-cloudauth": ("fastapi_cloudauth",),
    "jsrsasign": ("KJUR jsrsasign", "kjur/jsrsasign"),
    "node-jose": ("cisco/node-jose", "node_jose"),
    "jws (node-jws)": ("node-jws", "auth0/node-jws"),
    "@nestjs/jwt": ("nestjs-jwt", "nestjs/jwt"),
    "express-openid-connect": ("auth0/express-openid-connect",),
    "oidc-provider": ("node-oidc-provider", "panva/node-oidc-provider"),
    "azure-ad-verify-token": ("justinlettau/azure-ad-verify-token",),
    "cognito-express": ("ghdna/cognito-express",),
    "@clerk/backend": ("clerk-backend", "clerk/javascript"),
    "auth0/go-jwt-middleware": ("go-jwt-middleware", "jwtmiddleware"),
    "MicahParks/keyfunc": ("keyfunc", "MicahParks/jwkset"),
    "zitadel/oidc": ("zitadel-oidc", "zitadel/oidc/v3"),
    "cristalhq/jwt": ("cristalhq-jwt",),
    "pascaldekloe/jwt": ("pascaldekloe-jwt",),
    "Kubernetes apiserver OIDC authenticator": (
        "k8s.io/apiserver oidc",
        "kube-apiserver OIDC",
    ),
    "KrakenD (krakend-jose)": ("krakend-jose", "krakend/go-auth0"),
    "jwt (Rust crate)": ("rust-jwt", "mikkyang/rust-jwt"),
    "biscuit": ("lawliet89/biscuit",),
    "frank_jwt": ("frank-jwt", "GildedHonour/frank_jwt"),
    "alcoholic_jwt": ("alcoholic-jwt", "tazjin/alcoholic_jwt"),
    "hs-jose (Haskell jose)": ("frasertweedale/hs-jose", "haskell-jose"),
    "Hasura GraphQL Engine (JWT mode)": ("graphql-engine", "Hasura"),
    "libjwt": ("benmcollins/libjwt",),
    "cpp-jwt": ("arun11299/cpp-jwt",),
    "Crypt::JWT": ("Crypt-JWT", "perl-Crypt-JWT"),
    "Mojo::JWT": ("Mojo-JWT",),
    "RabbitMQ OAuth 2 plugin (rabbitmq_auth_backend_oauth2)": (
        "rabbitmq_auth_backend_oauth2",
        "RabbitMQ OAuth2",
    ),
}


def test_every_line_is_a_complete_held_out_message():
    assert_complete_lines(HELD_OUT_5A, "dev")


def test_split_is_large_and_varied():
    assert_large_and_varied(HELD_OUT_5A, lines=250, libraries=20, languages=6)


def test_no_library_of_an_earlier_split_reappears():
    assert_new_libraries(HELD_OUT_5A, EARLIER, ALIASES)


def test_every_library_has_its_aliases_listed():
    assert {row["library"] for row in rows(HELD_OUT_5A)} == set(ALIASES)


def test_each_library_keeps_one_version_language_and_source():
    assert_one_version_per_library(HELD_OUT_5A)
