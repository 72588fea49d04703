"""Diagnosis in layers: catalogue, then code/exception families, then the general reader.

Each candidate message the envelope yields (innermost exception first, then the challenge's
error_description, the body, the whole text) is tried by every layer in turn; the first
answer that names one step wins, so the innermost JWT exception of a stack trace decides.
Vague answers (candidate steps only) are kept as a fallback; text that is about something
else (CSRF, session cookies, rate limits, mTLS) gets no step at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from driftcheck.diagnose.catalogue import Answer, Diagnosis, MessageMatch, closest, match_catalogue
from driftcheck.diagnose.envelope import Unwrapped, from_response, unwrap, without_advice
from driftcheck.diagnose.redact import redact_tokens

if TYPE_CHECKING:
    from driftcheck.diagnose.families import FamilyName
    from driftcheck.diagnose.reader import Reading


def _catalogue(text: str, unwrapped: Unwrapped, matches: list[MessageMatch]) -> Diagnosis:
    generic = all(m.entry.generic for m in matches)
    return Diagnosis(text, tuple(matches), layer="catalogue",
                     confidence="vague" if generic else "high",
                     decided_by=(matches[0].matched.strip(),), envelope=unwrapped.envelope,
                     status=unwrapped.status)


def _reader(text: str, unwrapped: Unwrapped, reading: Reading) -> Diagnosis:
    return Diagnosis(text, (), layer="reader",
                     confidence="medium" if reading.kind == "step" else "vague",
                     decided_by=reading.decided_by, envelope=unwrapped.envelope,
                     answer=Answer(reading.step, reading.rule, reading.candidate_steps,
                                   captured=reading.captured),
                     status=unwrapped.status)


def _claim_after(text: str, name: str) -> Reading | None:
    """The step of the claim a claims family names right after itself
    (`MissingRequiredClaim("exp")`, `InvalidClaimError: iss`), if it has a step of its own."""
    from driftcheck.diagnose.reader import claim_reading

    _, found, rest = text.partition(name)
    # ("MissingRequiredClaim (Required ID Token claim `aud` is missing or blank)")
    return claim_reading(rest[:40], missing="missing" in name.lower()) if found else None


# Claims whose check is a step of its own (a missing exp is DC314, not DC311).
_CLAIM_STEPS = frozenset({"time", "issuer", "audience", "token-type"})


def _family(text: str, unwrapped: Unwrapped, family: FamilyName, words: Reading,
            captured: Mapping[str, str]) -> Diagnosis | None:
    """The family name's answer, checked against the message's own words: words that name
    another step ("SignatureVerificationException: Claim 'exp' must be a number") make the
    answer vague, with both steps as candidates (a class name may wrap another check's
    failure); a code that needs its words' agreement (`insufficient_scope`) answers
    nothing without it."""
    from driftcheck.diagnose.reader import ORDER, VAGUE_CANDIDATES

    named = _claim_after(text, family.name) if family.step == "claims" else None
    if named is not None and named.step in _CLAIM_STEPS:
        # MissingRequiredClaim("aud") inside another name's words ("ValidationFailed {
        # reason: MissingRequiredClaim("aud") }"): the claim it names decides
        words = named
    # (an error code names its own check: IDX10511's "Keys tried" lists keys, yet the
    # signature failed)
    if family.kind == "exception" and words.kind == "step" and words.step != family.step and \
            not (named is not None and words is named):
        return Diagnosis(text, (), layer="family", confidence="vague",
                         decided_by=(family.name, *words.decided_by),
                         envelope=unwrapped.envelope, status=unwrapped.status,
                         answer=Answer(None, None, tuple(
                             s for s in ORDER if s in (family.step, words.step)),
                             captured=captured))
    # (a code alone, beside only generic words such as "Bearer" or "403" and no description
    # of its own, keeps its meaning: RFC 6750's bare `error="insufficient_scope"` is about
    # the token's scope)
    generic = (len(unwrapped.messages) == 1 and words.kind == "vague"
               and words.candidate_steps == VAGUE_CANDIDATES)
    if family.confirm and words.step != family.step and not generic:
        return None
    if named is not None:
        words = named
    if family.step == "claims" and words.kind == "step" and words.step in _CLAIM_STEPS:
        # MissingRequiredClaim("exp"): the claim decides the step, as in the catalogue
        return Diagnosis(text, (), layer="family", confidence="high",
                         decided_by=(family.name, *words.decided_by),
                         envelope=unwrapped.envelope, status=unwrapped.status,
                         answer=Answer(words.step, words.rule, (words.step,), family.library,
                                       family.source, captured))
    return Diagnosis(text, (), layer="family", confidence="high", decided_by=(family.name,),
                     envelope=unwrapped.envelope, status=unwrapped.status,
                     answer=Answer(family.step, family.rule, (family.step,), family.library,
                                   family.source, captured))


def _catalogued(text: str, unwrapped: Unwrapped, message: str,
                matches: list[MessageMatch]) -> Diagnosis:
    """The catalogue's answer, or the reader's for the detail a catalogued wrapper wraps."""
    inner = _inner_detail(message, matches[0])
    if inner is not None and inner.kind == "unrelated":
        return Diagnosis(text, (), decided_by=inner.decided_by, envelope=unwrapped.envelope,
                         status=unwrapped.status)
    if inner is not None:
        return _reader(text, unwrapped, inner)
    return _catalogue(text, unwrapped, matches)


def _in_disjunction(message: str, match: MessageMatch) -> bool:
    """Whether the catalogued words are one alternative of a list of failures ("The access
    token is expired, revoked, malformed, or invalid for other reasons")."""
    if " or " not in message.lower():  # (and the reader's patterns stay unloaded)
        return False
    from driftcheck.diagnose.reader import disjunction

    found = disjunction(message)
    if found is None:
        return False
    listed = set(found.replace(",", " ").split())
    # (the entry's own last words, "expired", are one of the listed failures)
    return any(word in listed for word in match.matched.lower().rstrip(".").split()[-2:]
               if len(word) > 3)


def _inner_detail(message: str, match: MessageMatch) -> Reading | None:
    """The reader's step for the words a catalogued wrapper wraps, when they name another
    step: "token is unverifiable: error while executing keyfunc: <why>" is golang-jwt's
    wrapper around the key function's own error, and the innermost words decide."""
    # (an entry that captures its `detail` says where the wrapped words are)
    detail = match.captured.get("detail")
    if detail is None:
        _, found, rest = message.partition(match.matched)
        rest = rest.lstrip(" .")
        if not found or not rest.startswith((":", "(", "-", ";")):
            return None
        detail = rest.lstrip(":(-; ")
    # Imported only for a wrapper with a detail: a catalogued answer alone must start fast.
    from driftcheck.diagnose.reader import read

    reading = read(detail)
    if reading.kind == "step" and reading.step != match.step:
        return reading
    if reading.kind == "unrelated":
        # the wrapped function's own refusal of something else ("error while executing
        # keyfunc: ACL is disabled")
        return reading
    return None


def diagnose(text: str) -> Diagnosis:
    """The failing step `text` names: a validator's message, a log excerpt, a stack trace,
    a `WWW-Authenticate` challenge, a JSON error body or a whole HTTP response."""
    text = redact_tokens(text.strip())
    unwrapped = unwrap(text)
    fallback: Diagnosis | None = None
    unrelated: tuple[str, ...] = ()
    for message in map(without_advice, unwrapped.messages):
        matches = match_catalogue(message)
        if matches and not matches[0].entry.generic and _in_disjunction(message, matches[0]):
            matches = []  # "expired, revoked, malformed, or invalid": no one step
        if matches and not matches[0].entry.generic:
            return _catalogued(text, unwrapped, message, matches)
        # Imported only when the catalogue does not answer (the common case does not need
        # them, and diagnose must start fast: benchmarks/startup.py).
        from driftcheck.diagnose.families import family_name

        # The reader's patterns cost ~20 ms to compile: imported only past the catalogue.
        from driftcheck.diagnose.reader import read
        from driftcheck.diagnose.values import quoted_values

        family = family_name(message)
        reading = read(message if family is None else message.replace(family.name, " "))
        if family is not None:
            decided = _family(text, unwrapped, family, reading, quoted_values(message))
            if decided is not None:
                return decided
        if reading.kind == "step":
            return _reader(text, unwrapped, reading)
        if reading.kind == "unrelated" and not unrelated:
            unrelated = reading.decided_by
        if fallback is None and matches:
            fallback = _catalogue(text, unwrapped, matches)
        if fallback is None and reading.kind == "vague":
            fallback = _reader(text, unwrapped, reading)
    if unrelated:
        return Diagnosis(text, (), decided_by=unrelated, envelope=unwrapped.envelope,
                         status=unwrapped.status)
    if fallback is not None:
        return fallback
    return Diagnosis(text, (), closest(text), envelope=unwrapped.envelope,
                     status=unwrapped.status)


def diagnose_response(status: int, headers: Mapping[str, str] | Iterable[tuple[str, str]],
                      body: str) -> Diagnosis:
    """Diagnose an API's HTTP answer (status, headers, body), as a live probe reads it."""
    return diagnose(from_response(status, headers, body))
