"""The facts stage: everything derived once per evaluation, between observations and rules.

load -> collect -> **facts** -> rules -> policy -> result -> report. `build_facts` turns the
declared environments, the observations (live or replayed), the previous snapshot and the
deployed readings into typed facts: what discovery says, the parsed key sets, each IdP's
clock offset, every API's and gateway's effective validator, every token with its target API
and time claims, the cross-environment indexes, and the judged live probes. Rules read facts
and never derive them again; nothing here does I/O or imports the collector.

The one exception, by necessity: signature verification and the mangled-HMAC-secret search
need the raw token, which never enters observations or snapshots. They run at the moment of
receipt in `driftcheck.tokens.received` and are recorded as facts about the received token
(`TokenObservation.verified_by`, `checked_keys`, `hmac`).
"""

from driftcheck.facts.build import Facts, build_facts
from driftcheck.facts.discovery import DiscoveryFacts
from driftcheck.facts.indexes import KeyOwner
from driftcheck.facts.tokens import TokenFacts

__all__ = ["DiscoveryFacts", "Facts", "KeyOwner", "TokenFacts", "build_facts"]
