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


def refusal(url: str, allow_insecure_http: bool) -> FetchFailure | None:
    """Why driftcheck will not fetch `url` for an environment, or None when it will.

    Pure, so that collection (which skips the fetch) and rules (which report it per
    environment, even when another environment allowed the same URL) agree.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return FetchFailure("invalid-url", "expected an absolute http(s) URL")
    if parts.scheme == "http" and not allow_insecure_http and not is_loopback_host(parts.hostname):
        return FetchFailure(
            "insecure-url",
            "plain http outside loopback is not fetched (set allow_insecure_http = true "
            "for this environment to allow it)",
        )
    return None


def named_hosts(*urls: str | None, allowed: tuple[str, ...] = ()) -> frozenset[str]:
    """Hosts a configuration names: those of its own URLs, and its `allowed_hosts`."""
    hosts = {(urlsplit(u).hostname or "").rstrip(".").lower() for u in urls if u}
    return frozenset(hosts | {h.split(":")[0].lower() for h in allowed}) - {""}


def off_host(url: str, hosts: frozenset[str]) -> FetchFailure | None:
    """Why a URL that a fetched document (not the configuration) points at is not followed."""
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    if host in hosts:
        return None
    return FetchFailure(
        "off-host-url",
        f"the discovery document points at another host ({host}), which the configuration "
        "does not name: not fetched (list it in allowed_hosts to allow it)",
    )
