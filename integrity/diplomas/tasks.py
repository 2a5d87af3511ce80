"""The diplomas area's background jobs."""

from __future__ import annotations

from typing import Any

from flask import current_app

from integrity.extensions import db
from integrity.jobs import JobKind, Run, actor_of
from integrity.settings import settings_of


def _render(args: dict[str, Any], run: Run) -> None:
    from integrity.diplomas.services.rendering import render_batch

    render_batch(
        args["batch_id"],
        actor_of(args),
        settings_of(current_app),
        checkpoint=lambda: run.checkpoint(db.session),
    )


def _render_given_up(args: dict[str, Any], error: str) -> None:
    from integrity.diplomas.services.rendering import mark_batch_failed

    mark_batch_failed(db.session, args["batch_id"], actor_of(args), error)


# Rendering an approved batch into its ZIP: two tries; a new try renders the batch again.
RENDER = JobKind("diplomas.render_batch", _render, attempts=2, give_up=_render_given_up)
