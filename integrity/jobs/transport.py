"""The queue that carries job ids to workers: huey's storage, SQLite by default, Redis when
``JOBS_URL`` says ``redis://``. It carries nothing else; the job table says what to do."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Protocol


class Storage(Protocol):  # the part of huey's storage API used here
    def enqueue(self, data: bytes, priority: int | None = None) -> None: ...
    def dequeue(self) -> bytes | None: ...
    def queue_size(self) -> int: ...


class Transport:
    def __init__(self, storage: Storage, *, blocking: bool) -> None:
        self.storage = storage
        self.blocking = blocking

    def send(self, job_id: int) -> None:
        self.storage.enqueue(str(job_id).encode("ascii"))

    def receive(self, timeout: float) -> int | None:
        """The next job id, waiting at most about ``timeout`` seconds; None when none came."""
        deadline = time.monotonic() + timeout
        while True:
            data = self.storage.dequeue()
            if data:
                try:
                    return int(data)
                except ValueError:
                    continue  # not ours (an old huey task): dropped
            if self.blocking or time.monotonic() >= deadline:
                return None
            time.sleep(min(0.2, max(0.0, deadline - time.monotonic())))

    def size(self) -> int:
        return self.storage.queue_size()


def open_transport(url: str) -> Transport:
    if url.startswith(("redis://", "rediss://", "unix://")):
        from huey.storage import RedisStorage

        # BRPOP waits for a message for up to a second, so a worker wakes at once.
        return Transport(RedisStorage("integrity", url=url, read_timeout=1), blocking=True)
    from huey.storage import SqliteStorage

    filename = url.removeprefix("sqlite:///")
    Path(filename).parent.mkdir(parents=True, exist_ok=True)
    return Transport(SqliteStorage("integrity", filename=filename), blocking=False)
