"""Shared secrets for HS* APIs: which form of the configured secret verifies a token.

The seed article: "Extra whitespace, encoding issues, or base64 misunderstandings can break
HMAC verification." When the secret as configured does not verify, the usual mangled forms are
tried, and the one that verifies says what the IdP and the API disagree about. Secrets are
identified only by a keyed fingerprint whose key lives for one run.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import warnings
from collections.abc import Callable, Iterator

from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import OctKey

_RUN_KEY = secrets.token_bytes(32)


def secret_fingerprint(secret: bytes) -> str:
    """Equal for equal secrets within one run; useless for guessing a secret afterwards."""
    return hmac.new(_RUN_KEY, secret, hashlib.sha256).hexdigest()[:16]


def _b64(text: str, alphabet: Callable[[bytes], bytes]) -> bytes:
    data = text.strip().encode()
    return alphabet(data + b"=" * (-len(data) % 4))


def _forms() -> Iterator[tuple[str, Callable[[str], bytes]]]:
    """(what was done to the configured value, how) in the order people get it wrong."""
    yield "trailing whitespace or newline stripped", lambda t: t.strip().encode()
    yield "a trailing newline added", lambda t: (t + "\n").encode()
    yield "quotes removed", lambda t: t.strip().strip("\"'").encode()
    yield "base64-decoded", lambda t: _b64(t, lambda data: base64.b64decode(data, validate=True))
    yield "base64url-decoded", lambda t: _b64(t, base64.urlsafe_b64decode)
    yield "base64-encoded", lambda t: base64.standard_b64encode(t.encode())
    yield "hex-decoded", lambda t: bytes.fromhex(t.strip())
    yield "encoded as Latin-1 instead of UTF-8", lambda t: t.encode("latin-1")
    yield "encoded as UTF-16", lambda t: t.encode("utf-16-le")


def verifies(token: str, secret: bytes, alg: str) -> bool:
    if not secret:
        return False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # short keys warn; DC210 reports them
            jws.deserialize_compact(token, OctKey.import_key(secret), algorithms=[alg])
    except (JoseError, ValueError, TypeError):
        return False
    return True


def matching_form(token: str, configured: str, alg: str) -> tuple[bool, str | None]:
    """(verifies as configured, else the first mangled form that verifies or None)."""
    if verifies(token, configured.encode(), alg):
        return True, None
    seen = {configured.encode()}
    for description, transform in _forms():
        try:
            candidate = transform(configured)
        except (binascii.Error, ValueError, UnicodeEncodeError):
            continue
        if candidate in seen:
            continue
        seen.add(candidate)
        if verifies(token, candidate, alg):
            return False, description
    return False, None
