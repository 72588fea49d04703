"""The held-out split 7b of the diagnose corpus: its shape only, never its accuracy.

The split was written by someone who neither tuned nor read the reader and is measured
separately by the lead, so this test must not run `diagnose` on it."""

from __future__ import annotations

from tests.corpus_shape import (
    CORPUS,
    assert_complete_lines,
    assert_large_and_varied,
    assert_new_libraries,
    assert_one_version_per_library,
    rows,
)

HELD_OUT_7B = CORPUS / "dev-7b.jsonl"
# Every other corpus file, whatever its name (files are renamed when a split joins dev).
EARLIER = tuple(p for p in sorted(CORPUS.glob("*.jsonl")) if p.name != "dev-7b.jsonl")

# Other names the split's libraries go by (packages, repositories, products, former names):
# none of them may be a library of another corpus file either.
ALIASES = {
    "crystal-community/jwt": ("crystal jwt", "jwt.cr"),
    "JWTs.jl": ("JWTs", "JuliaWeb/JWTs.jl"),
    "corsac_jwt": ("corsac-dart/jwt", "corsac-jwt"),
    # The Dart package is published as `openid_client`; that bare name normalises to the
    # JavaScript `openid-client` (panva) of an earlier split, a different library, so the
    # split names it by its repository and does not list the bare package name here.
    "appsup-dart/openid_client": ("openid_client for Dart", "appsup-dart openid client"),
    "sizeg/yii2-jwt": ("yii2-jwt", "sizeg-yii2-jwt"),
    "cakephp/authentication (JwtAuthenticator)": (
        "CakePHP Authentication", "cakephp-authentication"),
    "rodauth (jwt / jwt_refresh features)": ("rodauth", "jeremyevans/rodauth"),
    "discourse-openid-connect": ("discourse/discourse-openid-connect", "Discourse OpenID Connect"),
    "play-silhouette (JWTAuthenticator)": (
        "play-silhouette", "silhouette", "mohiva/play-silhouette"),
    "Spring Authorization Server": (
        "spring-authorization-server", "spring-security-oauth2-authorization-server",
    ),
    "OpenSearch security plugin (JWT / OIDC authenticators)": (
        "opensearch-security", "opensearch-project/security", "Open Distro security",
    ),
    "Apache Solr JWTAuthPlugin": ("solr-jwt-auth", "Solr JWT authentication plugin"),
    "Apache NiFi (JWT bearer authentication)": ("NiFi", "nifi-web-security"),
    "atlassian-connect-spring-boot": ("atlassian-jwt", "Atlassian Connect"),
    "http4k (security-oauth)": ("http4k", "http4k-security-oauth"),
    "Magento 2 JwtUserToken / JwtFrameworkAdapter": (
        "Magento 2", "Magento JwtUserToken", "Adobe Commerce",
    ),
    "Drupal jwt module": ("drupal/jwt", "Drupal JWT"),
    "GitLab (API guard / JwtAuthenticatable)": ("GitLab", "gitlabhq"),
    "flask-praetorian": ("flask_praetorian", "praetorian"),
    "django-graphql-jwt": ("graphql_jwt", "graphql-jwt"),
}


def test_every_line_is_a_complete_held_out_message():
    assert_complete_lines(HELD_OUT_7B, "dev")


def test_split_is_large_and_varied():
    assert_large_and_varied(HELD_OUT_7B, lines=250, libraries=20, languages=6)


def test_no_library_of_an_earlier_split_reappears():
    assert EARLIER, "no other corpus file found"
    assert_new_libraries(HELD_OUT_7B, EARLIER, ALIASES)


def test_every_library_has_its_aliases_listed():
    assert {row["library"] for row in rows(HELD_OUT_7B)} == set(ALIASES)


def test_each_library_keeps_one_version_language_and_source():
    assert_one_version_per_library(HELD_OUT_7B)


def test_no_whole_jwt_is_quoted():
    import re

    whole = re.compile(r"eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{8,}")
    for number, row in enumerate(rows(HELD_OUT_7B), 1):
        assert not whole.search(row["message"]), number
