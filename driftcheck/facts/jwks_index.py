"""Parsed key sets by URL, for this run's observations and the previous snapshot's."""

from __future__ import annotations

from dataclasses import dataclass, field

from driftcheck.jwks import JwksFacts, jwks_facts
from driftcheck.observations import Observations


@dataclass(frozen=True)
class JwksIndex:
    """Each fetched key set parsed at most once per evaluation. Parsing is lazy because
    thumbprints cost a little and many runs never look at the previous snapshot's keys."""

    observations: Observations | None
    previous: Observations | None = None
    _parsed: dict[tuple[bool, str], JwksFacts] = field(default_factory=dict, compare=False,
                                                         repr=False)

    def get(self, url: str | None, *, previous: bool = False) -> JwksFacts | None:
        """The parsed key set fetched from `url` (in the previous snapshot when `previous`),
        or None when it was not fetched or not fetched successfully."""
        observations = self.previous if previous else self.observations
        if url is None or observations is None:
            return None
        response = observations.response(url)
        if response is None or not response.ok:
            return None
        key = (previous, url)
        if key not in self._parsed:
            self._parsed[key] = jwks_facts(response.body)
        return self._parsed[key]
