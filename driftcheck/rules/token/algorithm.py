"""The token's header: an algorithm the API accepts (DC303), no key material the token
chooses itself (DC313)."""

from __future__ import annotations

from collections.abc import Iterator

from driftcheck.facts import TokenFacts
from driftcheck.findings import Finding, Severity, Step
from driftcheck.rules.advice import algorithms_fix
from driftcheck.rules.registry import Rule, RuleContext
from driftcheck.rules.token._shared import (
    _api_label,
    _component,
    _evidence,
    _finding,
    token_rule,
)
from driftcheck.tokens.claims import (
    ASYMMETRIC_ALGORITHMS,
    UNSAFE_HEADERS,
)
from driftcheck.tokens.steps import allowed_algorithms


@token_rule(
    "DC303", "alg-not-allowed", Severity.HIGH, Step.ALGORITHM,
    summary="The token's `alg` is `none`, HMAC where the API expects a public-key algorithm, "
    "or outside the API's list.",
    causes=(
        "an IdP client or tenant configured to sign with HS256 (or another algorithm)",
        "a token forged with alg none or with the public key as HMAC secret (key confusion)",
        "an API's algorithm list that does not match its IdP",
    ),
    fix="Sign with the algorithm the API lists (RS256/ES256 for IdP-issued tokens) and keep "
    "the API's `algorithms` explicit and narrow.",
)
def alg_not_allowed(self: Rule, _context: RuleContext, t: TokenFacts) -> Iterator[Finding]:
    """
    ## What it does
    Compares the header's `alg` with the API's `algorithms`: `none` is critical; an HS*
    token presented to an API that expects RS*/ES* is the key-confusion pattern; any other
    algorithm outside the list is rejected. driftcheck never verifies a signature with an
    algorithm the API does not list, and never uses a public key as an HMAC secret.

    ## Why is this bad?
    Validators that take the algorithm from the token can be fooled into HMAC-verifying with
    the public key, or into skipping verification (`none`). A correct validator rejects these
    tokens, and a correct IdP never mints them.

    ## Example
    `{"alg": "HS256"}` at `apis.orders` with `algorithms = ["RS256"]`: DC303.
    """
    environment, token, api = t.environment, t.token, t.api
    alg = token.alg
    allowed, origin = allowed_algorithms(api)
    key_path = (f"apis.{api.name}.algorithms" if api.algorithms else
                f"apis.{api.name}.validator") if api else None
    fix: str | None = None
    if alg is None:
        message, severity = "The token's header has no alg.", Severity.HIGH
    elif alg.lower() == "none":
        message, severity = (f"The token of {_component(token)} is unsigned (alg "
                             f"{alg!r}); no validator may accept it."), Severity.CRITICAL
    elif not allowed:
        if not alg.startswith("HS"):
            return
        message, severity = (f"The token is HMAC-signed ({alg}) but no API declares "
                             "which algorithms it accepts; an IdP's tokens are normally "
                             "RS*/ES*."), Severity.MEDIUM
    elif alg in allowed:
        return
    elif alg.startswith("HS") and all(a in ASYMMETRIC_ALGORITHMS for a in allowed):
        message, severity = (f"The token is HMAC-signed ({alg}) but {_api_label(token)} "
                             f"accepts only {', '.join(allowed)} ({origin}): the "
                             "key-confusion pattern (a public key used as an HMAC "
                             "secret)."), Severity.HIGH
    else:
        message, severity = (f"The token's alg {alg} is not among the algorithms "
                             f"{_api_label(token)} accepts ({', '.join(allowed)}; "
                             f"{origin})."), Severity.HIGH
        if api is not None:
            fix = algorithms_fix(environment, f"apis.{api.name}", [alg])
    yield _finding(self, environment, token, message, key_path=key_path,
                   evidence=_evidence(token, alg=alg, allowed=list(allowed) or None),
                   severity=severity, fix=fix)


UNDERSTOOD_CRIT: frozenset[str] = frozenset()


@token_rule(
    "DC313", "unsafe-header", Severity.MEDIUM, Step.ALGORITHM,
    summary="The token's header carries `jku`, `x5u`, `jwk`, `x5c` or an unknown `crit`.",
    causes=(
        "an IdP configured to embed certificates or key URLs",
        "a forged token trying to make the validator trust a key it supplies",
    ),
    fix="Validators must take keys only from the configured JWKS; configure the IdP not to "
    "emit these headers. driftcheck never fetches or trusts them.",
)
def unsafe_header(self: Rule, _context: RuleContext, t: TokenFacts) -> Iterator[Finding]:
    """
    ## What it does
    Reports header parameters that point a validator at key material the token itself
    chooses (`jku`, `x5u`, `jwk`, `x5c`), and `crit` extensions a validator must reject
    when it does not understand them (RFC 7515 §4.1.11). None is ever fetched or used.

    ## Why is this bad?
    A validator that honours `jku` or an embedded `jwk` verifies the token with the
    attacker's key: the signature check proves nothing.

    ## Example
    `{"alg": "RS256", "jku": "https://attacker.example/keys"}`: DC313.
    """
    environment, token = t.environment, t.token
    header = token.header or {}
    present = [name for name in UNSAFE_HEADERS if name in header]
    crit = header.get("crit")
    unknown_crit = [str(c) for c in crit if str(c) not in UNDERSTOOD_CRIT] \
        if isinstance(crit, list) else []
    if not present and not unknown_crit:
        return
    parts = [f"{name} ({UNSAFE_HEADERS[name]})" for name in present]
    if unknown_crit:
        parts.append(f"crit {', '.join(unknown_crit)} (extensions a validator must "
                     "understand or reject)")
    yield _finding(self, environment, token,
                   f"The token's header carries {'; '.join(parts)}; driftcheck did not "
                   "follow or trust any of it.",
                   evidence=_evidence(token, parameters=present + (["crit"] if unknown_crit
                                                                    else [])),
                   severity=Severity.HIGH if unknown_crit else None)
