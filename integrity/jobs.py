"""Background jobs (huey): long work such as ingesting a 2,000-page scan.

The queue is SQLite in the instance folder by default and Redis when ``jobs_url`` says so. A
worker runs them (`integrity jobs worker`, started by `integrity serve`); commands run the same
functions inline. Tests run jobs immediately, in the request that enqueues them.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from flask import Flask, current_app, has_app_context
from huey import Huey, RedisHuey, SqliteHuey

from integrity import ROOT
from integrity.config import jobs_url


def _instance_path() -> Path:
    return Path(os.environ.get("INTEGRITY_INSTANCE_PATH") or ROOT / "instance")


def _make_queue() -> Huey:
    url = jobs_url(_instance_path())
    if url.startswith("redis://") or url.startswith("rediss://"):
        return RedisHuey("integrity", url=url)
    filename = url.removeprefix("sqlite:///")
    Path(filename).parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("integrity", filename=filename)


huey = _make_queue()
_app: Flask | None = None


def application() -> Flask:
    """The worker's own app, made once per worker process (or the running app, when a job runs
    immediately inside a request)."""
    global _app
    if has_app_context():
        return current_app._get_current_object()  # type: ignore[attr-defined,no-any-return]
    if _app is None:
        from integrity import create_app

        _app = create_app()
    return _app


def log_job(name: str, *, status: str, user_id: int | None, started: float, **fields: Any) -> None:
    import logging

    logging.getLogger("integrity.job").info(
        "job",
        extra={
            "fields": {
                "job": name,
                "status": status,
                "user_id": user_id,
                "ms": round((time.perf_counter() - started) * 1000, 1),
                **fields,
            }
        },
    )


@huey.task(retries=2, retry_delay=5, context=True)
def ingest_upload(upload_id: int, actor_id: int | None, actor_name: str, task: Any = None) -> None:
    from integrity.audit.chain import Actor
    from integrity.scans.services.runner import run_ingest

    last_try = task is None or task.retries == 0
    with application().app_context():
        run_ingest(upload_id, Actor(actor_id, actor_name), last_try=last_try)


@huey.task(retries=1, retry_delay=5)
def render_diplomas(batch_id: int, actor_id: int | None, actor_name: str) -> None:
    from integrity.audit.chain import Actor
    from integrity.diplomas.rendering import render_batch

    with application().app_context():
        render_batch(batch_id, Actor(actor_id, actor_name))
