"""Facts read from recorded HTTP response headers: cache lifetime, the server's clock."""

from __future__ import annotations

import re
import statistics
from collections.abc import Mapping
from email.utils import parsedate_to_datetime

from driftcheck.observations import HttpObservation, Observations

_DIRECTIVE = re.compile(r"(?:^|,)\s*([a-zA-Z-]+)\s*(?:=\s*\"?(\d+)\"?)?")


def cache_lifetime(headers: Mapping[str, str]) -> tuple[float, str] | None:
    """How long a cache may keep the response (seconds) and the header that says so.

    `s-maxage` counts when it is longer than `max-age`: a shared cache (CDN, gateway) in
    front of validators may hold the document that long. `no-store`/`no-cache` mean 0.
    """
    value = headers.get("cache-control")
    if not value:
        return None
    directives = {name.lower(): seconds for name, seconds in _DIRECTIVE.findall(value)}
    if "no-store" in directives or "no-cache" in directives:
        return 0.0, f"Cache-Control: {value}"
    ages = [int(directives[d]) for d in ("max-age", "s-maxage") if directives.get(d)]
    if not ages:
        return None
    return float(max(ages)), f"Cache-Control: {value}"


def clock_offset(response: HttpObservation) -> float | None:
    """The server's clock minus ours (seconds) from `Date` (+ `Age` for cached copies).

    `Date` has one-second resolution, so the result is uncertain by about a second.
    """
    date = response.headers.get("date")
    if not date:
        return None
    try:
        server_time = parsedate_to_datetime(date).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    age = response.headers.get("age", "")
    if age.isdigit():
        server_time += int(age)
    return server_time - response.received_at


def environment_clock_offset(observations: Observations, environment: str) -> float | None:
    """The median clock offset of the IdP over the environment's responses, or None."""
    seen = observations.environments.get(environment)
    if seen is None:
        return None
    offsets = [offset for url in seen.urls()
               if (response := observations.response(url)) is not None
               and (offset := clock_offset(response)) is not None]
    return statistics.median(offsets) if offsets else None
