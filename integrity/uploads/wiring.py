"""Where an app keeps its upload purposes and the folder of unfinished uploads (read by the views
and the jobs alike)."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from integrity.settings import settings_of
from integrity.uploads.services import Purpose, Spool

EXTENSION = "integrity.upload_purposes"


def purposes_of(app: Flask) -> dict[str, Purpose]:
    found: dict[str, Purpose] = app.extensions[EXTENSION]
    return found


def spool_of(app: Flask) -> Spool:
    return Spool(Path(settings_of(app).data_dir) / "resumable")
