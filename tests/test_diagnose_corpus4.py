"""The fourth held-out split of the diagnose corpus: its shape only, never its accuracy.

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

HELD_OUT_4 = CORPUS / "dev-4.jsonl"  # measured once as held-out, now dev
EARLIER = (CORPUS / "messages.jsonl", CORPUS / "dev-3.jsonl")  # the third split, now dev

# Other names the split's libraries go by (packages, repositories, former names): none of
# them may be a library of an earlier split either.
ALIASES = {
    "keycloak-connect": ("keycloak-nodejs-connect",),
    "@cfworker/jwt": ("cfworker-jwt",),
    "@tsndr/cloudflare-worker-jwt": ("cloudflare-worker-jwt",),
    "@feathersjs/authentication": ("feathers-authentication",),
    "@loopback/authentication-jwt": ("loopback-authentication-jwt",),
    "next-auth": ("Auth.js", "@auth/core"),
    "Flask-JWT": ("flask_jwt",),
    "litestar": ("starlite",),
    "fastapi-jwt-auth": ("fastapi_jwt_auth",),
    "django-oauth-toolkit": ("oauth2_provider",),
    "Apache APISIX jwt-auth plugin": ("APISIX", "apisix jwt-auth"),
    "league/oauth2-server": ("oauth2-server",),
    "jwt-authorizer": ("cduvray/jwt-authorizer",),
    "Micronaut Security (security-jwt)": ("micronaut-security-jwt",),
    "Doorkeeper": ("doorkeeper-gem",),
    "IdentityModel.AspNetCore.OAuth2Introspection": (
        "Duende.AspNetCore.Authentication.OAuth2Introspection",
    ),
    "pomerium/sdk-go": ("Pomerium",),
    "Quarkus OIDC": ("quarkus-oidc",),
    "Laravel Passport": ("laravel/passport",),
    "Grafana JWT authentication": ("Grafana",),
    "ory/fosite": ("fosite",),
}


def test_every_line_is_a_complete_held_out_message():
    assert_complete_lines(HELD_OUT_4, "dev")


def test_split_is_large_and_varied():
    assert_large_and_varied(HELD_OUT_4, lines=150, libraries=18, languages=7)


def test_no_library_of_an_earlier_split_reappears():
    assert_new_libraries(HELD_OUT_4, EARLIER, ALIASES)


def test_every_library_has_its_aliases_listed():
    assert {row["library"] for row in rows(HELD_OUT_4)} == set(ALIASES)

def test_each_library_keeps_one_version_language_and_source():
    assert_one_version_per_library(HELD_OUT_4)
