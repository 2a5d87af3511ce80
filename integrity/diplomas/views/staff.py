"""The staff pages: an event's documents and protocols, issuing one document, a protocol's batch
(asked for by one person, approved by another, then downloaded), and a document's status."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from integrity.accounts.domain import Role
from integrity.diplomas import services
from integrity.diplomas.domain import DocType, to_code
from integrity.diplomas.forms import IssueForm
from integrity.diplomas.labels import ANNUL_KIND_NAMES, BATCH_STATES, STATUS_NAMES, TYPE_NAMES
from integrity.diplomas.models import AnnulKind, Batch, BatchState, Diploma, DocumentStatus
from integrity.diplomas.services import rendering
from integrity.extensions import db
from integrity.protocols.models import Protocol
from integrity.registry.models import Event
from integrity.settings import settings_of
from integrity.storage import file_store
from integrity.web.access import roles
from integrity.web.forms import acting, attempt, choice_list, perform

bp = Blueprint("diplomas", __name__, url_prefix="/diplomas")

ISSUERS = (Role.ADMIN, Role.ORGANISER, Role.CHAIR, Role.DIRECTOR)
READERS = (*ISSUERS, Role.OBSERVER)
# What the status form's buttons may ask for; superseding is a re-issue.
STATUS_ACTIONS = {"suspended", "annulled", "valid"}


def _issue_one(event: Event, form: IssueForm) -> Diploma:
    return services.issue_one(
        db.session,
        actor=acting(),
        settings=settings_of(current_app),
        event=event,
        doc_type=DocType.from_code(form.doc_type.data or ""),
        surname=form.surname.data or "",
        given_names=form.given_names.data or "",
        subject=form.subject.data or "",
        grade=form.grade.data or 0,
        school=form.school.data or "",
        language=form.language.data or "kk",
        award_note=form.award_note.data or "",
    )


@bp.route("/events/<int:event_id>", methods=["GET", "POST"])
@roles(*READERS)
def event(event_id: int) -> Any:
    event = db.session.get(Event, event_id) or abort(404)
    form = IssueForm()
    form.subject.choices = choice_list((name, name) for name in services.subject_names(event))
    can_issue = current_user.has_role(*ISSUERS)
    if form.validate_on_submit() and can_issue:
        made = attempt(form, lambda: _issue_one(event, form))
        if made is not None:
            flash(_("Issued %(serial)s.", serial=made.serial), "success")
            return redirect(url_for(".document", diploma_id=made.id))
    return render_template(
        "diplomas/event.html", event=event, page=services.event_page(db.session, event),
        form=form, type_names=TYPE_NAMES, status_names=STATUS_NAMES, batch_states=BATCH_STATES,
        can_issue=can_issue,
    )  # fmt: skip


@bp.route("/protocols/<int:protocol_id>/batches", methods=["POST"])
@roles(*ISSUERS)
def request_batch(protocol_id: int) -> Response:
    protocol = db.session.get(Protocol, protocol_id) or abort(404)
    batch = attempt(None, lambda: services.request_batch(
        db.session, actor=acting(), protocol=protocol,
        language=request.form.get("language", "kk"),
        participation=request.form.get("participation") == "on",
    ))  # fmt: skip
    if batch is None:
        return redirect(url_for(".event", event_id=protocol.round.subject.event_id))
    flash(_("Asked for. Another user approves the batch before anything is issued."), "success")
    return redirect(url_for(".batch", batch_id=batch.id))


@bp.route("/batches/<int:batch_id>")
@roles(*READERS)
def batch(batch_id: int) -> str:
    batch = db.session.get(Batch, batch_id) or abort(404)
    protocol = db.session.get(Protocol, batch.protocol_id) or abort(404)
    return render_template(
        "diplomas/batch.html",
        batch=batch,
        protocol=protocol,
        BatchState=BatchState,
        batch_states=BATCH_STATES,
        can_decide=current_user.has_role(*ISSUERS) and current_user.id != batch.requested_by_id,
    )


def _decide(batch: Batch, approve: bool) -> None:
    """The checker's decision; an approval also queues the rendering, in the same commit."""
    from integrity import jobs
    from integrity.diplomas.tasks import RENDER

    actor, settings = acting(), settings_of(current_app)
    if approve:  # nothing is issued that could not be printed
        rendering.require_public_host(settings)
    services.decide_batch(db.session, actor=actor, settings=settings, batch=batch, approve=approve)
    if approve:
        jobs.submit(db.session, RENDER, {"batch_id": batch.id}, actor=actor)


@bp.route("/batches/<int:batch_id>/approve")
@roles(*ISSUERS)
def confirm_approval(batch_id: int) -> Any:
    """Approving issues the documents for good: this page says how many of each, then asks."""
    batch = db.session.get(Batch, batch_id) or abort(404)
    protocol = db.session.get(Protocol, batch.protocol_id) or abort(404)
    preview = attempt(None, lambda: services.preview_batch(db.session, batch))
    if preview is None or current_user.id == batch.requested_by_id:
        return redirect(url_for(".batch", batch_id=batch.id))
    return render_template(
        "diplomas/approve.html", batch=batch, protocol=protocol, preview=preview,
        type_names=TYPE_NAMES,
    )  # fmt: skip


@bp.route("/batches/<int:batch_id>/decide", methods=["POST"])
@roles(*ISSUERS)
def decide_batch(batch_id: int) -> Response:
    from integrity import jobs

    batch = db.session.get(Batch, batch_id) or abort(404)
    approve = request.form.get("decision") == "approve"
    if approve and request.form.get("confirmed") != "yes":  # only from the confirmation page
        return redirect(url_for(".confirm_approval", batch_id=batch_id))
    if perform(None, lambda: _decide(batch, approve)):
        jobs.dispatch(db.session, current_app)
        if approve:
            flash(_("Approved: the documents are issued and their PDFs are being made."), "success")
        else:
            flash(_("The batch is rejected; nothing was issued."), "success")
    return redirect(url_for(".batch", batch_id=batch_id))


@bp.route("/batches/<int:batch_id>.zip")
@roles(*ISSUERS)
def batch_archive(batch_id: int) -> Response:
    batch = db.session.get(Batch, batch_id) or abort(404)
    if batch.state is not BatchState.DONE or not batch.archive:
        abort(404)
    response = make_response(file_store(settings_of(current_app)).read_bytes(batch.archive))
    response.headers["Content-Type"] = "application/zip"
    response.headers["Content-Disposition"] = f'attachment; filename="diplomas-{batch.id}.zip"'
    return response


@bp.route("/<int:diploma_id>")
@roles(*READERS)
def document(diploma_id: int) -> str:
    doc = db.session.get(Diploma, diploma_id) or abort(404)
    return render_template(
        "diplomas/document.html",
        doc=doc,
        link=rendering.link(doc, settings_of(current_app).host),
        local_link=url_for("verify.link", text=to_code(doc.payload)),
        type_names=TYPE_NAMES,
        status_names=STATUS_NAMES,
        kind_names=ANNUL_KIND_NAMES,
        DocumentStatus=DocumentStatus,
        can_issue=current_user.has_role(*ISSUERS),
    )


@bp.route("/<int:diploma_id>/status", methods=["POST"])
@roles(*ISSUERS)
def change_status(diploma_id: int) -> Response:
    doc = db.session.get(Diploma, diploma_id) or abort(404)
    action, kind = request.form.get("action", ""), request.form.get("kind", "")
    if action in STATUS_ACTIONS and perform(None, lambda: services.set_status(
        db.session, actor=acting(), settings=settings_of(current_app), diploma=doc,
        status=DocumentStatus(action), reason=request.form.get("reason", ""),
        kind=AnnulKind(kind) if kind in set(AnnulKind) else None,
        replaced_by=request.form.get("replaced_by") or None,
    )):  # fmt: skip
        flash(_("The status is changed."), "success")
    return redirect(url_for(".document", diploma_id=doc.id))


@bp.route("/<int:diploma_id>/reissue", methods=["POST"])
@roles(*ISSUERS)
def reissue(diploma_id: int) -> Response:
    doc = db.session.get(Diploma, diploma_id) or abort(404)
    new = attempt(None, lambda: services.reissue(
        db.session, actor=acting(), settings=settings_of(current_app), diploma=doc,
        reason=request.form.get("reason", ""), name=request.form.get("name") or None,
        surname=request.form.get("surname") or None,
    ))  # fmt: skip
    if new is None:
        return redirect(url_for(".document", diploma_id=doc.id))
    flash(_("Re-issued as %(serial)s.", serial=new.serial), "success")
    return redirect(url_for(".document", diploma_id=new.id))


@bp.route("/<int:diploma_id>.pdf")
@roles(*ISSUERS)
def document_pdf(diploma_id: int) -> Response:
    doc = db.session.get(Diploma, diploma_id) or abort(404)
    if doc.status not in services.CHANGEABLE:
        abort(404)
    response = make_response(rendering.render_one(doc, settings_of(current_app)))
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{doc.serial}.pdf"'
    return response


__all__ = ["bp"]
