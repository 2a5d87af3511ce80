"""The registry's background jobs: checking and importing an uploaded list."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app

from integrity import crypto
from integrity.extensions import db
from integrity.jobs import JobKind, Run, actor_of
from integrity.registry.services import import_runs
from integrity.registry.services.imports import table_limits
from integrity.settings import settings_of
from integrity.storage import file_store


def sealed_for(app: Flask) -> import_runs.Sealed:
    """The file store and the key under which uploaded lists wait for their jobs."""
    settings = settings_of(app)
    key = crypto.derive_key(settings.secret_key.encode(), "integrity:import")
    return import_runs.Sealed(file_store(settings), key)


def _step(step: Any) -> Any:
    def job(args: dict[str, Any], run: Run) -> None:
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        step(db.session, args["run_id"], actor=actor_of(args), sealed=sealed_for(app),
             limits=table_limits(settings_of(app)))  # fmt: skip

    return job


def _given_up(args: dict[str, Any], error: str) -> None:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    import_runs.give_up(db.session, args["run_id"], actor=actor_of(args), error=error,
                        sealed=sealed_for(app))  # fmt: skip


# Reading a list, then writing it: two tries each (a try writes all rows or none).
CHECK_IMPORT = JobKind(
    "registry.check_import", _step(import_runs.check), attempts=2, give_up=_given_up
)
APPLY_IMPORT = JobKind(
    "registry.apply_import", _step(import_runs.apply), attempts=2, give_up=_given_up
)
