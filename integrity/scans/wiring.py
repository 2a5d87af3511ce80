"""What ``create_app`` gives the scans area from later ones: the steps of a round's freeze."""

from __future__ import annotations

from collections.abc import Sequence

from flask import Flask

from integrity.scans.services.queue import FreezeStep

EXTENSION = "integrity.scan_freeze_steps"


def freeze_steps_of(app: Flask) -> Sequence[FreezeStep]:
    steps: Sequence[FreezeStep] = app.extensions.get(EXTENSION, ())
    return steps
