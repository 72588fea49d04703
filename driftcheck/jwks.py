"""Facts about a JWKS document (RFC 7517), computed without I/O and without keeping secrets.

Rules read `KeyFacts`, never the raw key: a published private or symmetric key is described
by the names of its secret members, never their values, and gets no thumbprint (the RFC 7638
thumbprint of an `oct` key is a hash of the secret itself).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from driftcheck.redact import PRIVATE_MEMBERS

_REQUIRED = {"RSA": ("n", "e"), "EC": ("crv", "x", "y"), "OKP": ("crv", "x"), "oct": ("k",)}
STRONG_CURVES = ("P-256", "P-384", "P-521", "Ed25519", "Ed448")
MAX_KEYS = 1000
"""Keys beyond this many are not examined (a hostile JWKS must not cost unbounded CPU)."""


@dataclass(frozen=True)
class KeyFacts:
    index: int
    kid: str | None
    kty: str | None
    alg: str | None
    use: str | None
    key_ops: tuple[str, ...] | None
    crv: str | None = None
    rsa_bits: int | None = None
    thumbprint: str | None = None
    """RFC 7638 SHA-256 thumbprint of the public key; None for symmetric or broken keys."""
    private_members: tuple[str, ...] = ()
    error: str | None = None
    """Why the key could not be imported, or None."""

    @property
    def label(self) -> str:
        return f"kid {self.kid!r}" if self.kid is not None else f"key #{self.index}"

    @property
    def can_verify(self) -> bool:
        """Whether `use`/`key_ops` allow signature verification (RFC 7517 §4.2, §4.3)."""
        if self.use is not None and self.use != "sig":
            return False
        return self.key_ops is None or "verify" in self.key_ops


@dataclass(frozen=True)
class JwksFacts:
    keys: tuple[KeyFacts, ...]
    problem: str | None = None
    """Why the document is not a JWKS at all (no `keys` array), or None."""
    truncated: int = 0
    """How many keys beyond MAX_KEYS were not examined."""

    @property
    def thumbprints(self) -> frozenset[str]:
        return frozenset(k.thumbprint for k in self.keys if k.thumbprint)

    @property
    def kids(self) -> tuple[str, ...]:
        return tuple(k.kid for k in self.keys if k.kid is not None)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def key_facts(index: int, raw: Any) -> KeyFacts:
    if not isinstance(raw, Mapping):
        return KeyFacts(index, None, None, None, None, None,
                        error=f"expected a JSON object, got {type(raw).__name__}")
    kty = _text(raw.get("kty"))
    ops = raw.get("key_ops")
    facts = KeyFacts(
        index=index,
        kid=_text(raw.get("kid")),
        kty=kty,
        alg=_text(raw.get("alg")),
        use=_text(raw.get("use")),
        key_ops=tuple(str(o) for o in ops) if isinstance(ops, list) else None,
        crv=_text(raw.get("crv")),
        private_members=tuple(m for m in PRIVATE_MEMBERS if m in raw),
    )
    if kty not in _REQUIRED:
        return _with(facts, error=f"unknown or missing kty {kty!r}")
    missing = [m for m in _REQUIRED[kty] if not isinstance(raw.get(m), str)]
    if missing:
        return _with(facts, error=f"{kty} key without {', '.join(missing)}")
    if kty == "oct":
        return facts  # no public part to import, and no thumbprint: it would hash the secret
    public = {k: v for k, v in raw.items() if k not in PRIVATE_MEMBERS}
    from joserfc import jwk  # here, not at import: `driftcheck rules` should start fast

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # joserfc warns on weak keys; DC203 reports them
            key = jwk.import_key(public)
    except Exception as exc:  # joserfc raises several types; none may carry key material out
        return _with(facts, error=f"{kty} key parameters could not be decoded "
                                  f"({type(exc).__name__})")
    bits = None
    if kty == "RSA":
        bits = int(key.raw_value.key_size)  # type: ignore[union-attr]
    return _with(facts, rsa_bits=bits, thumbprint=key.thumbprint())


def _with(facts: KeyFacts, **changes: Any) -> KeyFacts:
    return replace(facts, **changes)


def jwks_facts(document: Any) -> JwksFacts:
    if not isinstance(document, Mapping) or not isinstance(document.get("keys"), list):
        return JwksFacts((), problem='expected a JSON object with a "keys" array')
    raw_keys = document["keys"]
    examined = raw_keys[:MAX_KEYS]
    return JwksFacts(
        tuple(key_facts(i, raw) for i, raw in enumerate(examined)),
        truncated=len(raw_keys) - len(examined),
    )
