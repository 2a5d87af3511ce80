"""Reading a page and storing its images, in whichever process reads it. No Flask, no database.

Worker processes do the heavy part (decode, find codes, mask, encode, hash, encrypt, write) and
hand the database side only digests, so no page image crosses a process boundary.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from integrity.filestore import FileStore
from integrity.scans import isolation
from integrity.scans.domain import reader
from integrity.scans.domain.codes import PagePayload
from integrity.vault import domain as vault_crypto

QUEUE_IMAGE = "queue-image"
REOPEN_EVERY = 40


@dataclass(frozen=True)
class StoreKeys:
    """What a process needs to store a round's page images, without an app or a database."""

    root: str
    queue_key: bytes  # server-derived: the app can show queued pages
    vault_public: bytes  # covers are readable only through the vault
    round_id: int

    @property
    def cover_context(self) -> bytes:
        return f"cover:round:{self.round_id}".encode()


@dataclass(frozen=True)
class StoredPage:
    index: int
    payload: PagePayload | None
    problem: str | None
    rotation: float
    masked_sha256: str | None  # the juror's copy, in plain
    queue_sha256: str | None  # encrypted with the queue key
    cover_sha256: str | None  # encrypted with a fresh key ...
    cover_key_sealed: bytes | None  # ... sealed to the vault


def store_result(result: reader.PageResult, keys: StoreKeys) -> StoredPage:
    store = FileStore(Path(keys.root))
    masked = store.put_bytes(result.masked_jpeg) if result.masked_jpeg else None
    queued = None
    if result.raw_jpeg:
        queued = store.put_bytes(
            vault_crypto.encrypt_blob(keys.queue_key, result.raw_jpeg, QUEUE_IMAGE.encode())
        )
    cover = sealed = None
    if result.cover_jpeg:
        key = os.urandom(32)
        cover = store.put_bytes(
            vault_crypto.encrypt_blob(key, result.cover_jpeg, keys.cover_context)
        )
        sealed = vault_crypto.seal(keys.vault_public, key, keys.cover_context)
    return StoredPage(
        result.index, result.payload, result.problem, result.rotation, masked, queued, cover, sealed
    )


def discard_unrecorded(pages: Iterable[StoredPage], keys: StoreKeys) -> None:
    """Remove the encrypted copies of pages that were stored but will not be recorded."""
    store = FileStore(Path(keys.root))
    for page in pages:
        for digest in (page.queue_sha256, page.cover_sha256):
            if digest is not None:
                store.discard(digest)


# One worker process reads pages of one file; see reader.reopening for why it reopens it.
_keys: StoreKeys | None = None
_path: Path | None = None
_source: reader.SourceFile | None = None
_read = 0


def worker_open(path: str, keys: StoreKeys, parent: int | None = None) -> None:
    """A reader process's first step: cap its memory, die with ``parent``, then open the file."""
    global _keys, _path, _source, _read
    isolation.limit_self(parent=parent)
    _keys, _path, _source, _read = keys, Path(path), reader.open_source(Path(path)), 0


def worker_read(index: int) -> StoredPage:
    global _source, _read
    assert _source is not None and _keys is not None and _path is not None, (
        "worker_open was not called"
    )
    if _read and _read % REOPEN_EVERY == 0:
        _source.close()
        _source = reader.open_source(_path)
    _read += 1
    return store_result(reader.read_page(_source, index), _keys)


def worker_read_all(indices: list[int]) -> list[StoredPage]:
    """Several pages a task: one message each way instead of one a page."""
    return [worker_read(index) for index in indices]
