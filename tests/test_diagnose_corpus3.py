"""The third split of the diagnose corpus (dev-3.jsonl): its shape.

Written by someone who did not tune the reader as a held-out split, measured once and then
moved into dev; its accuracy is checked with the rest of dev in test_diagnose_layers.py."""

from __future__ import annotations

from tests.corpus_shape import (
    CORPUS,
    assert_complete_lines,
    assert_large_and_varied,
    assert_new_libraries,
    assert_one_version_per_library,
)

DEV_3 = CORPUS / "dev-3.jsonl"

# Other names the split's libraries go by (packages, forks, repositories): none of them may
# be a library of messages.jsonl either.
ALIASES = {
    "drf-jwt": ("djangorestframework-jwt", "django-rest-framework-jwt"),
    "@fastify/jwt": ("fastify-jwt",),
    "@hapi/jwt": ("hapi-jwt",),
    "JWT.NET (jwt-dotnet/jwt)": ("jwt-dotnet", "JWT"),
    "openidconnect (Rust)": ("openidconnect-rs",),
    "msal (Python)": ("microsoft-authentication-library-for-python",),
    "Ktor auth-jwt": ("ktor-server-auth-jwt",),
    "lexik/jwt-authentication-bundle": ("LexikJWTAuthenticationBundle",),
    "tymon/jwt-auth": ("jwt-auth",),
    "appleboy/gin-jwt": ("gin-jwt",),
    "labstack/echo-jwt": ("echo-jwt",),
    "go-chi/jwtauth": ("jwtauth",),
}


def test_every_line_is_a_complete_dev_message():
    assert_complete_lines(DEV_3, "dev")


def test_split_is_large_and_varied():
    assert_large_and_varied(DEV_3, lines=200, libraries=20, languages=8)


def test_no_library_of_the_main_corpus_reappears():
    assert_new_libraries(DEV_3, (CORPUS / "messages.jsonl",), ALIASES)


def test_each_library_keeps_one_version_language_and_source():
    assert_one_version_per_library(DEV_3)
