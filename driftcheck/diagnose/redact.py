"""Tokens in pasted text are replaced before anything reads or echoes it.

A log excerpt or an HTTP exchange can hold a bearer token; secrets never leave, not even
back to the terminal, so a JWT (or a long opaque bearer value) becomes a short fingerprint.
"""

from __future__ import annotations

import re

# A JWT (JWS or JWE compact form) or a long opaque bearer value: never echoed back.
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}(?:\.[A-Za-z0-9_-]*){1,3}")
_BEARER_VALUE = re.compile(
    r"(?i)(\bBearer\s+)(?!realm\b|error\b|scope\b)([A-Za-z0-9._~+/-]{20,}=*)")

def redact_tokens(text: str) -> str:
    """`text` with every token in it replaced by a fingerprint (a pasted log or request may
    hold one; secrets never leave, not even back to the terminal)."""
    import hashlib

    def mark(token: str) -> str:
        return f"[token redacted, sha256 {hashlib.sha256(token.encode()).hexdigest()[:12]}]"

    text = _JWT.sub(lambda m: mark(m.group(0)), text)
    return _BEARER_VALUE.sub(lambda m: m.group(1) + mark(m.group(2)), text)
