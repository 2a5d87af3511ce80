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
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from integrity.access import roles
from integrity.extensions import db
from integrity.registry.domain import ImportRejected
from integrity.registry.forms import ImportForm
from integrity.registry.messages import TABLE_PROBLEMS, field_text, problem_text
from integrity.registry.models import Event
from integrity.registry.services import exports
from integrity.registry.services.imports import import_jurors, import_participants, table_limits
from integrity.registry.tabular import TableError
from integrity.registry.views import EDITORS, PEOPLE_READERS, bp

KINDS = {"participants": import_participants, "jurors": import_jurors}


@bp.route("/events/<int:event_id>/import/<kind>", methods=["GET", "POST"])
@roles(*EDITORS)
def import_file(event_id: int, kind: str) -> str | BaseResponse:
    event = db.session.get(Event, event_id) or abort(404)
    importer = KINDS.get(kind) or abort(404)
    form = ImportForm()
    errors: list[dict[str, object]] = []
    result = None
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read()
        filename = upload.filename or "upload"
        try:
            result = importer(
                db.session,
                actor=current_user.as_actor(),
                event=event,
                data=data,
                filename=filename,
                dry_run=bool(form.dry_run.data),
                accept_unknown_columns=bool(form.accept_unknown_columns.data),
                limits=table_limits(current_app.config["INTEGRITY"]),
            )
        except TableError as exc:
            db.session.rollback()
            form.file.errors = [f"{filename}: {TABLE_PROBLEMS.get(exc.code, exc.code)}"]
        except ImportRejected as exc:
            db.session.rollback()
            errors = [
                {
                    "row": e.row,
                    "field": field_text(e.field),
                    "problem": problem_text(e.problem),
                    "value": e.value,
                }
                for e in exc.errors
            ]
        else:
            if result.dry_run:
                db.session.rollback()
            else:
                db.session.commit()
                flash(
                    _(
                        "Imported: %(created)d new, %(updated)d updated, %(unchanged)d unchanged.",
                        created=result.created,
                        updated=result.updated,
                        unchanged=result.unchanged,
                    ),
                    "success",
                )
                if result.ignored_columns:
                    flash(
                        _(
                            "These columns were ignored: %(columns)s.",
                            columns=", ".join(result.ignored_columns),
                        ),
                        "info",
                    )
                target = (
                    "registry.event_participants" if kind == "participants" else "registry.jurors"
                )
                return redirect(
                    url_for(target, event_id=event.id)
                    if kind == "participants"
                    else url_for(target)
                )
    status = 422 if errors or form.errors else 200
    return make_response(
        render_template(
            "registry/import.html", event=event, kind=kind, form=form, errors=errors, result=result
        ),
        status,
    )


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
