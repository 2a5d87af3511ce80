"""Importing a list through the web: upload → a job checks it → the person confirms → a job
imports it, from the same stored file.

No request parses a table: a large or hostile file costs a job's time, never a web worker's. The
uploaded file is kept encrypted (it holds IINs of minors) with a key the caller derives from the
server's secret, and is deleted once imported or refused. The command line's twin is
``integrity registry import … [--accept-unknown-columns]``, which does both steps at once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import update

from integrity import crypto
from integrity.audit.domain.chain import Actor
from integrity.audit.services import record_event
from integrity.db import AnySession, utcnow
from integrity.errors import Conflict, InvalidInput, NotFound
from integrity.filestore import FileStore
from integrity.registry.domain import ImportRejected, RowError
from integrity.registry.domain.kinds import ImportState
from integrity.registry.domain.tabular import TableError, TableLimits
from integrity.registry.models import Event, ImportRun
from integrity.registry.services.imports import ImportResult, import_jurors, import_participants

IMPORTERS: dict[str, Callable[..., ImportResult]] = {
    "participants": import_participants,
    "jurors": import_jurors,
}


@dataclass(frozen=True)
class Sealed:
    """Where and how an import's file is kept: the app's file store and a server-derived key."""

    store: FileStore
    key: bytes

    def _aad(self, run: ImportRun) -> bytes:
        return f"import:{run.sha256}".encode()

    def put(self, run: ImportRun, data: bytes) -> str:
        return self.store.put_bytes(crypto.encrypt_blob(self.key, data, self._aad(run)))

    def get(self, run: ImportRun) -> bytes:
        if run.stored_sha256 is None:
            raise Conflict(_l("This import's file is no longer kept; upload it again."))
        return crypto.decrypt_blob(
            self.key, self.store.read_bytes(run.stored_sha256), self._aad(run)
        )

    def drop(self, run: ImportRun) -> None:
        if run.stored_sha256 is not None:
            self.store.discard(run.stored_sha256)
            run.stored_sha256 = None


def receive(
    session: AnySession,
    *,
    actor: Actor,
    event: Event,
    kind: str,
    data: bytes,
    filename: str,
    sealed: Sealed,
) -> ImportRun:
    """Keep an uploaded list, encrypted, for the job that checks it. Nothing is read yet."""
    if kind not in IMPORTERS:
        raise NotFound(_l("No such kind of import."))
    filename = filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:300] or "upload"
    if not data:
        raise InvalidInput(_l("%(file)s is empty.", file=filename), field="file")
    run = ImportRun(
        event_id=event.id,
        kind=kind,
        filename=filename,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        state=ImportState.CHECKING.value,
        created_by_id=actor.id,
    )
    run.stored_sha256 = sealed.put(run, data)
    session.add(run)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="registry.import_received",
        subject=f"import:{run.id}",
        data={"event_id": event.id, "kind": kind, "file": filename, "sha256": run.sha256,
              "size": run.size},
    )  # fmt: skip
    return run


def _errors(errors: list[RowError]) -> list[dict[str, Any]]:
    return [
        {"row": e.row, "field": e.field, "problem": e.problem, "value": e.value} for e in errors
    ]


def _run_importer(
    session: AnySession, run: ImportRun, *, actor: Actor, data: bytes, dry_run: bool,
    accept: bool, limits: TableLimits | None,
) -> ImportResult:  # fmt: skip
    event = session.get(Event, run.event_id)
    assert event is not None
    return IMPORTERS[run.kind](
        session, actor=actor, event=event, data=data, filename=run.filename, dry_run=dry_run,
        accept_unknown_columns=accept, limits=limits,
    )  # fmt: skip


def _load(session: AnySession, run_id: int) -> ImportRun:
    run = session.get(ImportRun, run_id)
    if run is None:
        raise NotFound(_l("No such import."))
    return run


def check(
    session: AnySession, run_id: int, *, actor: Actor, sealed: Sealed, limits: TableLimits | None
) -> ImportRun:
    """Read the stored file without writing a row of the registry; record what an import would
    do, which rows are wrong and which columns no field reads."""
    run = _load(session, run_id)
    if run.state != ImportState.CHECKING.value:
        return run  # checked already (a repeated job)
    data = sealed.get(run)
    result: dict[str, Any]
    try:
        with session.begin_nested():  # a dry run writes nothing, but its flushes go back too
            try:
                found = _run_importer(session, run, actor=actor, data=data, dry_run=True,
                                      accept=False, limits=limits)  # fmt: skip
                unknown: list[str] = []
            except ImportRejected as rejected:
                unknown = [e.value for e in rejected.errors if e.problem == "unknown_column"]
                rest = [e for e in rejected.errors if e.problem != "unknown_column"]
                if rest:  # listed with the unknown columns, each named as a problem
                    raise
                found = _run_importer(session, run, actor=actor, data=data, dry_run=True,
                                      accept=True, limits=limits)  # fmt: skip
            result = {**found.as_dict(), "unknown_columns": unknown, "errors": []}
            raise _Undo
    except _Undo:
        state = ImportState.CHECKED
    except ImportRejected as rejected:
        result, state = (
            {"errors": _errors(rejected.errors), "unknown_columns": []},
            ImportState.CHECKED,
        )
    except TableError as exc:
        result, state = {"table_error": exc.code, "errors": []}, ImportState.REFUSED
    run.result, run.state, run.finished_at = result, state.value, utcnow()
    if state == ImportState.REFUSED or result.get("errors"):
        sealed.drop(run)  # nothing will be imported from it: a fixed file is a new upload
    record_event(
        session,
        actor=actor,
        action="registry.import_checked",
        subject=f"import:{run.id}",
        data={"state": run.state, "errors": len(result.get("errors", [])),
              "unknown_columns": result.get("unknown_columns", []),
              "table_error": result.get("table_error")},
    )  # fmt: skip
    return run


class _Undo(Exception):
    """Rolls the dry run's savepoint back."""


def can_apply(run: ImportRun) -> bool:
    result = run.result or {}
    return run.state == ImportState.CHECKED.value and not result.get("errors")


def confirm(
    session: AnySession, *, actor: Actor, run: ImportRun, accept_unknown_columns: bool
) -> bool:
    """Ask for the checked file to be imported; False if it was already asked (a second click)."""
    if not can_apply(run):
        raise Conflict(
            _l("This file cannot be imported: fix the problems listed and upload it again.")
        )
    if (run.result or {}).get("unknown_columns") and not accept_unknown_columns:
        raise InvalidInput(
            _l("Confirm that the columns named above may be ignored, or fix the file."),
            field="accept_unknown_columns",
        )
    moved = session.execute(
        update(ImportRun)
        .where(ImportRun.id == run.id, ImportRun.state == ImportState.CHECKED.value)
        .values(state=ImportState.APPLYING.value, accept_unknown_columns=accept_unknown_columns)
    )
    if not moved.rowcount:  # type: ignore[attr-defined]
        return False
    session.refresh(run)
    record_event(
        session, actor=actor, action="registry.import_confirmed", subject=f"import:{run.id}",
        data={"accept_unknown_columns": accept_unknown_columns},
    )  # fmt: skip
    return True


def apply(
    session: AnySession, run_id: int, *, actor: Actor, sealed: Sealed, limits: TableLimits | None
) -> ImportRun:
    """Import the confirmed file: all rows or none, audited by the importer itself. A registry
    changed since the check may now refuse rows: then nothing is written and the rows are listed."""
    run = _load(session, run_id)
    if run.state != ImportState.APPLYING.value:
        return run
    data = sealed.get(run)
    try:
        with session.begin_nested():
            done = _run_importer(session, run, actor=actor, data=data, dry_run=False,
                                 accept=run.accept_unknown_columns, limits=limits)  # fmt: skip
    except ImportRejected as rejected:
        run.result = {"errors": _errors(rejected.errors), "unknown_columns": []}
        run.state = ImportState.CHECKED.value
        sealed.drop(run)
    except TableError as exc:
        run.result, run.state = {"table_error": exc.code, "errors": []}, ImportState.REFUSED.value
        sealed.drop(run)
    else:
        run.result = {**done.as_dict(), "unknown_columns": done.ignored_columns, "errors": []}
        run.state = ImportState.APPLIED.value
        sealed.drop(run)
    run.finished_at = utcnow()
    session.flush()
    record_event(
        session, actor=actor, action="registry.import_finished", subject=f"import:{run.id}",
        data={"state": run.state, "errors": len(run.result.get("errors", [])),
              **{k: run.result[k] for k in ("created", "updated", "unchanged") if k in run.result}},
    )  # fmt: skip
    return run


def give_up(session: AnySession, run_id: int, *, actor: Actor, error: str, sealed: Sealed) -> None:
    run = session.get(ImportRun, run_id)
    if run is None or run.state in (ImportState.APPLIED.value, ImportState.REFUSED.value):
        return
    run.state, run.error, run.finished_at = ImportState.FAILED.value, error[:500], utcnow()
    sealed.drop(run)  # a failed run is done with: its list of children's IINs goes
    session.flush()
    record_event(session, actor=actor, action="registry.import_failed",
                 subject=f"import:{run.id}", data={"error": run.error})  # fmt: skip
