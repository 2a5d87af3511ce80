"""Encrypting files too large to hold in memory. Pure.

Format: 0x02 || nonce prefix (7) || chunks, each chunk AES-256-GCM of up to 1 MiB of plaintext
with nonce = prefix || chunk counter (4 bytes, big-endian) || last-chunk flag (1 byte), and the
caller's associated data. The counter stops chunks being reordered or dropped, and the flag stops
a file being cut short at a chunk boundary (the construction known as STREAM, Hoang et al. 2015).
"""

from __future__ import annotations

import os
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from integrity.vault.domain import TamperedBlob

STREAM_VERSION = 0x02
CHUNK = 1 << 20
PREFIX = 7
TAG = 16


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    return prefix + counter.to_bytes(4, "big") + (b"\x01" if last else b"\x00")


class StreamEncryptor:
    """The format above, one chunk at a time, for a caller that reads the chunks itself."""

    def __init__(self, key: bytes, aad: bytes) -> None:
        self._cipher = AESGCM(key)
        self._prefix = os.urandom(PREFIX)
        self._aad = aad
        self._counter = 0
        self._done = False

    def header(self) -> bytes:
        return bytes([STREAM_VERSION]) + self._prefix

    def chunk(self, block: bytes, *, last: bool) -> bytes:
        """Encrypt the next chunk (at most CHUNK bytes); ``last`` must be said of the final one."""
        if self._done or len(block) > CHUNK:
            raise ValueError("a chunk after the last one, or a chunk too long")
        sealed = self._cipher.encrypt(_nonce(self._prefix, self._counter, last), block, self._aad)
        self._counter += 1
        self._done = last
        return sealed


def encrypt_stream(key: bytes, source: BinaryIO, sink: BinaryIO, aad: bytes) -> int:
    """Encrypt ``source`` into ``sink`` chunk by chunk; returns the plaintext size."""
    encryptor = StreamEncryptor(key, aad)
    sink.write(encryptor.header())
    size = 0
    block = source.read(CHUNK)
    while True:
        following = source.read(CHUNK)
        last = not following
        sink.write(encryptor.chunk(block, last=last))
        size += len(block)
        if last:
            return size
        block = following


def decrypt_stream(key: bytes, source: BinaryIO, sink: BinaryIO, aad: bytes) -> int:
    header = source.read(1 + PREFIX)
    if len(header) != 1 + PREFIX or header[0] != STREAM_VERSION:
        raise TamperedBlob("not an encrypted stream")
    cipher = AESGCM(key)
    prefix = header[1:]
    size, counter = 0, 0
    block = source.read(CHUNK + TAG)
    while True:
        following = source.read(CHUNK + TAG)
        last = not following
        try:
            plain = cipher.decrypt(_nonce(prefix, counter, last), block, aad)
        except InvalidTag:
            raise TamperedBlob("an encrypted stream was altered") from None
        sink.write(plain)
        size += len(plain)
        counter += 1
        if last:
            return size
        block = following
