"""The token as it arrived: obtained at all (DC301), and decodable (DC302)."""

from __future__ import annotations

from collections.abc import Iterator

from driftcheck.facts import TokenFacts
from driftcheck.findings import Finding, Severity, Step
from driftcheck.rules.registry import Rule, RuleContext
from driftcheck.rules.token._shared import (
    _component,
    _evidence,
    _finding,
    token_rule,
)


@token_rule(
    "DC301", "token-unavailable", Severity.HIGH, Step.FETCH, decoded=False,
    summary="The environment's known-good token could not be obtained.",
    causes=(
        "the client secret variable is not set in the CI job",
        "the client is not registered in this tenant, or its secret was rotated",
        "a requested scope or resource (audience) the client may not ask for",
        "a token file or command that moved or fails",
    ),
    fix="Act on the reason: set the variable, fix the client registration, or request a "
    "scope/resource the client is allowed.",
)
def token_unavailable(self: Rule, _context: RuleContext, t: TokenFacts) -> Iterator[Finding]:
    """
    ## What it does
    Reports each `[tokens.NAME]` source that yielded no token, with the reason: a missing
    variable, the token endpoint's HTTP status and OAuth `error`/`error_description`
    (`invalid_client`, `invalid_scope`, `invalid_target`), a missing file, a command's exit
    code. Secrets and command output are never shown.

    ## Why is this bad?
    The seed article's pre-deployment checklist starts with "validate one known-good token in
    each environment". Without a token, the token-side steps cannot be checked at all.

    ## Example
    `the token endpoint answered HTTP 400: invalid_target (resource 'api://orders-prod' is
    not registered for this client)`: the staging client asks for prod's audience.
    """
    environment, token = t.environment, t.token
    if token.failure is not None:
        yield _finding(self, environment, token,
                       f"No token for {_component(token)} ({token.source}): "
                       f"{token.failure}.", evidence={"source": token.source})


@token_rule(
    "DC302", "token-malformed", Severity.HIGH, Step.PARSE, decoded=False,
    summary="The token is damaged in transport or cannot be decoded; the damage is named.",
    causes=(
        "the `Bearer ` prefix, quotes or whitespace kept when the token was copied",
        "URL-encoding from a query string or form",
        "truncation by a log line, a header size limit or a terminal",
        "an encrypted token (JWE) or an opaque token where a JWT is expected",
    ),
    fix="Send exactly `Authorization: Bearer <token>` with the three base64url segments "
    "unchanged; remove what the message names.",
)
def token_malformed(self: Rule, _context: RuleContext, t: TokenFacts) -> Iterator[Finding]:
    """
    ## What it does
    Reports what was wrong with the token as it arrived, in the order driftcheck undid it:
    a kept `Bearer ` prefix, whitespace or newlines around or inside it, wrapping quotes,
    URL-encoding (`%2E`, `%3D`), `=` padding or the standard base64 alphabet, claims of the
    wrong JSON type (`exp` as a string, `aud` as a number), and what makes it unreadable:
    a segment count other than three, a JWE (five segments), base64 or JSON that ends early.

    ## Why is this bad?
    A validator sees the damaged string, not the repaired one, and fails with a parse or
    signature error that hides the real cause.

    ## Example
    `"Bearer eyJ…"` with the quotes from a JSON log: DC302 names the quotes and the prefix.
    """
    environment, token = t.environment, t.token
    problems = [d.detail for d in token.damage]
    if token.fatal is not None:
        problems.append(f"cannot be decoded: {token.fatal.detail}")
    if not problems:
        return
    kinds = [d.kind for d in token.damage] + ([token.fatal.kind] if token.fatal else [])
    yield _finding(self, environment, token,
                   f"The token of {_component(token)} is malformed: {'; '.join(problems)}.",
                   evidence=_evidence(token, damage=kinds))
