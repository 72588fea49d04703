"""The held-out split 8b of the diagnose corpus: its shape only, never its accuracy.

The split was written from the libraries' own sources by someone who neither tuned nor
read the reader, and is measured separately, so this test must not run `diagnose` on it."""

from __future__ import annotations

from tests.corpus_shape import (
    CORPUS,
    assert_complete_lines,
    assert_large_and_varied,
    assert_new_libraries,
    assert_one_version_per_library,
    rows,
)

HELD_OUT_8B = CORPUS / "held-out-8b.jsonl"
# Every other corpus file, whatever its name (splits get renamed when they join dev).
EARLIER = tuple(p for p in sorted(CORPUS.glob("*.jsonl")) if p.name != "held-out-8b.jsonl")

# Other names the split's libraries go by (packages, repositories, modules, former names):
# none of them may be a library of another corpus file either.
ALIASES = {
    "aiohttp-jwt": ("aiohttp_jwt", "hzlmn/aiohttp-jwt"),
    "connexion": ("spec-first/connexion", "zalando/connexion"),
    "Saleor (JWT auth)": ("saleor", "saleor/saleor"),
    "Home Assistant (auth token checks)": ("homeassistant", "home-assistant/core"),
    "Redash (JWT / IAP auth)": ("redash", "getredash/redash"),
    "@okta/okta-auth-js": ("okta-auth-js", "Okta Auth JavaScript SDK"),
    "keycloak-js": ("keycloak/keycloak-js", "Keycloak JavaScript adapter"),
    "@auth0/nextjs-auth0": ("nextjs-auth0", "auth0/nextjs-auth0"),
    "@graphql-yoga/plugin-jwt": ("graphql-yoga plugin-jwt", "graphql-yoga-plugin-jwt"),
    "RedwoodJS auth decoders": ("@redwoodjs/api", "@redwoodjs/auth-auth0-api", "redwood"),
    "Medusa (JWT auth middleware)": ("@medusajs/framework", "medusajs/medusa"),
    "Payara MicroProfile JWT": ("Payara", "payara/Payara", "payara-microprofile-jwt-auth"),
    "Apache TomEE MP-JWT": ("TomEE", "apache/tomee", "tomee mp-jwt"),
    "Eclipse Jetty OpenID (OpenIdCredentials)": ("Jetty", "jetty-openid", "jetty/jetty.project"),
    "Apache Hadoop JWTRedirectAuthenticationHandler": ("hadoop-auth", "apache/hadoop"),
    "Eclipse Soteria (Jakarta Security OpenID Connect)": (
        "Soteria", "eclipse-ee4j/soteria", "Jakarta Security"),
    "miladrahimi/php-jwt": ("php-jwt (miladrahimi)", "MiladRahimi\\Jwt"),
    "emarref/jwt": ("Emarref\\Jwt", "emarref-jwt"),
    "CodeIgniter Shield (JWT authenticator)": ("codeigniter4/shield", "Shield"),
    "MSAL.NET (Microsoft.Identity.Client)": (
        "Microsoft.Identity.Client", "microsoft-authentication-library-for-dotnet"),
    "@envelop/auth0": ("envelop-auth0", "envelop useAuth0"),
    "grape_jwt_authentication": ("grape-jwt-authentication", "hausgold/grape-jwt-authentication"),
}


def test_every_line_is_a_complete_held_out_message():
    assert_complete_lines(HELD_OUT_8B, "held-out")


def test_split_is_large_and_varied():
    assert_large_and_varied(HELD_OUT_8B, lines=250, libraries=20, languages=6)


def test_no_library_of_another_corpus_file_reappears():
    assert_new_libraries(HELD_OUT_8B, EARLIER, ALIASES)


def test_every_library_has_its_aliases_listed():
    assert {row["library"] for row in rows(HELD_OUT_8B)} == set(ALIASES)


def test_each_library_keeps_one_version_language_and_source():
    assert_one_version_per_library(HELD_OUT_8B)
