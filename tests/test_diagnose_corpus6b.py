"""The held-out split 6b of the diagnose corpus: its shape only, never its accuracy.

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

HELD_OUT_6B = CORPUS / "dev-6b.jsonl"
# Every other corpus file, whatever its name (files are renamed when a split joins dev).
EARLIER = tuple(p for p in sorted(CORPUS.glob("*.jsonl")) if p.name != "dev-6b.jsonl")

# Other names the split's libraries go by (packages, repositories, former names): none of
# them may be a library of an earlier split either.
ALIASES = {
    "social-core": ("social-auth-core", "python-social-auth", "social_core"),
    "django-allauth": ("allauth",),
    "oauthlib": ("python-oauthlib",),
    "pyramid_jwt": ("pyramid-jwt", "wichert/pyramid_jwt"),
    "@auth0/auth0-spa-js": ("auth0-spa-js",),
    "passport-openidconnect": ("passport-openid-connect", "jaredhanson/passport-openidconnect"),
    "express-jwt-authz": ("auth0/express-jwt-authz",),
    "supertokens-node": ("SuperTokens", "supertokens"),
    "@logto/js": ("logto", "@logto/node", "@logto/client"),
    "jsontokens": ("jsontokens-js", "stacks-network/jsontokens-js"),
    "okta-jwt-verifier-java": (
        "com.okta.jwt:okta-jwt-verifier-impl", "okta/okta-jwt-verifier-java"),
    "dropwizard-auth-jwt": (
        "com.github.toastshaman:dropwizard-auth-jwt", "ToastShaman/dropwizard-auth-jwt"),
    "Apache Knox JWT federation (JWTProvider / SSOCookieProvider)": ("Apache Knox", "knox"),
    "Trino (JWT authenticator)": ("Trino", "trinodb", "PrestoSQL"),
    "WSO2 API Manager (gateway API authentication)": ("WSO2 API-M", "carbon-apimgt", "WSO2"),
    "Jenkins oic-auth plugin": ("oic-auth", "oic-auth-plugin", "jenkinsci/oic-auth-plugin"),
    "Ocelot": ("ThreeMammals/Ocelot",),
    "tuupola/slim-jwt-auth": ("slim-jwt-auth",),
    "JWT Authentication for WP REST API (jwt-authentication-for-wp-rest-api)": (
        "wp-api-jwt-auth",
        "jwt-authentication-for-wp-rest-api",
    ),
    "Nextcloud user_oidc": ("user_oidc", "nextcloud/user_oidc"),
    "rack-jwt": ("eparreno/rack-jwt",),
    "rack-oauth2": ("nov/rack-oauth2",),
    "auth0 (Ruby SDK)": ("ruby-auth0", "auth0/ruby-auth0"),
}


def test_every_line_is_a_complete_held_out_message():
    assert_complete_lines(HELD_OUT_6B, "dev")


def test_split_is_large_and_varied():
    assert_large_and_varied(HELD_OUT_6B, lines=250, libraries=20, languages=6)


def test_earlier_files_are_every_other_corpus_file():
    assert EARLIER
    assert HELD_OUT_6B not in EARLIER


def test_no_library_of_an_earlier_split_reappears():
    assert_new_libraries(HELD_OUT_6B, EARLIER, ALIASES)


def test_every_library_has_its_aliases_listed():
    assert {row["library"] for row in rows(HELD_OUT_6B)} == set(ALIASES)


def test_each_library_keeps_one_version_language_and_source():
    assert_one_version_per_library(HELD_OUT_6B)
