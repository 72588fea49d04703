"""The known-good token of each environment, checked in the order a validator checks it:
parse -> algorithm -> key -> signature -> time -> issuer -> audience -> claims -> token type.

One module per step; every rule is a check over one token (`token_rule`): its environment,
the token, the API it is for and that API's effective validator (`driftcheck.facts`). Every
step is judged even when an earlier one fails (a user sees "expired" and "wrong audience"
together); the report marks the first failing step as the headline.
"""

from driftcheck.rules.token import (  # noqa: F401  (importing registers the rules)
    algorithm,
    audience,
    claims,
    issuer,
    key,
    parse,
    signature,
    times,
)
