"""Issuer differences, classified the way DC101-DC103 (and later DC309, DC401) report them."""

from __future__ import annotations

import pytest

from driftcheck.compare import classify_issuer, mark_difference


@pytest.mark.parametrize(
    ("expected", "actual", "kind", "fragment"),
    [
        ("https://idp/t/s", "https://idp/t/s", "equal", "identical"),
        ("https://idp/t/s", "https://idp/t/s/", "trailing-slash", "actual value has it"),
        ("https://idp/t/s/", "https://idp/t/s", "trailing-slash", "actual value lacks it"),
        ("https://idp/t", "http://idp/t", "case-or-scheme", "scheme differs (https vs http)"),
        ("https://idp/t", "HTTPS://idp/t", "case-or-scheme", "scheme's letter case differs"),
        ("https://Login.Example.com/t", "https://login.example.com/t", "case-or-scheme",
         "host's letter case differs"),
        ("https://idp:443/t", "https://idp/t", "case-or-scheme", "default port :443"),
        ("https://idp/tenants/staging", "https://idp/tenants/prod", "other", "the path differs"),
        ("https://idp.example.com/t", "https://auth.example.com/t", "other", "the host differs"),
        ("https://idp:8443/t", "https://idp/t", "other", "the port differs"),
        ("https://idp/T", "https://idp/t", "other", "the path differs"),
    ],
)
def test_classification(expected, actual, kind, fragment):
    difference = classify_issuer(expected, actual)
    assert difference.kind == kind
    assert fragment in difference.explanation


def test_marking_shows_only_the_differing_part():
    assert mark_difference("https://idp/t/staging", "https://idp/t/prod") == (
        "https://idp/t/[staging]", "https://idp/t/[prod]")
    assert mark_difference("https://idp/t", "https://idp/t/") == ("https://idp/t", "https://idp/t[/]")
