"""The held-out split 6a of the diagnose corpus: its shape only, never its accuracy.

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

HELD_OUT_6A = CORPUS / "dev-6a.jsonl"
# Every other corpus file, whatever its name (files are renamed when a split joins dev).
EARLIER = tuple(p for p in sorted(CORPUS.glob("*.jsonl")) if p.name != "dev-6a.jsonl")

# Other names the split's libraries go by (packages, repositories, forks, former names): none
# of them may be a library of an earlier split either.
ALIASES = {
    "mod_auth_openidc": ("mod-auth-openidc", "OpenIDC/mod_auth_openidc",
                         "libapache2-mod-auth-openidc"),
    "cjose": ("cisco/cjose", "OpenIDC/cjose", "libcjose"),
    "HAProxy (jwt_verify converter)": ("haproxy jwt_verify", "haproxy/haproxy"),
    "AppAuth-iOS": ("openid/AppAuth-iOS", "AppAuth iOS"),
    "Auth0.swift": ("auth0/Auth0.swift", "Auth0Swift"),
    "AppAuth-Android": ("openid/AppAuth-Android", "net.openid:appauth"),
    "Auth0.Android": ("auth0/Auth0.Android", "com.auth0.android:auth0"),
    "Assent": ("pow-auth/assent",),
    "Boruta": ("boruta_auth", "malach-it/boruta_auth"),
    "oidcc": ("erlef/oidcc", "Oidcc (Elixir)"),
    "aliri (aliri_tower)": ("aliri_tower", "aliri_axum", "neoeinstein/aliri"),
    "aliri_oauth2": ("aliri-oauth2",),
    "axum-jwks": ("axum_jwks", "cdriehuys/axum-jwks"),
    "Authelia": ("authelia/authelia",),
    "dex": ("dexidp/dex", "Dex IdP"),
    "Argo CD": ("argocd", "argoproj/argo-cd"),
    "Casdoor": ("casdoor/casdoor",),
    "Gitea (OAuth2 provider)": ("go-gitea/gitea", "Forgejo"),
    "go-pkgz/auth": ("github.com/go-pkgz/auth",),
    "greenpau/caddy-security": ("caddy-security", "go-authcrunch", "greenpau/go-authcrunch",
                                "caddy-auth-portal", "caddy-auth-jwt"),
}


def test_every_line_is_a_complete_held_out_message():
    assert_complete_lines(HELD_OUT_6A, "dev")


def test_split_is_large_and_varied():
    assert_large_and_varied(HELD_OUT_6A, lines=250, libraries=20, languages=6)


def test_the_split_is_compared_with_every_other_corpus_file():
    assert EARLIER
    assert HELD_OUT_6A not in EARLIER


def test_no_library_of_an_earlier_split_reappears():
    assert_new_libraries(HELD_OUT_6A, EARLIER, ALIASES)


def test_every_library_has_its_aliases_listed():
    assert {row["library"] for row in rows(HELD_OUT_6A)} == set(ALIASES)


def test_each_library_keeps_one_version_language_and_source():
    assert_one_version_per_library(HELD_OUT_6A)
