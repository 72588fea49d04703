"""Repair a token as it arrived and name each kind of damage; decode a compact JWS.

The seed article's parse checklist: three segments, `Bearer ` kept, truncation, URL-encoding,
whitespace, quotes. Each repair is recorded as a `Damage`, so a user learns exactly what the
transport did to the token, and validation can go on with the repaired token.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

MAX_TOKEN_CHARS = 64 * 1024
"""Longer input is not decoded (HTTP servers cap headers at 8-16 KiB anyway)."""
MAX_JSON_DEPTH = 32

_BEARER = re.compile(r"^(?:authorization\s*:\s*)?bearer\s+", re.IGNORECASE)
_PERCENT = re.compile(r"%[0-9A-Fa-f]{2}")
_BASE64URL = re.compile(r"^[A-Za-z0-9_-]*$")
_QUOTES = "\"'`"


@dataclass(frozen=True)
class Damage:
    kind: str
    """bearer-prefix, whitespace, line-breaks, quotes, url-encoded, padding, base64-alphabet,
    claim-type (repairable); segments, jwe, truncated, not-base64url, not-json, not-object,
    too-large (fatal)."""
    detail: str


@dataclass(frozen=True)
class DecodedToken:
    header: dict[str, Any]
    claims: dict[str, Any]
    signature_length: int
    """Bytes in the signature segment (compared with key sizes to spot truncation)."""


def fingerprint(raw: str) -> str:
    """A short, stable identifier of a token: 12 hex digits of SHA-256 over the repaired
    token. It identifies; it cannot be reversed."""
    return hashlib.sha256(raw.encode("utf-8", "replace")).hexdigest()[:12]


def _describe_whitespace(text: str) -> str:
    if not text:
        return ""
    names = []
    if "\n" in text or "\r" in text:
        names.append("a newline")
    if "\t" in text:
        names.append("a tab")
    if " " in text:
        names.append("spaces")
    return " and ".join(names) or "whitespace"


def repair(raw: str) -> tuple[str, list[Damage]]:
    """The token with transport damage undone, and what was undone, in order."""
    text = raw
    damages: list[Damage] = []
    for _ in range(4):  # quotes around "Bearer x", whitespace inside quotes, ...
        before = text
        stripped = text.strip()
        if stripped != text:
            lead = text[: len(text) - len(text.lstrip())]
            trail = text[len(text.rstrip()):]
            parts = []
            if lead:
                parts.append(f"{_describe_whitespace(lead)} before the token")
            if trail:
                parts.append(f"{_describe_whitespace(trail)} after the token")
            damages.append(Damage("whitespace", " and ".join(parts)))
            text = stripped
        if len(text) >= 2 and text[0] == text[-1] and text[0] in _QUOTES:
            damages.append(Damage("quotes", f"the token is wrapped in {text[0]} quotes"))
            text = text[1:-1]
        match = _BEARER.match(text)
        if match:
            damages.append(Damage("bearer-prefix", f"the {match.group(0).strip()!r} prefix was "
                                  "kept: only what follows it is the token"))
            text = text[match.end():]
        if text == before:
            break
    codes = sorted(set(m.upper() for m in _PERCENT.findall(text)))
    if codes:
        damages.append(Damage("url-encoded", f"the token is URL-encoded ({', '.join(codes)}): "
                              "it was copied from a query string, form or shell"))
        text = unquote(text)
    inner = re.findall(r"\s", text)
    if inner:
        kind = "line-breaks" if any(c in "\r\n" for c in inner) else "whitespace"
        what = ("line break" if kind == "line-breaks" else "whitespace character") + (
            "s" if len(inner) > 1 else "")
        damages.append(Damage(kind, f"{len(inner)} {what} inside the token (wrapped by a log "
                              "viewer, terminal or e-mail)"))
        text = re.sub(r"\s", "", text)
    return text, damages


def _b64decode(segment: str, name: str, damages: list[Damage]) -> bytes:
    if "=" in segment:
        damages.append(Damage("padding", f"the {name} segment has '=' padding, which base64url "
                              "in JWTs omits (RFC 7515 §2)"))
        segment = segment.rstrip("=")
    if re.search(r"[+/]", segment):
        damages.append(Damage("base64-alphabet", f"the {name} segment uses the standard base64 "
                              "alphabet ('+', '/') instead of base64url ('-', '_')"))
        segment = segment.replace("+", "-").replace("/", "_")
    if not _BASE64URL.match(segment):
        bad = sorted(set(re.sub(r"[A-Za-z0-9_-]", "", segment)))[:5]
        raise TokenParseError(Damage("not-base64url", f"the {name} segment has characters "
                                     f"base64url does not use: {' '.join(map(repr, bad))}"))
    if len(segment) % 4 == 1:
        raise TokenParseError(Damage("truncated", f"the {name} segment's length is impossible "
                                     "for base64url: the token was cut off"))
    try:
        return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError):
        raise TokenParseError(
            Damage("not-base64url", f"the {name} segment is not base64url")) from None


class TokenParseError(Exception):
    def __init__(self, damage: Damage) -> None:
        super().__init__(damage.detail)
        self.damage = damage


def _reject_constant(constant: str) -> Any:
    raise ValueError(constant)


def _depth(value: Any, level: int = 0) -> int:
    if level > MAX_JSON_DEPTH:
        return level
    if isinstance(value, dict):
        return max((_depth(v, level + 1) for v in value.values()), default=level + 1)
    if isinstance(value, list):
        return max((_depth(v, level + 1) for v in value), default=level + 1)
    return level


def _json_object(data: bytes, name: str) -> dict[str, Any]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise TokenParseError(Damage("not-json", f"the {name} is not UTF-8 text")) from None
    try:
        value = json.loads(text, parse_constant=_reject_constant)
    except ValueError as exc:
        if not isinstance(exc, json.JSONDecodeError):
            what = f"uses {exc}, which JSON (RFC 8259) does not have" if str(exc) in (
                "NaN", "Infinity", "-Infinity") else "has a number too long to read"
            raise TokenParseError(Damage("not-json", f"the {name} {what}")) from None
        # An object that does not end with '}' was cut off (even when the decoder trips at
        # the start of the unterminated string rather than at the end of the input).
        if text.lstrip().startswith("{") and not text.rstrip().endswith("}"):
            raise TokenParseError(Damage("truncated", f"the {name} JSON ends early: the token "
                                         "was cut off (a log line or header length limit)")
                                  ) from None
        raise TokenParseError(Damage("not-json", f"the {name} is not JSON ({exc.msg})")) from None
    except RecursionError:
        raise TokenParseError(Damage("not-json", f"the {name} JSON is nested too deeply")) from None
    if not isinstance(value, dict):
        raise TokenParseError(Damage("not-object", f"the {name} is JSON but not an object "
                                     f"({type(value).__name__})"))
    if _depth(value) > MAX_JSON_DEPTH:
        raise TokenParseError(Damage("not-json", f"the {name} JSON is nested too deeply"))
    return value


def _claim_types(claims: dict[str, Any]) -> list[Damage]:
    damages = []
    for name in ("exp", "nbf", "iat"):
        if name in claims and (isinstance(claims[name], bool)
                               or not isinstance(claims[name], int | float)):
            damages.append(Damage("claim-type", f"{name} is {type(claims[name]).__name__} "
                                  f"{claims[name]!r}, not a NumericDate (seconds, RFC 7519 §2)"))
    for name in ("iss", "sub"):
        if name in claims and not isinstance(claims[name], str):
            damages.append(Damage("claim-type", f"{name} is {type(claims[name]).__name__}, not "
                                  "a string"))
    aud = claims.get("aud")
    if "aud" in claims and not (isinstance(aud, str) or (
            isinstance(aud, list) and all(isinstance(a, str) for a in aud))):
        damages.append(Damage("claim-type", f"aud is {type(aud).__name__}, not a string or an "
                              "array of strings"))
    return damages


def decode(token: str) -> tuple[DecodedToken, list[Damage]]:
    """Decode a repaired compact JWS without verifying it; raise TokenParseError when it
    cannot be read at all. The returned damages are repairable ones found while decoding."""
    if len(token) > MAX_TOKEN_CHARS:
        raise TokenParseError(Damage("too-large", f"{len(token)} characters; driftcheck decodes "
                                     f"at most {MAX_TOKEN_CHARS}"))
    segments = token.split(".")
    if len(segments) == 5:
        raise TokenParseError(Damage("jwe", "five segments: an encrypted token (JWE); an API "
                                     "expecting a signed JWT (JWS) cannot read it"))
    if len(segments) != 3:
        if len(segments) == 1:
            detail = "no '.' separators: not a JWT (an opaque or reference token?)"
        elif len(segments) == 2:
            detail = "two segments: the signature segment is missing (cut off?)"
        else:
            detail = f"{len(segments)} segments; a signed JWT has three (header.payload.signature)"
        raise TokenParseError(Damage("segments", detail))
    damages: list[Damage] = []
    header = _json_object(_b64decode(segments[0], "header", damages), "header")
    claims = _json_object(_b64decode(segments[1], "payload", damages), "payload")
    signature = _b64decode(segments[2], "signature", damages) if segments[2] else b""
    damages += _claim_types(claims)
    return DecodedToken(header, claims, len(signature)), damages
