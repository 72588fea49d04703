"""Signing keys of sandbox tenants, generated lazily (RSA generation is the slow part)."""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass

from joserfc import jwk

from driftcheck.sandbox.tenants import SigningAlg

SigningKey = jwk.RSAKey | jwk.ECKey


@dataclass
class KeyRing:
    """The current and previous key per algorithm, plus an HMAC secret."""

    tenant: str
    generation: int = 1
    hmac_secret: bytes = b""

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._keys: dict[tuple[SigningAlg, int], SigningKey] = {}
        self.hmac_secret = self.hmac_secret or secrets.token_bytes(32)

    def _key(self, alg: SigningAlg, generation: int) -> SigningKey:
        with self._lock:
            key = self._keys.get((alg, generation))
            if key is None:
                kid = f"{self.tenant}-{alg.lower()}-{generation}"
                parameters = {"kid": kid, "use": "sig", "alg": alg}
                if alg == "RS256":
                    key = jwk.RSAKey.generate_key(2048, parameters=parameters)  # type: ignore[arg-type]
                else:
                    key = jwk.ECKey.generate_key("P-256", parameters=parameters)  # type: ignore[arg-type]
                self._keys[(alg, generation)] = key
            return key

    def current(self, alg: SigningAlg) -> SigningKey:
        return self._key(alg, self.generation)

    def previous(self, alg: SigningAlg) -> SigningKey:
        return self._key(alg, self.generation - 1)

    def rotate(self) -> None:
        """The current key becomes the previous one; a new key becomes current."""
        with self._lock:
            self.generation += 1
