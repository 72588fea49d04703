"""Compare issuer-like URLs exactly, and explain a difference the way a person would."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from driftcheck.urls import DEFAULT_PORTS

DifferenceKind = Literal["equal", "trailing-slash", "case-or-scheme", "other"]


@dataclass(frozen=True)
class IssuerDifference:
    kind: DifferenceKind
    explanation: str
    expected_marked: str
    """The expected value with its differing part in [brackets]."""
    actual_marked: str


def mark_difference(expected: str, actual: str) -> tuple[str, str]:
    """Both strings with the part that differs between them in [brackets]."""
    prefix = 0
    limit = min(len(expected), len(actual))
    while prefix < limit and expected[prefix] == actual[prefix]:
        prefix += 1
    suffix = 0
    while (
        suffix < limit - prefix
        and expected[len(expected) - 1 - suffix] == actual[len(actual) - 1 - suffix]
    ):
        suffix += 1

    def mark(text: str) -> str:
        middle = text[prefix : len(text) - suffix]
        if not middle:
            return text
        return f"{text[:prefix]}[{middle}]{text[len(text) - suffix:]}"

    return mark(expected), mark(actual)


def _host_port(url: str) -> tuple[str, str, int | None]:
    """(host as written, scheme, port or None) of an authority."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    # An IPv6 literal keeps its brackets; anything else loses its ":port".
    host = host[: host.find("]") + 1] if host.startswith("[") else host.split(":")[0]
    try:
        port = parts.port
    except ValueError:
        port = None
    scheme = url.split(":", 1)[0]  # as written: urlsplit lower-cases it
    return host, scheme, port


def _case_scheme_port(expected: str, actual: str) -> list[str] | None:
    """What differs when only scheme, host case or an explicit default port do; else None."""
    e, a = urlsplit(expected), urlsplit(actual)
    if (e.path, e.query, e.fragment) != (a.path, a.query, a.fragment):
        return None
    (e_host, e_scheme, e_port), (a_host, a_scheme, a_port) = _host_port(expected), _host_port(
        actual
    )
    if e_host.lower() != a_host.lower():
        return None
    e_effective = e_port or DEFAULT_PORTS.get(e_scheme.lower())
    a_effective = a_port or DEFAULT_PORTS.get(a_scheme.lower())
    details = []
    if e_scheme.lower() != a_scheme.lower():
        details.append(f"the scheme differs ({e_scheme} vs {a_scheme})")
    elif e_effective != a_effective:
        return None
    elif e_scheme != a_scheme:
        details.append("the scheme's letter case differs")
    if e_host != a_host:
        details.append(f"the host's letter case differs ({e_host} vs {a_host})")
    if (e_port is None) != (a_port is None) and e_scheme.lower() == a_scheme.lower():
        written = e_port or a_port
        details.append(f"the default port :{written} is written out in one of them")
    return details or None


def classify_issuer(expected: str, actual: str) -> IssuerDifference:
    """How `actual` differs from `expected`, for the DC101-DC103 family (and DC309, DC401)."""
    expected_marked, actual_marked = mark_difference(expected, actual)
    if expected == actual:
        return IssuerDifference("equal", "identical", expected, actual)
    if expected.rstrip("/") == actual.rstrip("/"):
        has = "has" if actual.endswith("/") and not expected.endswith("/") else "lacks"
        return IssuerDifference(
            "trailing-slash",
            f"they differ only by a trailing slash: the actual value {has} it",
            expected_marked,
            actual_marked,
        )
    details = _case_scheme_port(expected, actual)
    if details:
        return IssuerDifference(
            "case-or-scheme", "; ".join(details), expected_marked, actual_marked
        )
    entra = entra_version_confusion(expected, actual)
    if entra:
        return IssuerDifference("other", entra, expected_marked, actual_marked)
    e, a = urlsplit(expected), urlsplit(actual)
    if (e.hostname or "").lower() != (a.hostname or "").lower():
        explanation = (
            f"the host differs ({e.hostname} vs {a.hostname}): a custom domain, another "
            "provider, or another environment's IdP"
        )
    elif _host_port(expected)[2] != _host_port(actual)[2]:
        explanation = (
            f"the port differs ({e.port or 'default'} vs {a.port or 'default'}): "
            "another listener, often a proxy or another environment"
        )
    elif e.path.rstrip("/") != a.path.rstrip("/"):
        explanation = (
            f"the path differs ({e.path or '/'} vs {a.path or '/'}): another tenant, realm or "
            "authorization server on the same host"
        )
    else:
        explanation = "the values differ"
    return IssuerDifference("other", explanation, expected_marked, actual_marked)


def normalized_url(url: str) -> str:
    """The URL as a WHATWG URL parser's `href` would write it: scheme and host in lower case,
    a default port dropped, an empty path written as "/". Other parts are kept as written."""
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return url
    host, scheme, port = _host_port(url)
    scheme = scheme.lower()
    netloc = host.lower()
    if port is not None and port != DEFAULT_PORTS.get(scheme):
        netloc = f"{netloc}:{port}"
    path = parts.path or "/"
    query = f"?{parts.query}" if parts.query else ""
    fragment = f"#{parts.fragment}" if parts.fragment else ""
    return f"{scheme}://{netloc}{path}{query}{fragment}"


def issuer_accepted(comparison: str, expected: str, actual: str) -> bool:
    """Whether a validator comparing issuers the `comparison` way accepts `actual`."""
    if expected == actual:
        return True
    if comparison == "strip-trailing-slash":
        return expected.removesuffix("/") == actual.removesuffix("/")
    if comparison == "url-normalized":
        return normalized_url(expected) == normalized_url(actual)
    return False


TENANT_PLACEHOLDER = "{tenantid}"

# Microsoft Entra ID issuers: v1.0 tokens carry https://sts.windows.net/{tid}/, v2.0 tokens
# https://login.microsoftonline.com/{tid}/v2.0 (and the sovereign clouds' equivalents).
_ENTRA_V1 = re.compile(r"^https://sts\.(?:windows\.net|chinacloudapi\.cn)/([^/]+)/$")
_ENTRA_V2 = re.compile(
    r"^https://login\.(?:microsoftonline\.(?:com|us)|partner\.microsoftonline\.cn|"
    r"chinacloudapi\.cn)/([^/]+)/v2\.0$")


# The same shapes on any host (a proxy, a sovereign cloud, a test double): a tenant GUID
# path, with "/v2.0" for v2. Only trusted when both sides name the same tenant GUID.
_GUID = r"([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})"
_SHAPED_V1 = re.compile(rf"^https?://[^/]+/{_GUID}/$")
_SHAPED_V2 = re.compile(rf"^https?://[^/]+/{_GUID}/v2\.0$")


def entra_issuer(issuer: str, *, shaped: bool = False) -> tuple[str, str] | None:
    """("v1" | "v2", tenant) for a Microsoft Entra ID issuer (or template), else None.
    `shaped`: also accept Entra-shaped issuers on other hosts."""
    patterns = [("v1", _ENTRA_V1), ("v2", _ENTRA_V2)]
    if shaped:
        patterns += [("v1", _SHAPED_V1), ("v2", _SHAPED_V2)]
    for version, pattern in patterns:
        match = pattern.match(issuer)
        if match:
            return version, match.group(1)
    return None


def entra_version_confusion(expected: str, actual: str) -> str | None:
    """An explanation when `expected` and `actual` are the v1 and v2 issuers of Entra ID."""
    e, a = entra_issuer(expected), entra_issuer(actual)
    if e is None or a is None:
        e, a = entra_issuer(expected, shaped=True), entra_issuer(actual, shaped=True)
        if e is None or a is None or e[1].lower() != a[1].lower():
            return None
    if e[0] == a[0]:
        return None
    return (f"a {a[0]}.0 Entra ID token where the {e[0]}.0 issuer is expected: the token "
            "version follows the API's app registration (accessTokenAcceptedVersion "
            f"{'2' if a[0] == 'v2' else 'null or 1'}), not the endpoint the client used; set "
            f"accessTokenAcceptedVersion to {'2' if e[0] == 'v2' else '1'} in the API's app "
            f"manifest, or accept the {a[0]}.0 issuer")
