"""What ``create_app`` gives the scans area from later ones (the steps of a round's freeze), and
where the demo leaves a round's realistic scans for a newcomer to upload."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from flask import Flask

from integrity.scans.services.queue import FreezeStep
from integrity.settings import settings_of

EXTENSION = "integrity.scan_freeze_steps"


def freeze_steps_of(app: Flask) -> Sequence[FreezeStep]:
    steps: Sequence[FreezeStep] = app.extensions[EXTENSION]  # never silently none
    return steps


def demo_scans_path(app: Flask, round_id: int) -> Path:
    """The demo's scans of a round (absent outside the demo): the round's page offers them."""
    return Path(settings_of(app).data_dir) / "demo" / f"round-{round_id}-scans.pdf"
