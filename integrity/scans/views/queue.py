"""The page queue: pages that need a person, shown (masked where they can be) and cleared one
action a route: resolve by typing the code, attach an extra sheet, discard."""

from __future__ import annotations

from flask import (
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
from werkzeug.wrappers import Response

from integrity.extensions import db
from integrity.registry.models import Round
from integrity.scans.domain.codes import format_serial
from integrity.scans.domain.reader import thumbnail
from integrity.scans.forms import AttachForm, DiscardForm, ResolveForm
from integrity.scans.labels import page_status_labels
from integrity.scans.models import PageStatus, ScanPage, ScanRound, Upload
from integrity.scans.services import corners, kits, queue
from integrity.scans.views.blueprint import STAFF, bp, round_or_404
from integrity.scans.wiring import freeze_steps_of
from integrity.settings import settings_of
from integrity.web.access import roles
from integrity.web.forms import acting, attempt, perform, settle

THUMB_WIDTH = 360


def queue_page(round_: Round, kept: dict[int, ResolveForm] | None = None) -> str:
    """The round's queue; ``kept`` holds a refused code form by its page, to show it again with
    what was typed and why it was refused. Once the queue is empty, the freeze is the next step."""
    settings = settings_of(current_app)
    pages = queue.queue(db.session, round_)
    state = db.session.get(ScanRound, round_.id)
    frozen = state is not None and state.frozen_at is not None
    check = None
    if not pages and not frozen:
        check = queue.freeze_check(db.session, round_, freeze_steps_of(current_app), settings)
    return render_template(
        "scans/queue.html",
        round=round_,
        pages=pages,
        corners={p.id: corners.code_corners(p, settings) for p in pages},
        kept=kept or {},
        frozen=frozen,
        check=check,
        resolve_form=ResolveForm(formdata=None),
        attach_form=AttachForm(),
        discard_form=DiscardForm(),
        format_serial=format_serial,
    )


@bp.route("/rounds/<int:round_id>/queue")
@roles(*STAFF)
def page_queue(round_id: int) -> str:
    return queue_page(round_or_404(round_id))


@bp.route("/pages/<int:page_id>/image.jpg")
@roles(*STAFF)
def page_image(page_id: int) -> Response:
    """A queued page as a person must see it to decide (a thumbnail unless ?full=1)."""
    page = db.session.get(ScanPage, page_id) or abort(404)
    if page.status in (PageStatus.ANSWER, PageStatus.COVER) or page.work_id is not None:
        abort(404)  # pages of works are for jurors, covers for nobody
    data = settle(lambda: queue.queue_image(page, settings_of(current_app))).value or abort(404)
    if not request.args.get("full"):
        data = thumbnail(data, THUMB_WIDTH)
    response = make_response(data)
    response.headers["Content-Type"] = "image/jpeg"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/pages/<int:page_id>/corner-<int:corner>.jpg")
@roles(*STAFF)
def page_corner(page_id: int, corner: int) -> Response:
    """A code corner of a page shown as scanned, at the scan's resolution, to read its digits."""
    page = db.session.get(ScanPage, page_id) or abort(404)
    if page.work_id is not None:
        abort(404)
    data = settle(lambda: corners.corner_image(page, corner, settings_of(current_app)))
    response = make_response(data.value or abort(404))
    response.headers["Content-Type"] = "image/jpeg"
    response.headers["Cache-Control"] = "no-store"
    return response


def _round_of(page: ScanPage) -> Round:
    upload = db.session.get(Upload, page.upload_id)
    assert upload is not None
    return round_or_404(upload.round_id)


def _queued(page_id: int) -> tuple[ScanPage, Response]:
    """The page, and the way back to its round's queue."""
    page = db.session.get(ScanPage, page_id) or abort(404)
    upload = db.session.get(Upload, page.upload_id)
    assert upload is not None
    return page, redirect(url_for("scans.page_queue", round_id=upload.round_id))


@bp.route("/pages/<int:page_id>/resolve", methods=["POST"])
@roles(*STAFF)
def resolve_page(page_id: int) -> str | Response:
    """A refused code comes back in its field, as typed, with the reason beside it."""
    page, back = _queued(page_id)
    form = ResolveForm()
    status = form.validate_on_submit() and attempt(form, lambda: queue.resolve_typed(
        db.session, actor=acting(), page=page, text=form.code.data or "",
        quarter_turns=form.turns.data or 0, settings=settings_of(current_app),
    ))  # fmt: skip
    if not status:
        return queue_page(_round_of(page), kept={page.id: form})
    flash(_("Page resolved: %(status)s.", status=page_status_labels()[status.value]), "success")
    return back


@bp.route("/pages/<int:page_id>/attach", methods=["POST"])
@roles(*STAFF)
def attach_page(page_id: int) -> Response:
    page, back = _queued(page_id)
    form = AttachForm()
    if not form.validate_on_submit():
        abort(400)
    if perform(None, lambda: queue.attach_extra(
        db.session, actor=acting(), page=page,
        booklet_serial=kits.parse_serial(form.serial.data or ""), settings=settings_of(current_app),
    )):  # fmt: skip
        flash(_("The extra sheet is attached to its booklet."), "success")
    return back


@bp.route("/pages/<int:page_id>/discard", methods=["POST"])
@roles(*STAFF)
def discard_page(page_id: int) -> Response:
    page, back = _queued(page_id)
    form = DiscardForm()
    if not form.validate_on_submit():
        abort(400)
    if perform(None, lambda: queue.discard_page(
        db.session, actor=acting(), page=page, reason=form.reason.data or "",
        settings=settings_of(current_app),
    )):  # fmt: skip
        flash(_("Page discarded."), "success")
    return back
