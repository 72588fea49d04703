"""`driftcheck inspect --env`: a pasted token checked as an environment's known-good token.

Apart from `inspect_token` on purpose: decoding a token needs no network stack, and the
report that shows an inspection must not import the run."""

from __future__ import annotations

from dataclasses import replace

from driftcheck.errors import UsageError
from driftcheck.inspect_token import Inspection, inspect_token
from driftcheck.run import CheckOptions, run_check


def inspect_in_environment(raw: str, environment: str, options: CheckOptions,
                           now: float) -> Inspection:
    """Decode, then run every check of `environment` with this token as its known-good token.
    All environments are collected so that a signature by another environment's key is named.
    """
    result = run_check(replace(options, token_overrides={environment: raw}))
    known = {s.name for s in result.environments}
    if environment not in known:
        raise UsageError(f"--env {environment}: no such environment (known: "
                         f"{', '.join(sorted(known))})")
    return replace(inspect_token(raw, options.now or now), validation=result,
                   environment=environment)
