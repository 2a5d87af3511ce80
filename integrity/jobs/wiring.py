"""Putting a job system into an app: its kinds (listed by ``create_app``), queue and lease."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from flask import Flask

from integrity.jobs.services import EXTENSION, JobKind, JobSystem
from integrity.settings import settings_of


def init_app(app: Flask, kinds: Iterable[JobKind]) -> None:
    settings = settings_of(app)
    app.extensions[EXTENSION] = JobSystem(
        kinds={k.name: k for k in kinds},
        url=settings.jobs_url,
        lease=dt.timedelta(seconds=settings.jobs_lease_seconds),
        inline=bool(app.testing),
    )
