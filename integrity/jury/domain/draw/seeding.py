"""The draw's constants, its one error, and the hashes and random stream everything hangs on."""

from __future__ import annotations

import hashlib
import hmac
import json
import unicodedata
from collections.abc import Sequence
from typing import Any

ALGORITHM = "integrity-draw/1"
MODES = ("double", "panel")
PANEL_SIZES = (3, 5, 7)


class DrawError(ValueError):
    """No assignment can satisfy the manifest, or the manifest itself is malformed."""

    def __init__(self, code: str, message: str, **details: Any) -> None:
        super().__init__(message)
        self.code = code
        self.details = details


def canonical(value: Any) -> bytes:
    """The one byte form of a JSON value that every hash here is taken over."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def manifest_hash(manifest: dict[str, Any]) -> str:
    return sha256_hex(canonical(manifest))


def commitment(secret_hex: str) -> str:
    return sha256_hex(bytes.fromhex(secret_hex))


def normal_contribution(text: str) -> str:
    """What is hashed of a typed contribution: NFC, outer spaces dropped, inner runs made one."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def final_seed(manifest_sha256: str, secret_hex: str, contributions: Sequence[str]) -> str:
    digest = hashlib.sha256()
    digest.update(bytes.fromhex(manifest_sha256))
    digest.update(bytes.fromhex(secret_hex))
    for text in contributions:
        data = normal_contribution(text).encode()
        digest.update(len(data).to_bytes(4, "big"))
        digest.update(data)
    return digest.hexdigest()


class Stream:
    """Uniform choices from HMAC-SHA256(seed, label ‖ 0x00 ‖ counter), 64 bits at a time."""

    def __init__(self, seed_hex: str, label: str) -> None:
        self._key = bytes.fromhex(seed_hex)
        self._label = label.encode() + b"\x00"
        self._counter = 0
        self._pool: list[int] = []

    def _u64(self) -> int:
        if not self._pool:
            block = hmac.new(
                self._key, self._label + self._counter.to_bytes(8, "big"), hashlib.sha256
            ).digest()
            self._counter += 1
            self._pool = [int.from_bytes(block[i : i + 8], "big") for i in (24, 16, 8, 0)]
        return self._pool.pop()

    def below(self, n: int) -> int:
        """Uniform in 0..n-1, by rejection (no modulo bias)."""
        if n <= 0:
            raise ValueError("n must be positive")
        limit = (1 << 64) - (1 << 64) % n
        while True:
            value = self._u64()
            if value < limit:
                return value % n

    def shuffled(self, items: Sequence[Any]) -> list[Any]:
        """Fisher–Yates, from the last position down."""
        out = list(items)
        for i in range(len(out) - 1, 0, -1):
            j = self.below(i + 1)
            out[i], out[j] = out[j], out[i]
        return out
