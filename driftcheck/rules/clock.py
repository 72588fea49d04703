"""The IdP's clock, read from its HTTP `Date` headers, against this machine's."""

from __future__ import annotations

from collections.abc import Iterator

from driftcheck.durations import format_seconds, seconds_text
from driftcheck.findings import Finding, Severity, Step
from driftcheck.rules.advice import clock_fix
from driftcheck.rules.registry import Rule, RuleContext, rule
from driftcheck.rules.verdicts import skew_text, skew_verdicts

DEFAULT_SKEW_THRESHOLD = 60.0
"""Used when the environment declares no API or gateway."""
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
    with each API's and gateway's effective clock skew: its declared `clock_skew`, else its
    validator profile's default (0 s for PyJWT and jose, 60 s for Spring and Envoy, 300 s
    for Microsoft.IdentityModel); 60 s when the environment declares none. It says which
    side is ahead and which validators reject fresh tokens because of it.

    ## Why is this bad?
    Tokens carry the IdP's time. If the IdP runs ahead by more than a validator's skew, fresh
    tokens are "not yet valid" (`nbf`/`iat` in the future); if it runs behind, tokens look
    expired early. The error reads "token expired" while the cause is a clock.

    ## Example
    The IdP's `Date` is 150 s ahead and `apis.orders.clock_skew = "60s"`: DC701.
    """
    for environment in context.environments:
        offset = context.facts.clock_offsets.get(environment.name)
        if offset is None:
            continue
        ahead = offset > 0
        validators = context.facts.validators[environment.name]
        if validators:
            beyond, within = skew_verdicts(validators, offset, DATE_RESOLUTION)
            if not beyond:
                continue
            threshold = min(v.clock_skew.value for v in beyond)
            source = "the clock skew " + "; ".join(skew_text(v) for v in beyond)
            spared = (f" Within the clock skew {'; '.join(skew_text(v) for v in within)}."
                      if within else "")
        else:
            threshold, source, spared = DEFAULT_SKEW_THRESHOLD, "the default threshold", ""
            if abs(offset) - DATE_RESOLUTION <= threshold:
                continue
        gap = abs(offset) - threshold
        consequence = (
            f"fresh tokens look not yet valid for about {format_seconds(gap)} after they are "
            "issued" if ahead else
            f"tokens look expired about {format_seconds(gap)} before their exp"
        )
        yield self.finding(
            environment, "idp",
            f"The IdP's clock is {format_seconds(offset)} "
            f"{'ahead of' if ahead else 'behind'} this machine's (from its HTTP Date headers), "
            f"more than {source}: {consequence}.{spared}",
            evidence={"offset_seconds": round(offset, 1), "ahead": "idp" if ahead else "local",
                      "threshold_seconds": threshold, "threshold_source": source,
                      "validators": [{"component": v.component, "validator": v.profile.name,
                                      "clock_skew": v.clock_skew.describe(seconds_text),
                                      "rejects": v in beyond} for v in validators]},
            key_path="idp.issuer",
            fix=clock_fix(context, environment, offset, DATE_RESOLUTION),
        )
