"""The shared SQLite rate-limit counters: one count for every process that opens the file."""

from __future__ import annotations

import time
from pathlib import Path

from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from integrity.ratelimits import SqliteStorage


def test_two_storages_on_one_file_count_together_and_a_window_runs_out(tmp_path: Path) -> None:
    uri = f"integrity+sqlite://{tmp_path / 'limits.sqlite3'}"
    first, second = storage_from_string(uri), storage_from_string(uri)
    assert isinstance(first, SqliteStorage) and first.check()
    assert [first.incr("k", 1), second.incr("k", 1), first.incr("k", 1)] == [1, 2, 3]
    assert second.get("k") == 3 and second.get_expiry("k") > time.time()
    time.sleep(1.1)
    assert first.get("k") == 0 and second.incr("k", 1) == 1  # a new window
    first.clear("k")
    assert second.get("k") == 0


def test_the_limiter_refuses_the_attempt_after_the_limit_across_workers(tmp_path: Path) -> None:
    uri = f"integrity+sqlite://{tmp_path / 'limits.sqlite3'}"
    workers = [FixedWindowRateLimiter(storage_from_string(uri)) for _ in range(2)]
    limit = parse("3 per minute")
    allowed = [workers[n % 2].hit(limit, "login", "10.0.0.1|aigerim") for n in range(5)]
    assert allowed == [True, True, True, False, False]
