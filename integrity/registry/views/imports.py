"""Importing participant and juror lists (upload, check in a job, confirm) and exporting them."""

from __future__ import annotations

from flask import (
    Response,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    url_for,
)
from werkzeug.wrappers import Response as BaseResponse

from integrity import jobs
from integrity.audit.domain.chain import Actor
from integrity.extensions import db
from integrity.jobs import JobKind
from integrity.registry.domain.kinds import ImportState
from integrity.registry.forms import ImportConfirmForm, ImportForm
from integrity.registry.labels import TABLE_PROBLEMS, field_text, import_state_labels, problem_text
from integrity.registry.models import Event, ImportRun
from integrity.registry.services import exports, import_runs, queries
from integrity.registry.tasks import APPLY_IMPORT, CHECK_IMPORT, sealed_for
from integrity.registry.views.blueprint import EDITORS, PEOPLE_READERS, bp
from integrity.web.access import roles
from integrity.web.forms import acting, attempt, settle

KINDS = ("participants", "jurors")


def _submit(job: JobKind, run: ImportRun, actor: Actor) -> None:
    jobs.submit(db.session, job, {"run_id": run.id}, actor=actor)
    db.session.commit()
    jobs.dispatch(db.session, current_app)


def _receive(event: Event, kind: str, form: ImportForm) -> ImportRun:
    """Keep the uploaded list and queue the job that checks it, in one transaction."""
    upload = form.file.data
    actor = acting()
    run = import_runs.receive(
        db.session, actor=actor, event=event, kind=kind, data=upload.read(),
        filename=upload.filename or "upload", sealed=sealed_for(current_app),
    )  # fmt: skip
    jobs.submit(db.session, CHECK_IMPORT, {"run_id": run.id}, actor=actor)
    return run


@bp.route("/events/<int:event_id>/import/<kind>", methods=["GET", "POST"])
@roles(*EDITORS)
def import_file(event_id: int, kind: str) -> str | BaseResponse:
    """Upload a list; a job checks it and its page shows what an import would do."""
    event = db.session.get(Event, event_id) or abort(404)
    if kind not in KINDS:
        abort(404)
    form = ImportForm()
    if form.validate_on_submit():
        run = attempt(form, lambda: _receive(event, kind, form))
        if run is not None:
            jobs.dispatch(db.session, current_app)
            return redirect(url_for("registry.import_run", import_id=run.id))
    return make_response(
        render_template(
            "registry/import.html",
            event=event,
            kind=kind,
            form=form,
            recent=queries.recent_imports(db.session, event, kind),
            state_labels=import_state_labels(),
        ),
        422 if form.errors else 200,
    )


def _run_page(run: ImportRun, form: ImportConfirmForm, status: int = 200) -> BaseResponse:
    event = db.session.get(Event, run.event_id) or abort(404)
    result = run.result or {}
    errors = [
        {"row": e["row"], "field": field_text(e["field"]), "problem": problem_text(e["problem"]),
         "value": e["value"]}
        for e in result.get("errors", [])
    ]  # fmt: skip
    table_error = result.get("table_error")
    return make_response(
        render_template(
            "registry/import_run.html",
            run=run,
            event=event,
            result=result,
            errors=errors,
            table_error=TABLE_PROBLEMS.get(table_error, table_error) if table_error else None,
            can_apply=import_runs.can_apply(run),
            busy=run.state in (ImportState.CHECKING.value, ImportState.APPLYING.value),
            state_labels=import_state_labels(),
            form=form,
        ),
        status,
    )


@bp.route("/imports/<int:import_id>")
@roles(*EDITORS)
def import_run(import_id: int) -> BaseResponse:
    run = db.session.get(ImportRun, import_id) or abort(404)
    return _run_page(run, ImportConfirmForm())


@bp.route("/imports/<int:import_id>/apply", methods=["POST"])
@roles(*EDITORS)
def apply_import(import_id: int) -> BaseResponse:
    """Import the checked file, as stored: nothing is uploaded twice."""
    run = db.session.get(ImportRun, import_id) or abort(404)
    form = ImportConfirmForm()
    if not form.validate_on_submit():
        return _run_page(run, form, 400)
    actor = acting()
    # ``settle``, not ``attempt``: a refusal answers with its own status (409 nothing to import,
    # 422 confirm the unknown columns) on the run's page, which the tests and scripts read. The
    # confirmation and its job are one transaction.
    settled = settle(lambda: import_runs.confirm(
        db.session, actor=actor, run=run,
        accept_unknown_columns=bool(form.accept_unknown_columns.data),
    ) and jobs.submit(db.session, APPLY_IMPORT, {"run_id": run.id}, actor=actor))  # fmt: skip
    if (exc := settled.refusal) is not None:
        flash(str(exc.message), "error")
        return _run_page(run, form, exc.status)
    jobs.dispatch(db.session, current_app)
    return redirect(url_for("registry.import_run", import_id=run.id))


@bp.route("/events/<int:event_id>/participants.<fmt>")
@roles(*PEOPLE_READERS)
def export_participants(event_id: int, fmt: str) -> Response:
    event = db.session.get(Event, event_id) or abort(404)
    rows = exports.participant_rows(db.session, event)
    if fmt == "csv":
        body, mimetype = exports.to_csv(rows), "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        body, mimetype = (
            exports.to_xlsx(rows),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        abort(404)
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = (
        f'attachment; filename="participants-event-{event.id}.{fmt}"'
    )
    return response
