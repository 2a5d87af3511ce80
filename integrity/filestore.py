"""Content-addressed file storage under the data folder. Pure (the app-bound accessor lives in
integrity.storage).

A file is stored once, under the SHA-256 of its bytes (``ab/cdef….bin``), written to a temporary
name and renamed, so a reader never sees half a file and the same bytes never take space twice.
Stored files are never rewritten; that is what lets `integrity backup` copy them after the database
snapshot.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

CHUNK = 1 << 20


class FileStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, digest: str) -> Path:
        if len(digest) != 64 or not all(c in "0123456789abcdef" for c in digest):
            raise ValueError("not a SHA-256 hex digest")
        return self.root / digest[:2] / f"{digest[2:]}.bin"

    def exists(self, digest: str) -> bool:
        return self.path(digest).exists()

    def discard(self, digest: str) -> None:
        """Remove a file that nothing refers to and nothing can: only for a file its writer just
        made and never recorded (a page read ahead of a job that stopped), never a shared one."""
        self.path(digest).unlink(missing_ok=True)

    def put_bytes(self, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        target = self.path(digest)
        if not target.exists():
            self._write(target, iter((data,)))
        return digest

    def put_stream(self, stream: BinaryIO) -> tuple[str, int]:
        """Store a stream without holding it in memory; returns (sha256, size)."""
        self.root.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        size = 0
        handle, temp_name = tempfile.mkstemp(dir=self.root, prefix=".incoming-")
        try:
            with os.fdopen(handle, "wb") as out:
                for block in iter(lambda: stream.read(CHUNK), b""):
                    digest.update(block)
                    size += len(block)
                    out.write(block)
            target = self.path(digest.hexdigest())
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists():
                os.unlink(temp_name)
            else:
                os.replace(temp_name, target)
        except BaseException:
            Path(temp_name).unlink(missing_ok=True)
            raise
        return digest.hexdigest(), size

    def put_written(self, write: Callable[[_HashingWriter], object]) -> tuple[str, int]:
        """Store what ``write`` writes (hashed on the way), without a second pass over it."""
        self.root.mkdir(parents=True, exist_ok=True)
        handle, temp_name = tempfile.mkstemp(dir=self.root, prefix=".incoming-")
        try:
            with os.fdopen(handle, "wb") as out:
                sink = _HashingWriter(out)
                write(sink)
            target = self.path(sink.digest.hexdigest())
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists():
                os.unlink(temp_name)
            else:
                os.replace(temp_name, target)
        except BaseException:
            Path(temp_name).unlink(missing_ok=True)
            raise
        return sink.digest.hexdigest(), sink.size

    def read_bytes(self, digest: str) -> bytes:
        return self.path(digest).read_bytes()

    def _write(self, target: Path, blocks: Iterator[bytes]) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temp_name = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(handle, "wb") as out:
                for block in blocks:
                    out.write(block)
            os.replace(temp_name, target)
        except BaseException:
            Path(temp_name).unlink(missing_ok=True)
            raise


class _HashingWriter:
    """A write-only file that hashes what passes through it."""

    def __init__(self, out: BinaryIO) -> None:
        self.out = out
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        self.size += len(data)
        return self.out.write(data)
