"""All network I/O of a run: fetch each distinct URL once, concurrently, into Observations."""

from driftcheck.collect.http import FetchPolicy, JsonFetcher
from driftcheck.collect.live import collect_live

__all__ = ["FetchPolicy", "JsonFetcher", "collect_live"]
