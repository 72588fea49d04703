"""URL facts shared by collection and rules: loopback, host normalization."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from driftcheck.observations import FetchFailure

DEFAULT_PORTS = {"http": 80, "https": 443}


def is_loopback_host(host: str | None) -> bool:
    if not host:
        return False
    host = host.strip("[]").rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_loopback(url: str) -> bool:
    return is_loopback_host(urlsplit(url).hostname)


def origin(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, port) normalized: lower case, no trailing dot, default port filled in."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".").lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    return scheme, host, port if port is not None else DEFAULT_PORTS.get(scheme)


def same_host(a: str, b: str) -> bool:
    return origin(a)[1] == origin(b)[1]


Origin = tuple[str, str, int | None]


def has_userinfo(url: str) -> bool:
    """Whether `url` carries user information (`user:pass@`), or a backslash or `@` in its
    authority that some parsers read as such (`http://localhost\\@127.0.0.1:8080/`)."""
    netloc = urlsplit(url).netloc
    return "@" in netloc or "\\" in netloc


def allowed_origins(entry: str) -> frozenset[Origin]:
    """The origins an `allowed_hosts` entry stands for: `host:port` that port over http and
    https; a bare `host` the default ports (80 for http, 443 for https)."""
    host, _, port = entry.partition(":")
    host = host.rstrip(".").lower()
    if port.isdigit():
        return frozenset({("http", host, int(port)), ("https", host, int(port))})
    return frozenset({("http", host, 80), ("https", host, 443)})


def named_origins(*urls: str | None, allowed: tuple[str, ...] = ()) -> frozenset[Origin]:
    """Origins (scheme, host, port) a configuration names: those of its own URLs, and its
    `allowed_hosts`."""
    found = {origin(u) for u in urls if u and urlsplit(u).hostname}
    for entry in allowed:
        found |= allowed_origins(entry)
    return frozenset(found)


def same_origin_hop(source: str, target: str) -> bool:
    """Whether a redirect from `source` to `target` stays on the same origin, or only
    upgrades the same host from http to https on the default ports."""
    a, b = origin(source), origin(target)
    if a == b:
        return True
    return a == ("http", b[1], 80) and b == ("https", a[1], 443)


def refusal(url: str, allow_insecure_http: bool) -> FetchFailure | None:
    """Why driftcheck will not fetch `url` for an environment, or None when it will.

    Pure, so that collection (which skips the fetch) and rules (which report it per
    environment, even when another environment allowed the same URL) agree.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return FetchFailure("invalid-url", "expected an absolute http(s) URL")
    if has_userinfo(url):
        return FetchFailure("invalid-url", "URLs with user information (user:password@) are "
                            "never fetched: credentials do not belong in URLs")
    if parts.scheme == "http" and not allow_insecure_http and not is_loopback_host(parts.hostname):
        return FetchFailure(
            "insecure-url",
            "plain http outside loopback is not fetched (set allow_insecure_http = true "
            "for this environment to allow it)",
        )
    return None


def off_origin(url: str, origins: frozenset[Origin]) -> FetchFailure | None:
    """Why a URL that a fetched document (not the configuration) points at is not followed:
    its origin (scheme, host and port) must be one the configuration names."""
    if has_userinfo(url):
        return FetchFailure("off-host-url", "the discovery document points at a URL with user "
                            "information (user:password@): not followed")
    scheme, host, port = origin(url)
    if (scheme, host, port) in origins:
        return None
    where = f"{host}:{port}" if port is not None else host
    return FetchFailure(
        "off-host-url",
        f"the discovery document points at an origin ({scheme}://{where}) that the "
        "configuration does not name: not fetched (list the host, with its port if it is not "
        "the default, in allowed_hosts to allow it)",
    )


def normalized_url(url: str) -> tuple[str, str, int | None, str]:
    """(scheme, host, port, path) with case, trailing dots, default ports and a trailing '/'
    folded, for deciding whether a URL lies under another one."""
    url = url.strip()
    return (*origin(url), urlsplit(url).path.rstrip("/"))


def host_of(url: str) -> str:
    """`host:port`, normalized: the identity of a server, whatever the path."""
    _, host, port, _ = normalized_url(url)
    return f"{host}:{port}" if port else host


def url_under(url: str, base: str) -> bool:
    """Whether `url` is `base` or lies below it (on a path-segment boundary)."""
    u, b = normalized_url(url), normalized_url(base)
    if u[:3] != b[:3]:
        return False
    return u[3] == b[3] or u[3].startswith(b[3] + "/") or not b[3]
