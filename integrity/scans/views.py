"""The IT specialist's screens: kits, uploads with progress, the page queue, the freeze.

No screen here shows a jury cipher: pages are known by upload and position, booklets by serial.
"""

from __future__ import annotations

import io
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
from flask_login import current_user
from PIL import Image
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from integrity.accounts.domain import Role
from integrity.errors import DomainError
from integrity.extensions import db
from integrity.registry.models import Entry, Room, Round
from integrity.scans.domain.codes import format_serial
from integrity.scans.forms import AttachForm, DiscardForm, PrintForm, ResolveForm, VoidForm
from integrity.scans.models import (
    Booklet,
    BookletStatus,
    PageStatus,
    PrintRun,
    ScanPage,
    ScanRound,
    Upload,
    UploadStatus,
    Work,
)
from integrity.scans.services import ingest, kits, queue
from integrity.scans.wiring import demo_scans_path, freeze_steps_of
from integrity.settings import settings_of
from integrity.web.access import roles
from integrity.web.forms import choice_list

bp = Blueprint("scans", __name__, url_prefix="/scans")

STAFF = (Role.ADMIN, Role.ORGANISER, Role.IT_SPECIALIST)
THUMB_WIDTH = 360


def page_status_labels() -> dict[str, str]:
    return {
        "cover": _("cover"),
        "answer": _("answer page"),
        "extra": _("extra sheet"),
        "unreadable": _("unreadable"),
        "foreign": _("foreign"),
        "duplicate": _("duplicate"),
        "discarded": _("discarded"),
    }


def detail_label(detail: str | None) -> str:
    """A page's problem in words: the codes the reader records, translated."""
    if not detail:
        return ""
    labels = {
        "no_code": _("no code could be read"),
        "conflict": _("the codes on the page disagree"),
        "corner_mismatch": _("a code is not in the corner it names"),
        "page out of range": _("the booklet has no such page"),
        "unknown serial": _("no kit of this round has this serial"),
        "voided serial": _("this kit was voided"),
        "wrong code type": _("the code's type does not match its sheet"),
        "too_large": _("the page is far too large to be a scanned sheet"),
        "cover again": _("this cover was already scanned; a cover's image is shown to nobody"),
    }
    if detail.startswith("round "):
        return str(_("a page of round %(code)s", code=detail.removeprefix("round ")))
    return str(labels.get(detail, detail))


def scope_label(scope: str) -> str:
    kind, _sep, value = scope.partition(":")
    if kind == "room":
        return str(_("room %(name)s", name=value))
    if kind == "entry":
        return str(_("entry %(n)s", n=value))
    if kind == "reissue":
        return str(_("a re-issued kit"))
    return str(_("the whole round"))


def upload_status_labels() -> dict[str, str]:
    return {
        "queued": _("waiting"),
        "processing": _("reading"),
        "done": _("done"),
        "failed": _("failed"),
    }


# Only the scan pages use these labels; every other page would pay for them.
@bp.context_processor
def scan_labels() -> dict[str, object]:
    return {
        "page_status_labels": page_status_labels(),
        "detail_label": detail_label,
        "scope_label": scope_label,
        "upload_status_labels": upload_status_labels(),
    }


def _round(round_id: int) -> Round:
    return db.session.get(Round, round_id) or abort(404)


def _fail(exc: DomainError) -> None:
    db.session.rollback()
    flash(str(exc.message), "error")


@bp.route("/")
@roles(*STAFF)
def index() -> str:
    rounds = db.session.execute(select(Round).order_by(Round.id.desc())).scalars().all()
    states = {s.round_id: s for s in db.session.execute(select(ScanRound)).scalars()}
    return render_template("scans/index.html", rounds=rounds, states=states)


def _round_page(round_: Round, **forms: Any) -> str:
    state = db.session.get(ScanRound, round_.id)
    rooms = (
        db.session.execute(
            select(Room)
            .join(Entry, Entry.room_id == Room.id)
            .where(Entry.round_id == round_.id)
            .distinct()
            .order_by(Room.name)
        )
        .scalars()
        .all()
    )
    print_form = forms.get("print_form") or PrintForm()
    print_form.room_id.choices = choice_list(
        [(0, _("the whole round")), *((r.id, _("room %(name)s", name=r.name)) for r in rooms)]
    )
    uploads = (
        db.session.execute(
            select(Upload).where(Upload.round_id == round_.id).order_by(Upload.id.desc())
        )
        .scalars()
        .all()
    )
    totals = dict(
        db.session.execute(
            select(ScanPage.status, func.count())
            .join(Upload, ScanPage.upload_id == Upload.id)
            .where(Upload.round_id == round_.id)
            .group_by(ScanPage.status)
        ).all()
    )
    return render_template(
        "scans/round.html",
        chunk_size=min(int(settings_of(current_app).upload_chunk_mb), 8) << 20,
        upload_labels={
            "sending": _("sending…"),
            "resuming": _("connection lost; resuming…"),
            "storing": _("received; storing…"),
            "known": _("uploaded before; nothing changed"),
            "failed": _("failed"),
        },
        demo_scans=demo_scans_path(current_app, round_.id).exists(),
        round=round_,
        state=state,
        print_form=print_form,
        void_form=forms.get("void_form") or VoidForm(),
        runs=db.session.execute(
            select(PrintRun).where(PrintRun.round_id == round_.id).order_by(PrintRun.id.desc())
        )
        .scalars()
        .all(),
        booklets=db.session.scalar(
            select(func.count())
            .select_from(Booklet)
            .where(Booklet.round_id == round_.id, Booklet.status == BookletStatus.ISSUED)
        ),
        works=db.session.scalar(
            select(func.count()).select_from(Work).where(Work.round_id == round_.id)
        ),
        uploads=uploads,
        totals={k.value if hasattr(k, "value") else k: v for k, v in totals.items()},
        check=queue.freeze_check(db.session, round_, freeze_steps_of(current_app))
        if state is None or state.frozen_at is None
        else None,
    )


@bp.route("/rounds/<int:round_id>")
@roles(*STAFF)
def round_(round_id: int) -> str:
    return _round_page(_round(round_id))


@bp.route("/rounds/<int:round_id>/kits", methods=["POST"])
@roles(*STAFF)
def print_kits(round_id: int) -> str | Response:
    round_ = _round(round_id)
    form = PrintForm()
    form.room_id.choices = choice_list(
        [(0, ""), *((r.id, r.name) for r in db.session.execute(select(Room)).scalars())]
    )
    if not form.validate_on_submit():
        return _round_page(round_, print_form=form)
    room = db.session.get(Room, form.room_id.data) if form.room_id.data else None
    entry = db.session.get(Entry, form.entry_id.data) if form.entry_id.data else None
    if form.entry_id.data and entry is None:
        form.entry_id.errors = [_("No entry with this number.")]
        return _round_page(round_, print_form=form)
    try:
        run, _pdf = kits.print_kits(
            db.session,
            actor=current_user.as_actor(),
            round_=round_,
            room=room,
            entry=entry,
            extra_sheets=form.extra_sheets.data or 0,
        )
    except DomainError as exc:
        _fail(exc)
        return _round_page(round_, print_form=form)
    db.session.commit()
    flash(
        _("Kits ready: %(kits)d, %(pages)d pages.", kits=run.booklets, pages=run.pages), "success"
    )
    return redirect(url_for("scans.round_", round_id=round_.id, _anchor="kits"))


@bp.route("/print-runs/<int:run_id>.pdf")
@roles(*STAFF)
def print_run_pdf(run_id: int) -> Response:
    run = db.session.get(PrintRun, run_id) or abort(404)
    response = make_response(kits.print_run_pdf(run))
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="kits-round-{run.round_id}-{run.id}.pdf"'
    )
    return response


@bp.route("/rounds/<int:round_id>/void", methods=["POST"])
@roles(*STAFF)
def void_kit(round_id: int) -> str | Response:
    round_ = _round(round_id)
    form = VoidForm()
    if not form.validate_on_submit():
        return _round_page(round_, void_form=form)
    try:
        new, _run, _pdf = kits.void_and_reissue(
            db.session,
            actor=current_user.as_actor(),
            serial=kits.parse_serial(form.serial.data or ""),
            reason=form.reason.data or "",
        )
    except DomainError as exc:
        db.session.rollback()
        field = getattr(form, str(exc.details.get("field", "")), None)
        if field is not None:
            field.errors = [str(exc.message)]
        else:
            flash(str(exc.message), "error")
        return _round_page(round_, void_form=form)
    db.session.commit()
    flash(
        _(
            "The kit is voided; the new kit %(serial)s is ready to print.",
            serial=format_serial(new.serial),
        ),
        "success",
    )
    return redirect(url_for("scans.round_", round_id=round_.id, _anchor="kits"))


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


@bp.route("/rounds/<int:round_id>/uploads", methods=["POST"])
@roles(*STAFF)
def upload(round_id: int) -> Response | tuple[Response, int]:
    """Store each file, then queue it for reading; the page polls each upload's progress."""
    from integrity import jobs
    from integrity.scans.tasks import INGEST

    round_ = _round(round_id)
    files = [f for f in request.files.getlist("files") if f and f.filename]
    accepted: list[dict[str, Any]] = []
    refused: list[dict[str, str]] = []
    if not files:
        refused.append({"file": "", "message": _("Choose at least one file.")})
    actor = current_user.as_actor()
    for storage in files:
        try:
            record, created = ingest.create_upload(
                db.session,
                actor=actor,
                round_=round_,
                stream=storage.stream,
                filename=storage.filename or "upload",
            )
        except DomainError as exc:
            db.session.rollback()
            refused.append({"file": storage.filename or "", "message": str(exc.message)})
            continue
        if created or record.status == UploadStatus.FAILED.value:  # sent again: read it again
            jobs.submit(db.session, INGEST, {"upload_id": record.id}, actor=actor)
        db.session.commit()
        accepted.append(
            {"id": record.id, "file": record.filename, "new": created, "pages": record.pages_total}
        )
        jobs.dispatch(db.session, current_app)
    if _wants_json():
        return jsonify({"accepted": accepted, "refused": refused}), (
            422 if refused and not accepted else 200
        )
    for item in accepted:
        message = _(
            "%(file)s: received, %(pages)d pages.", file=item["file"], pages=item["pages"] or 0
        )
        if not item["new"]:
            message = _("%(file)s was uploaded before; nothing changed.", file=item["file"])
        flash(message, "success")
    for item in refused:
        flash(item["message"], "error")
    return redirect(url_for("scans.round_", round_id=round_.id, _anchor="uploads"))


@bp.route("/rounds/<int:round_id>/demo-scans.pdf")
@roles(*STAFF)
def demo_scans(round_id: int) -> Response:
    """The demo's realistic scans of this round, for a newcomer to upload (404 outside the demo)."""
    path = demo_scans_path(current_app, _round(round_id).id)
    if not path.exists():
        abort(404)
    response = make_response(path.read_bytes())
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="demo-scans-round-{round_id}.pdf"'
    )
    return response


@bp.route("/uploads/<int:upload_id>.json")
@roles(*STAFF)
def upload_progress(upload_id: int) -> Response:
    record = db.session.get(Upload, upload_id) or abort(404)
    totals = dict(
        db.session.execute(
            select(ScanPage.status, func.count())
            .where(ScanPage.upload_id == record.id)
            .group_by(ScanPage.status)
        ).all()
    )
    return jsonify(
        {
            "id": record.id,
            "file": record.filename,
            "status": record.status,
            "status_label": upload_status_labels().get(record.status, record.status),
            "pages_total": record.pages_total,
            "pages_done": record.pages_done,
            "error": record.error,
            "totals": {getattr(k, "value", k): v for k, v in totals.items()},
        }
    )


@bp.route("/uploads/<int:upload_id>")
@roles(*STAFF)
def upload_report(upload_id: int) -> str:
    record = db.session.get(Upload, upload_id) or abort(404)
    pages = (
        db.session.execute(
            select(ScanPage).where(ScanPage.upload_id == record.id).order_by(ScanPage.index)
        )
        .scalars()
        .all()
    )
    return render_template(
        "scans/upload.html", upload=record, pages=pages, format_serial=format_serial
    )


@bp.route("/rounds/<int:round_id>/queue")
@roles(*STAFF)
def page_queue(round_id: int) -> str:
    round_ = _round(round_id)
    return render_template(
        "scans/queue.html",
        round=round_,
        pages=queue.queue(db.session, round_),
        resolve_form=ResolveForm(),
        attach_form=AttachForm(),
        discard_form=DiscardForm(),
        format_serial=format_serial,
    )


@bp.route("/pages/<int:page_id>/image.jpg")
@roles(*STAFF)
def page_image(page_id: int) -> Response:
    """A queued page as a person must see it to decide (a thumbnail unless ?full=1)."""
    page = db.session.get(ScanPage, page_id) or abort(404)
    if page.status in (PageStatus.ANSWER, PageStatus.COVER) or page.work_id is not None:
        abort(404)  # pages of works are for jurors, covers for nobody
    try:
        data = queue.queue_image(page)
    except DomainError:
        abort(404)
    if not request.args.get("full"):
        image = Image.open(io.BytesIO(data))
        image.thumbnail((THUMB_WIDTH, THUMB_WIDTH * 2))
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=80)
        data = buffer.getvalue()
    response = make_response(data)
    response.headers["Content-Type"] = "image/jpeg"
    response.headers["Cache-Control"] = "no-store"
    return response


def _page_action(page_id: int, action: str) -> Response:
    page = db.session.get(ScanPage, page_id) or abort(404)
    upload = db.session.get(Upload, page.upload_id)
    assert upload is not None
    actor = current_user.as_actor()
    try:
        if action == "resolve":
            form = ResolveForm()
            if not form.validate_on_submit():
                abort(400)
            status = queue.resolve_typed(
                db.session,
                actor=actor,
                page=page,
                text=form.code.data or "",
                quarter_turns=form.turns.data or 0,
            )
            message = _(
                "Page resolved: %(status)s.",
                status=page_status_labels()[status.value],
            )
        elif action == "attach":
            attach_form = AttachForm()
            if not attach_form.validate_on_submit():
                abort(400)
            queue.attach_extra(
                db.session,
                actor=actor,
                page=page,
                booklet_serial=kits.parse_serial(attach_form.serial.data or ""),
            )
            message = _("The extra sheet is attached to its booklet.")
        else:
            discard_form = DiscardForm()
            if not discard_form.validate_on_submit():
                abort(400)
            queue.discard_page(
                db.session, actor=actor, page=page, reason=discard_form.reason.data or ""
            )
            message = _("Page discarded.")
    except DomainError as exc:
        _fail(exc)
    else:
        db.session.commit()
        flash(message, "success")
    return redirect(url_for("scans.page_queue", round_id=upload.round_id))


@bp.route("/pages/<int:page_id>/resolve", methods=["POST"])
@roles(*STAFF)
def resolve_page(page_id: int) -> Response:
    return _page_action(page_id, "resolve")


@bp.route("/pages/<int:page_id>/attach", methods=["POST"])
@roles(*STAFF)
def attach_page(page_id: int) -> Response:
    return _page_action(page_id, "attach")


@bp.route("/pages/<int:page_id>/discard", methods=["POST"])
@roles(*STAFF)
def discard_page(page_id: int) -> Response:
    return _page_action(page_id, "discard")


@bp.route("/rounds/<int:round_id>/freeze", methods=["POST"])
@roles(*STAFF)
def freeze(round_id: int) -> Response:
    round_ = _round(round_id)
    try:
        queue.freeze_round(
            db.session,
            actor=current_user.as_actor(),
            round_=round_,
            steps=freeze_steps_of(current_app),
        )
    except DomainError as exc:
        _fail(exc)
        return redirect(url_for("scans.round_", round_id=round_.id))
    db.session.commit()
    flash(_("The round's ingest is frozen and its ledger is public."), "success")
    return redirect(url_for("ledger.round_", round_id=round_.id))
