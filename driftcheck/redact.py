"""Remove what must never leave: every form of a secret driftcheck sent, and private key
material in any JSON shape.

A hostile or buggy server can echo what it received (the `Authorization` header, a
`client_secret_post` body) in an error description or anywhere in a document. Text a server
wrote is therefore scrubbed of every encoding in which driftcheck sent a secret, *before* it
is truncated (a cut must never leave the first characters of a secret behind), and again over
the whole Observations before anything downstream sees them.
"""

from __future__ import annotations

import base64
import html
import json
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar
from urllib.parse import quote, quote_plus

from driftcheck.deep_strings import map_strings

REDACTED = "[redacted]"
MIN_SECRET_LENGTH = 4
"""Shorter values are not replaced in text (a 1-character secret would rewrite every word);
no real client secret is that short, and DC210 reports HMAC secrets under 256 bits."""

# RFC 7518 §6.3.2 (RSA), §6.2.2 (EC), RFC 8037 §2 (OKP), RFC 7518 §6.4 (oct)
PRIVATE_MEMBERS = ("d", "p", "q", "dp", "dq", "qi", "oth", "k")
_PUBLIC_MEMBERS = ("kty", "n", "e", "crv", "x", "y")

T = TypeVar("T")


def _encodings(value: str) -> set[str]:
    """`value` as it travels in a form body, a URL, JSON and HTML."""
    json_escaped = json.dumps(value)[1:-1]
    return {
        value,
        quote(value, safe=""),
        quote_plus(value),
        json_escaped,
        json.dumps(value, ensure_ascii=False)[1:-1],
        json_escaped.replace("/", "\\/"),
        html.escape(value),
    }


def sent_forms(secret: str, client_id: str | None = None) -> frozenset[str]:
    """Every form in which driftcheck sends `secret`: raw, URL- and form-encoded, JSON- and
    HTML-escaped, and inside HTTP Basic credentials (base64 of `id:secret`, with and without
    RFC 6749 §2.3.1 form-encoding, padded or not, standard or URL-safe alphabet)."""
    forms = _encodings(secret)
    if client_id is not None:
        for pair in (f"{quote_plus(client_id)}:{quote_plus(secret)}", f"{client_id}:{secret}"):
            for encode in (base64.b64encode, base64.urlsafe_b64encode):
                encoded = encode(pair.encode()).decode()
                forms |= _encodings(encoded) | _encodings(encoded.rstrip("="))
    return frozenset(form for form in forms if len(form) >= MIN_SECRET_LENGTH)


class Redactor:
    """The secrets of one run, in every form they were sent; replaces them in server text."""

    def __init__(self, forms: Iterable[str] = ()) -> None:
        self._forms: set[str] = set(forms)
        self._ordered: list[str] = []

    def add(self, secret: str, client_id: str | None = None) -> None:
        """Remember `secret` (and, for Basic credentials, `client_id`) before it is sent."""
        new = sent_forms(secret, client_id) - self._forms
        if new:
            self._forms |= new
            # Longest first: a form that contains another is replaced whole.
            self._ordered = sorted(self._forms, key=len, reverse=True)

    def __bool__(self) -> bool:
        return bool(self._forms)

    def text(self, text: str) -> str:
        for form in self._ordered:
            if form in text:
                text = text.replace(form, REDACTED)
        return text

    def value(self, value: T) -> T:
        """`value` (JSON data, a dataclass of observations, or anything nested of them) with
        every string scrubbed; other values unchanged."""
        if not self._forms:
            return value
        return map_strings(value, self.text)


def truncated(text: str, limit: int, redactor: Redactor | None = None) -> str:
    """`text` scrubbed first, then cut to `limit` characters (never the other way round)."""
    if redactor is not None:
        text = redactor.text(text)
    return text if len(text) <= limit else text[:limit] + "…"


def _looks_like_jwk(member: Mapping[str, Any]) -> bool:
    return any(name in member for name in _PUBLIC_MEMBERS) or \
        sum(name in member for name in PRIVATE_MEMBERS) >= 2


def redact_private_members(document: Any, *, everywhere: bool = False) -> Any:
    """`document` with the values of private JWK members replaced by "[redacted]", at any
    depth and in any shape (a single JWK, `keys` as an object or a nested list, a `jwks`
    embedded in a discovery document). The member names stay, so DC202 still reports them.

    `everywhere`: redact those members in every object (for documents that are key material
    or IdP metadata); otherwise only in objects that look like a JWK."""
    if isinstance(document, Mapping):
        scrub = everywhere or _looks_like_jwk(document)
        return {
            key: (REDACTED if scrub and key in PRIVATE_MEMBERS
                  else redact_private_members(value, everywhere=everywhere))
            for key, value in document.items()
        }
    if isinstance(document, list):
        return [redact_private_members(item, everywhere=everywhere) for item in document]
    return document


def private_member_sites(document: Any, path: str = "") -> list[tuple[str, Mapping[str, Any]]]:
    """(JSON path, object) of every JWK-like object at any depth that carries private
    members, outside a well-formed `{"keys": [...]}` at the top (DC202 reads that one)."""
    found: list[tuple[str, Mapping[str, Any]]] = []
    if isinstance(document, Mapping):
        if _looks_like_jwk(document) and any(m in document for m in PRIVATE_MEMBERS):
            found.append((path or "(the document itself)", document))
        for key, value in document.items():
            if path == "" and key == "keys" and isinstance(value, list) and all(
                    isinstance(item, Mapping) for item in value):
                continue  # the standard shape: the key facts cover it
            found.extend(private_member_sites(value, f"{path}.{key}" if path else str(key)))
    elif isinstance(document, list):
        for index, item in enumerate(document):
            found.extend(private_member_sites(item, f"{path}[{index}]"))
    return found
