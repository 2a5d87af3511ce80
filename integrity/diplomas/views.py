"""Diploma screens: the public verification page and look-up, the published key and status lists,
and the staff pages where batches are asked for, approved and downloaded."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from integrity.accounts.domain import Role
from integrity.audit.chain import Actor
from integrity.diplomas import keys, rendering, services, verifying
from integrity.diplomas.domain import DocType, Serial, SerialError, to_code
from integrity.diplomas.domain.published import Result, Verdict
from integrity.diplomas.forms import IssueForm, LookupForm
from integrity.diplomas.models import Batch, BatchState, Diploma, DocumentStatus
from integrity.extensions import address_and, address_limit, db, limiter
from integrity.logs import note, private_path
from integrity.protocols.models import Protocol, ProtocolState
from integrity.registry.models import Event, Round, Subject
from integrity.settings import settings_of
from integrity.storage import file_store
from integrity.web import language_links, select_locale
from integrity.web.access import public, roles
from integrity.web.forms import choice_list, perform

verify_bp = Blueprint("verify", __name__)
bp = Blueprint("diplomas", __name__, url_prefix="/diplomas")

ISSUERS = (Role.ADMIN, Role.ORGANISER, Role.CHAIR, Role.DIRECTOR)
READERS = (*ISSUERS, Role.OBSERVER)
TYPE_NAMES = {
    "D1": _l("Diploma of the I degree"),
    "D2": _l("Diploma of the II degree"),
    "D3": _l("Diploma of the III degree"),
    "CP": _l("Certificate of participation"),
    "AH": _l("Letter of commendation"),
    "SP": _l("Special prize"),
}
BATCH_STATES = {
    BatchState.REQUESTED: _l("waiting for approval"),
    BatchState.REJECTED: _l("rejected"),
    BatchState.APPROVED: _l("issued, PDFs being made"),
    BatchState.DONE: _l("issued, PDFs ready"),
    BatchState.FAILED: _l("PDFs failed"),
}
STATUS_NAMES = {
    DocumentStatus.VALID: _l("valid"),
    DocumentStatus.SUSPENDED: _l("suspended"),
    DocumentStatus.ANNULLED: _l("annulled"),
    DocumentStatus.SUPERSEDED: _l("superseded"),
}


def _noindex(response: Response) -> Response:
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Cache-Control"] = "no-store"
    return response


def _log_verdict(result: Result, how: str) -> None:
    # Serial and verdict only: never the name, the surname typed, or the client's address.
    # On the request's own log line: this runs on every QR scan.
    serial = str(result.payload.serial) if result.payload else None
    note(event="diploma_check", how=how, serial=serial, verdict=result.verdict.value)


@lru_cache(maxsize=8)
def _page_texts(locale: str) -> dict[str, str]:
    """The verification page's words in one language, translated once per process: the page
    answers every QR scan, and twenty gettext calls a request were a fifth of its cost."""
    del locale  # the cache key; the request's own locale is the one translated
    texts = {
        "title": _("Diploma check"),
        "language": _("Language"),
        "genuine": _("Genuine"),
        "genuine_text": _(
            "This document was issued by us and is valid. Compare the details below with the paper."
        ),
        "suspended": _("Suspended"),
        "suspended_text": _(
            "This document was issued by us but is suspended since %(date)s while an appeal or a "
            "check is pending.",
            date="{date}",
        ),
        "annulled": _("Annulled"),
        "annulled_text": _(
            "This document was issued by us and annulled on %(date)s. It is no longer valid.",
            date="{date}",
        ),
        "superseded": _("Replaced"),
        "superseded_text": _(
            "This document was replaced by a corrected one with the serial %(serial)s on "
            "%(date)s; only the new one is valid.",
            serial="{serial}",
            date="{date}",
        ),
        "not_issued": _("Not issued by us"),
        "not_issued_text": _(
            "We did not issue a document with this code. It may be forged or altered. If the "
            "paper has a serial number, you can check it by hand below."
        ),
        "facts": _("What the paper must say"),
        "serial": _("Serial number"),
        "document": _("Document"),
        "awarded_to": _("Awarded to"),
        "grade": _("Grade"),
        "subject": _("Subject"),
        "event": _("Event"),
        "school": _("School"),
        "issued_on": _("Issued on"),
        "by_serial": _("Check by serial number"),
        "offline": _("Keys and the status list for checking without the internet:"),
        "keys": _("keys"),
        "status_list": _("status list"),
    }
    texts |= {f"type_{code}": str(name) for code, name in TYPE_NAMES.items()}
    return texts


@lru_cache(maxsize=8)
def _page_links(script_root: str) -> dict[str, str]:
    """The verification page's fixed links, built once per mount point instead of per scan."""
    del script_root  # the cache key; url_for reads the request's own
    return {
        "css": url_for("static", filename="app.css"),
        "favicon": url_for("static", filename="favicon.svg"),
        "home": url_for("public.home"),
        "lookup": url_for("verify.lookup"),
        "keys": url_for("verify.key_list"),
        "status_list": url_for("verify.status_list"),
    }


def _verdict_page(result: Result, doc: verifying.Found | None) -> Response:
    # Rendered straight from the environment: the page uses no context processor (no user, no
    # form, no navigation), and the locale is decided once, not once for each of them.
    locale = select_locale()
    page = current_app.jinja_env.get_template("diplomas/verdict.html").render(
        result=result,
        doc=doc,
        Verdict=Verdict,
        t=_page_texts(locale),
        links=_page_links(request.script_root),
        current_locale=locale,
    )
    return _noindex(make_response(page))


@verify_bp.route("/v/<string:text>")
@public
@private_path
@language_links
def link(text: str) -> Response:
    """The page a diploma's QR code opens. Any tampering reads as "not issued by us"."""
    result, doc = verifying.check_link(db.session, text)
    _log_verdict(result, "link")
    return _verdict_page(result, doc)


def _lookup_limit() -> str:
    return str(settings_of(current_app).diploma_lookup_rate_limit)


def _serial_problem(text: str) -> str | None:
    try:
        Serial.parse(text)
    except SerialError as exc:
        if exc.reason == "check_digit":
            return str(
                _(
                    "This serial is mistyped: its last digit does not match the others. "
                    "Check each digit against the paper."
                )
            )
        return str(_("This is not a serial number. It looks like ZHD-26-D1-004217-7."))
    return None


@verify_bp.route("/v/", methods=["GET", "POST"])
@limiter.limit(_lookup_limit, methods=["POST"], key_func=lambda: address_and("serial"))
@limiter.limit(address_limit, methods=["POST"])
@public
def lookup() -> Response:
    """Typing the serial and the surname from the paper, for a QR code that will not scan."""
    form = LookupForm()
    if form.validate_on_submit() and (problem := _serial_problem(form.serial.data or "")):
        # Said apart from a miss: the typed text alone shows it, so it tells nothing of the records.
        form.serial.errors = [problem]
    elif form.validate_on_submit():
        doc = verifying.lookup(db.session, form.serial.data or "", form.surname.data or "")
        if doc is not None:
            result, found = verifying.check_blob(db.session, doc.payload)
            _log_verdict(result, "lookup")
            return _verdict_page(result, found)
        note(event="diploma_check", how="lookup", verdict="miss")
        form.serial.errors = [
            _("No diploma matches this serial and surname. Check both against the paper.")
        ]
    return _noindex(make_response(render_template("diplomas/lookup.html", form=form)))


@verify_bp.route("/.well-known/integrity/diploma-keys.json")
@public
def key_list() -> Response:
    response = jsonify(keys.key_list(db.session))
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@verify_bp.route("/.well-known/integrity/diploma-status.json")
@public
def status_list() -> Response:
    document = keys.status_list_document(db.session)
    if document is None:
        abort(404)
    response = jsonify(document)
    response.headers["Cache-Control"] = "public, max-age=60"
    return response


# ---------------------------------------------------------------- staff


def _actor() -> Actor:
    return Actor(current_user.id, current_user.username)


@bp.route("/events/<int:event_id>", methods=["GET", "POST"])
@roles(*READERS)
def event(event_id: int) -> Any:
    event = db.session.get(Event, event_id) or abort(404)
    form = IssueForm()
    form.subject.choices = choice_list(
        [(s.name_kk, s.name_kk) for s in event.subjects]
        + [(s.name_ru, s.name_ru) for s in event.subjects]
    )
    if form.validate_on_submit() and current_user.has_role(*ISSUERS):
        issued: list[Diploma] = []

        def issue() -> None:
            issued.append(
                services.issue_one(
                    db.session,
                    actor=_actor(),
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
            )

        if perform(form, issue):
            flash(_("Issued %(serial)s.", serial=issued[0].serial), "success")
            return redirect(url_for(".document", diploma_id=issued[0].id))
    protocols = (
        db.session.execute(
            select(Protocol)
            .join(Round, Round.id == Protocol.round_id)
            .join(Subject, Subject.id == Round.subject_id)
            .where(Subject.event_id == event.id, Protocol.state == ProtocolState.FINAL_PUBLISHED)
            .order_by(Subject.code, Protocol.grade)
        )
        .scalars()
        .all()
    )
    batches = {
        p.id: db.session.execute(
            select(Batch).where(Batch.protocol_id == p.id).order_by(Batch.id)
        ).scalars().all()
        for p in protocols
    }  # fmt: skip
    docs = (
        db.session.execute(
            select(Diploma).where(Diploma.event_id == event.id).order_by(Diploma.serial)
        )
        .scalars()
        .all()
    )
    return render_template(
        "diplomas/event.html",
        event=event,
        protocols=protocols,
        batches=batches,
        docs=docs,
        form=form,
        type_names=TYPE_NAMES,
        status_names=STATUS_NAMES,
        batch_states=BATCH_STATES,
        can_issue=current_user.has_role(*ISSUERS),
    )


@bp.route("/protocols/<int:protocol_id>/batches", methods=["POST"])
@roles(*ISSUERS)
def request_batch(protocol_id: int) -> Response:
    protocol = db.session.get(Protocol, protocol_id) or abort(404)
    made: list[Batch] = []
    if perform(
        None,
        lambda: made.append(
            services.request_batch(
                db.session,
                actor=_actor(),
                protocol=protocol,
                language=request.form.get("language", "kk"),
                participation=request.form.get("participation") == "on",
            )
        ),
    ):
        flash(_("Asked for. Another user approves the batch before anything is issued."), "success")
        return redirect(url_for(".batch", batch_id=made[0].id))
    return redirect(url_for(".event", event_id=protocol.round.subject.event_id))


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


@bp.route("/batches/<int:batch_id>/decide", methods=["POST"])
@roles(*ISSUERS)
def decide_batch(batch_id: int) -> Response:
    from integrity import jobs
    from integrity.diplomas.tasks import RENDER

    batch = db.session.get(Batch, batch_id) or abort(404)
    approve = request.form.get("decision") == "approve"

    def decide() -> None:
        actor = _actor()
        services.decide_batch(db.session, actor=actor, batch=batch, approve=approve)
        if approve:
            jobs.submit(db.session, RENDER, {"batch_id": batch.id}, actor=actor)

    if perform(None, decide):
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


@bp.route("/<int:diploma_id>", methods=["GET", "POST"])
@roles(*READERS)
def document(diploma_id: int) -> Any:
    doc = db.session.get(Diploma, diploma_id) or abort(404)
    if request.method == "POST":
        if not current_user.has_role(*ISSUERS):
            abort(403)
        action, reason = request.form.get("action", ""), request.form.get("reason", "")
        if action == "reissue":
            made: list[Diploma] = []

            def reissue() -> None:
                made.append(
                    services.reissue(
                        db.session,
                        actor=_actor(),
                        diploma=doc,
                        reason=reason,
                        name=request.form.get("name") or None,
                        surname=request.form.get("surname") or None,
                    )
                )

            if perform(None, reissue):
                flash(_("Re-issued as %(serial)s.", serial=made[0].serial), "success")
                return redirect(url_for(".document", diploma_id=made[0].id))
        elif action in {"suspended", "annulled", "valid"}:
            status = DocumentStatus(action)
            if perform(
                None,
                lambda: services.set_status(
                    db.session, actor=_actor(), diploma=doc, status=status, reason=reason
                ),
            ):
                flash(_("The status is changed."), "success")
        return redirect(url_for(".document", diploma_id=doc.id))
    return render_template(
        "diplomas/document.html",
        doc=doc,
        link=rendering.link(doc),
        local_link=url_for("verify.link", text=to_code(doc.payload)),
        type_names=TYPE_NAMES,
        status_names=STATUS_NAMES,
        DocumentStatus=DocumentStatus,
        can_issue=current_user.has_role(*ISSUERS),
    )


@bp.route("/<int:diploma_id>.pdf")
@roles(*ISSUERS)
def document_pdf(diploma_id: int) -> Response:
    doc = db.session.get(Diploma, diploma_id) or abort(404)
    if doc.status not in services.CHANGEABLE:
        abort(404)
    response = make_response(rendering.render_one(db.session, doc))
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{doc.serial}.pdf"'
    return response


__all__ = ["bp", "verify_bp"]
