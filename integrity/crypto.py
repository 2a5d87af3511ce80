"""Symmetric primitives every area may use: data blobs and per-purpose keys. Pure.

  data blob   0x01 || nonce (12) || AES-256-GCM ct+tag, associated data = the caller's aad.
  a purpose's key   HKDF-SHA256(secret, no salt, info = the purpose as UTF-8), 32 bytes.

The vault (``integrity.vault.domain``) builds its sealing, key wrapping and shares on the same
library; it re-exports these two, raising its own ``TamperedBlob``.
"""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

VERSION = 0x01
KEY_SIZE = 32
NONCE_SIZE = 12
TAG_SIZE = 16


class TamperedBlob(Exception):
    """A blob that does not open: altered, truncated, or under another key or associated data."""


def encrypt_blob(key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    """AES-256-GCM with a random nonce: keep well below 2**32 blobs per key."""
    if len(key) != KEY_SIZE:
        raise ValueError("the key must be 32 bytes")
    nonce = os.urandom(NONCE_SIZE)
    return bytes([VERSION]) + nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def decrypt_blob(key: bytes, blob: bytes, aad: bytes) -> bytes:
    if len(key) != KEY_SIZE:
        raise ValueError("the key must be 32 bytes")
    if len(blob) < 1 + NONCE_SIZE + TAG_SIZE or blob[0] != VERSION:
        raise TamperedBlob("not an encrypted blob of a known version")
    try:
        return AESGCM(key).decrypt(blob[1 : 1 + NONCE_SIZE], blob[1 + NONCE_SIZE :], aad)
    except InvalidTag as exc:
        raise TamperedBlob("blob does not open with this key and associated data") from exc


def derive_key(secret: bytes, purpose: str) -> bytes:
    """A 32-byte key for one purpose: HKDF-SHA256, no salt, info = purpose as UTF-8."""
    if not secret or not purpose:
        raise ValueError("secret and purpose must not be empty")
    return HKDF(hashes.SHA256(), KEY_SIZE, salt=None, info=purpose.encode("utf-8")).derive(secret)
