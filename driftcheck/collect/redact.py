"""Remove every token driftcheck sent from what a probed server answered.

An API may echo the request (its Authorization header, the token in an error message, a
debug page). Each sent token is removed in every encoding a server is likely to echo it in
(as sent, with `Bearer `, URL-encoded, base64 of the header value, the signature segment
alone) *before* the text is cut to its excerpt, and a cut that ends inside one of them loses
that partial secret too. Anything still shaped like a JWT is removed as well.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable
from urllib.parse import quote, quote_plus

REDACTED = "[redacted]"
_JWT_SHAPED = re.compile(r"eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*\.?[A-Za-z0-9_-]*")
_MIN_SECRET = 8


def secret_forms(token: str) -> set[str]:
    """The strings under which `token` may come back."""
    header_value = f"Bearer {token}"
    forms = {token, header_value, quote(token, safe=""), quote_plus(header_value),
             base64.b64encode(token.encode()).decode(),
             base64.b64encode(header_value.encode()).decode(),
             base64.urlsafe_b64encode(token.encode()).decode().rstrip("=")}
    signature = token.rpartition(".")[2]
    if len(signature) >= _MIN_SECRET:
        forms.add(signature)
    return {f for f in forms if len(f) >= _MIN_SECRET}


def redact(text: str, secrets: Iterable[str], limit: int | None = None, *,
           cut: bool = False) -> str:
    """`text` without any of `secrets` (already expanded by `secret_forms`), then without
    JWT-shaped strings, then cut to `limit` characters. `cut`: the text was read up to a
    cap, so its last characters may be the start of a secret, which goes too."""
    ordered = sorted(set(secrets), key=len, reverse=True)  # longest first: no leftovers
    for secret in ordered:
        if secret in text:
            text = text.replace(secret, REDACTED)
    if cut:
        for secret in ordered:
            text = _without_partial_tail(text, secret)
    text = _JWT_SHAPED.sub(REDACTED, text)
    if limit is not None and len(text) > limit:
        text = text[:limit]
        cut_at = text.rfind("[")  # a cut never leaves half a marker behind
        if cut_at != -1 and text[cut_at:] != REDACTED and REDACTED.startswith(text[cut_at:]):
            text = text[:cut_at]
    return text


def _without_partial_tail(text: str, secret: str) -> str:
    """`text` without a final part that is the start of `secret` (8 characters or more)."""
    tail = text[-(len(secret) - 1):] if len(secret) > 1 else ""
    start = tail.find(secret[:_MIN_SECRET])
    while start != -1:
        if secret.startswith(tail[start:]):
            return text[: len(text) - (len(tail) - start)] + REDACTED
        start = tail.find(secret[:_MIN_SECRET], start + 1)
    return text
