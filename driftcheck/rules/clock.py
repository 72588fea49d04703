"""The IdP's clock, read from its HTTP `Date` headers, against this machine's."""

from __future__ import annotations

from collections.abc import Iterator

from driftcheck.durations import format_seconds
from driftcheck.findings import Finding, Severity, Step
from driftcheck.http_facts import environment_clock_offset
from driftcheck.rules.registry import Rule, RuleContext, rule

DEFAULT_SKEW_THRESHOLD = 60.0
"""Used when no API or gateway of the environment declares `clock_skew`."""
DATE_RESOLUTION = 1.0
"""`Date` has one-second resolution: offsets within this are noise."""


@rule(
    "DC701", "clock-skew-detected", Severity.HIGH, Step.CLOCK,
    summary="The IdP's clock differs from the local clock by more than the environment's "
    "smallest clock_skew.",
    causes=(
        "NTP not running or blocked on the IdP host, a VM or a container host",
        "a VM resumed from suspend",
        "the machine running driftcheck has a wrong clock (check it too)",
    ),
    fix="Synchronise the clocks (NTP/chrony) of the IdP, the APIs and gateways; raise "
    "`clock_skew` only as a stopgap.",
)
def clock_skew_detected(self: Rule, context: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Estimates the IdP's clock offset from the `Date` (plus `Age`) headers of the responses
    collected for the environment, relative to when each response arrived, and compares it
    with the smallest `clock_skew` of the environment's APIs and gateways (60 s when none is
    declared). It says which side is ahead.

    ## Why is this bad?
    Tokens carry the IdP's time. If the IdP runs ahead by more than a validator's skew, fresh
    tokens are "not yet valid" (`nbf`/`iat` in the future); if it runs behind, tokens look
    expired early. The error reads "token expired" while the cause is a clock.

    ## Example
    The IdP's `Date` is 150 s ahead and `apis.orders.clock_skew = "60s"`: DC701.
    """
    observations = context.observations
    assert observations is not None
    for environment in context.environments:
        offset = environment_clock_offset(observations, environment.name)
        if offset is None:
            continue
        skews = [(f"{family}.{name}", v.clock_skew)
                 for family, group in (("apis", environment.apis),
                                       ("gateways", environment.gateways))
                 for name, v in group.items() if v.clock_skew is not None]
        if skews:
            source, threshold = min(skews, key=lambda item: item[1])
            source = f"clock_skew of {source}"
        else:
            source, threshold = "the default threshold", DEFAULT_SKEW_THRESHOLD
        if abs(offset) - DATE_RESOLUTION <= threshold:
            continue
        ahead = offset > 0
        consequence = (
            f"fresh tokens look not yet valid for about {format_seconds(abs(offset) - threshold)}"
            " after they are issued" if ahead else
            f"tokens look expired about {format_seconds(abs(offset) - threshold)} before their exp"
        )
        yield self.finding(
            environment, "idp",
            f"The IdP's clock is {format_seconds(offset)} "
            f"{'ahead of' if ahead else 'behind'} this machine's (from its HTTP Date headers), "
            f"more than {source} ({format_seconds(threshold)}): {consequence}.",
            evidence={"offset_seconds": round(offset, 1), "ahead": "idp" if ahead else "local",
                      "threshold_seconds": threshold, "threshold_source": source},
            key_path="idp.issuer",
        )
