"""The held-out split 7a of the diagnose corpus: its shape only, never its accuracy.

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

HELD_OUT_7A = CORPUS / "dev-7a.jsonl"
# Every other corpus file, whatever its name (files are renamed when a split joins dev).
EARLIER = tuple(p for p in sorted(CORPUS.glob("*.jsonl")) if p.name != "dev-7a.jsonl")

# Other names the split's libraries go by (packages, repositories, former names): none of
# them may be a library of another corpus file either.
ALIASES = {
    "authx": ("yezz123/authx",),
    "fastapi-users": ("fastapi_users", "fastapi-users/fastapi-users"),
    "Apache Airflow (API server JWT auth)": (
        "Apache Airflow", "apache-airflow", "apache-airflow-core"),
    "Apache Superset (embedded guest token)": ("Apache Superset", "apache-superset", "superset"),
    "authentik (OAuth2 provider, JWT client credentials)": ("authentik", "goauthentik/authentik"),
    "@azure/msal-node": ("msal-node", "@azure/msal-common", "msal-common", "msal.js"),
    "@supabase/auth-js": ("supabase/auth-js", "@supabase/gotrue-js", "gotrue-js", "supabase-js"),
    "Strapi users-permissions (@strapi/plugin-users-permissions)": (
        "Strapi", "@strapi/plugin-users-permissions", "strapi-plugin-users-permissions"),
    "Directus (@directus/api)": ("Directus", "@directus/api", "@directus/errors"),
    "Parse Server (third-party auth adapters)": ("Parse Server", "parse-server",
                                                 "parse-community/parse-server"),
    "Backstage backend auth (@backstage/backend-defaults)": (
        "Backstage", "@backstage/backend-defaults", "@backstage/plugin-auth-node"),
    "Ghost (Admin API key JWT)": ("Ghost", "TryGhost/Ghost", "@tryghost/admin-api"),
    "NATS server (decentralized JWT auth)": ("NATS server", "nats-server", "nats-io/jwt"),
    "SPIRE (JWT-SVID validation)": ("SPIRE", "spiffe/spire", "go-spiffe"),
    "Sigstore Fulcio": ("Fulcio", "sigstore/fulcio"),
    "Temporal server (default JWT claim mapper)": (
        "Temporal", "temporalio/temporal", "temporal-server"),
    "HashiCorp Consul (JWT/OIDC auth method, go-sso)": ("Consul", "hashicorp/consul", "go-sso"),
    "Teleport (JWT and GitHub Actions join token validation)": (
        "Teleport", "gravitational/teleport"),
    "Vaultwarden": ("bitwarden_rs", "dani-garcia/vaultwarden"),
}


def test_every_line_is_a_complete_held_out_message():
    assert_complete_lines(HELD_OUT_7A, "dev")


def test_split_is_large_and_varied():
    # (19 libraries, 5 languages: the author's Solr lines, its only Java, were dropped at the
    # merge, Solr being on the other author's list)
    assert_large_and_varied(HELD_OUT_7A, lines=250, libraries=19, languages=5)


def test_no_library_of_another_corpus_file_reappears():
    assert EARLIER
    assert_new_libraries(HELD_OUT_7A, EARLIER, ALIASES)


def test_every_library_has_its_aliases_listed():
    assert {row["library"] for row in rows(HELD_OUT_7A)} == set(ALIASES)


def test_each_library_keeps_one_version_language_and_source():
    assert_one_version_per_library(HELD_OUT_7A)
