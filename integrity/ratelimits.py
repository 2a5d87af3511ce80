"""Rate-limit counters that every web worker of one machine shares: a SQLite file.

The limiter's own storages are memory (one counter per worker process, so two gunicorn workers
allowed twice the setting), Redis, Memcached and MongoDB. This one keeps fixed-window counters in
a SQLite file in the instance folder (``integrity+sqlite:///path``), the default: every worker
and every app server on the machine reads and increments the same counter, each increment in one
``BEGIN IMMEDIATE`` transaction. Several machines share Redis instead (``redis://…``).
"""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

from limits.storage.base import Storage

SCHEME = "integrity+sqlite"


class SqliteStorage(Storage):
    STORAGE_SCHEME = [SCHEME]  # noqa: RUF012  (the limits library reads this list)

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: object):
        # integrity+sqlite:///srv/integrity/ratelimits.sqlite3: what follows "//" is the path.
        self.path = Path((uri or "").removeprefix(f"{SCHEME}://"))
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        with self._connection() as conn:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS counter"
                " (key TEXT PRIMARY KEY, value INTEGER NOT NULL, expires REAL NOT NULL)"
            )
        super().__init__(uri, wrap_exceptions=wrap_exceptions)

    def _connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=10, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
        return conn

    @property
    def base_exceptions(self) -> type[Exception]:
        return sqlite3.Error

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        conn = self._connection()
        now = time.time()
        conn.execute("BEGIN IMMEDIATE")
        try:
            row = conn.execute(
                "SELECT value, expires FROM counter WHERE key = ?", (key,)
            ).fetchone()
            if row is None or row[1] <= now:
                value, expires = amount, now + expiry
            else:
                value, expires = row[0] + amount, row[1]
            conn.execute(
                "INSERT INTO counter (key, value, expires) VALUES (?, ?, ?)"
                " ON CONFLICT(key) DO UPDATE SET value = excluded.value, expires = excluded.expires",
                (key, value, expires),
            )
            if row is None and value == amount:  # now and then, forget windows long gone
                conn.execute("DELETE FROM counter WHERE expires < ?", (now - 3600,))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return int(value)

    def get(self, key: str) -> int:
        row = (
            self._connection()
            .execute("SELECT value FROM counter WHERE key = ? AND expires > ?", (key, time.time()))
            .fetchone()
        )
        return int(row[0]) if row else 0

    def get_expiry(self, key: str) -> float:
        row = (
            self._connection()
            .execute("SELECT expires FROM counter WHERE key = ?", (key,))
            .fetchone()
        )
        return float(row[0]) if row else time.time()

    def check(self) -> bool:
        try:
            self._connection().execute("SELECT 1").fetchone()
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int | None:
        return self._connection().execute("DELETE FROM counter").rowcount

    def clear(self, key: str) -> None:
        self._connection().execute("DELETE FROM counter WHERE key = ?", (key,))
