"""Sending scans from the round's page (the form's fallback to the resumable uploads), and an
upload's progress and report."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage
from werkzeug.wrappers import Response

from integrity import jobs
from integrity.audit.domain.chain import Actor
from integrity.extensions import db
from integrity.registry.models import Round
from integrity.scans.domain.codes import format_serial
from integrity.scans.labels import (
    labelled_totals,
    pages_text,
    sent_text,
    transfer_labels,
    upload_status_labels,
)
from integrity.scans.models import Upload
from integrity.scans.services import ingest, progress, queries
from integrity.scans.tasks import read_later
from integrity.scans.views.blueprint import STAFF, bp, round_or_404
from integrity.settings import Settings, settings_of
from integrity.web.access import roles
from integrity.web.forms import acting, settle


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _receive(
    round_: Round, storage: FileStorage, actor: Actor, settings: Settings
) -> dict[str, Any]:
    """One file, stored and queued for reading, committed on its own (a refused file leaves the
    others be): what the page says of it, or the refusal (with a ``message``)."""

    def store() -> tuple[Upload, bool]:
        record, created = ingest.create_upload(
            db.session, actor=actor, round_=round_, stream=storage.stream,
            filename=storage.filename or "upload", settings=settings,
        )  # fmt: skip
        read_later(db.session, record, created, actor)
        return record, created

    # ``settle``: a refused file is named in the JSON answer, and the others are still taken.
    settled = settle(store)
    if settled.value is None:
        refusal = settled.refusal
        return {"file": storage.filename or "", "message": str(refusal.message if refusal else "")}
    record, created = settled.value
    jobs.dispatch(db.session, current_app)
    return {"id": record.id, "file": record.filename, "new": created, "pages": record.pages_total}


def _flash_outcome(accepted: list[dict[str, Any]], refused: list[dict[str, Any]]) -> None:
    for item in accepted:
        message = _(
            "%(file)s: received, %(pages)d pages.", file=item["file"], pages=item["pages"] or 0
        )
        if not item["new"]:
            message = _("%(file)s was uploaded before; nothing changed.", file=item["file"])
        flash(message, "success")
    for item in refused:
        flash(item["message"], "error")


@bp.route("/rounds/<int:round_id>/uploads", methods=["POST"])
@roles(*STAFF)
def upload(round_id: int) -> Response | tuple[Response, int]:
    """Store each file, then queue it for reading; the page polls each upload's progress."""
    round_ = round_or_404(round_id)
    files = [f for f in request.files.getlist("files") if f and f.filename]
    refused: list[dict[str, Any]] = []
    if not files:
        refused.append({"file": "", "message": _("Choose at least one file.")})
    actor, settings = acting(), settings_of(current_app)
    outcomes = [_receive(round_, storage, actor, settings) for storage in files]
    accepted = [o for o in outcomes if "id" in o]
    refused += [o for o in outcomes if "id" not in o]
    if _wants_json():
        status = 422 if refused and not accepted else 200
        return jsonify({"accepted": accepted, "refused": refused}), status
    _flash_outcome(accepted, refused)
    return redirect(url_for("scans.round_", round_id=round_.id, _anchor="uploads"))


def _progress_answer(now: progress.RoundProgress) -> dict[str, Any]:
    """The round's uploads as the page's script shows them: each with its words ready."""
    states, statuses = transfer_labels(), upload_status_labels()
    return {
        "transfers": [
            {"id": t.id, "file": t.filename, "sent": t.sent, "length": t.length,
             "state": t.state, "state_label": str(states.get(t.state, t.state)),
             "text": sent_text(t.sent, t.length)}
            for t in now.transfers
        ],
        "uploads": [
            {"id": u.id, "via": now.via.get(u.id), "file": u.filename, "status": u.status,
             "status_label": str(statuses.get(u.status, u.status)), "error": u.error,
             "pages_done": u.pages_done, "pages_total": u.pages_total,
             "text": pages_text(u.pages_done, u.pages_total),
             "report": url_for("scans.upload_report", upload_id=u.id)}
            for u in now.uploads
        ],
        "totals": labelled_totals(now.totals, now.works),
        "busy": now.busy,
    }  # fmt: skip


@bp.route("/rounds/<int:round_id>/progress.json")
@roles(*STAFF)
def round_progress(round_id: int) -> Response:
    """What the round's page shows of its uploads, polled while files travel or are read."""
    answer = jsonify(_progress_answer(progress.round_progress(db.session, round_or_404(round_id))))
    answer.headers["Cache-Control"] = "no-store"
    return answer


@bp.route("/uploads/<int:upload_id>.json")
@roles(*STAFF)
def upload_progress(upload_id: int) -> Response:
    record = db.session.get(Upload, upload_id) or abort(404)
    return jsonify(
        {
            "id": record.id,
            "file": record.filename,
            "status": record.status,
            "status_label": str(upload_status_labels().get(record.status, record.status)),
            "pages_total": record.pages_total,
            "pages_done": record.pages_done,
            "error": record.error,
            "totals": queries.upload_totals(db.session, record),
        }
    )


@bp.route("/uploads/<int:upload_id>")
@roles(*STAFF)
def upload_report(upload_id: int) -> str:
    record = db.session.get(Upload, upload_id) or abort(404)
    pages = queries.upload_pages(db.session, record)
    return render_template(
        "scans/upload.html", upload=record, pages=pages, format_serial=format_serial
    )
