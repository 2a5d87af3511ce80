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
from integrity.scans.domain.codes import format_serial
from integrity.scans.domain.reader import thumbnail
from integrity.scans.forms import AttachForm, DiscardForm, ResolveForm
from integrity.scans.labels import page_status_labels
from integrity.scans.models import PageStatus, ScanPage, Upload
from integrity.scans.services import kits, queue
from integrity.scans.views.blueprint import STAFF, bp, round_or_404
from integrity.settings import settings_of
from integrity.web.access import roles
from integrity.web.forms import acting, attempt, perform, settle

THUMB_WIDTH = 360


@bp.route("/rounds/<int:round_id>/queue")
@roles(*STAFF)
def page_queue(round_id: int) -> str:
    round_ = round_or_404(round_id)
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
    data = settle(lambda: queue.queue_image(page, settings_of(current_app))).value or abort(404)
    if not request.args.get("full"):
        data = thumbnail(data, THUMB_WIDTH)
    response = make_response(data)
    response.headers["Content-Type"] = "image/jpeg"
    response.headers["Cache-Control"] = "no-store"
    return response


def _queued(page_id: int) -> tuple[ScanPage, Response]:
    """The page, and the way back to its round's queue."""
    page = db.session.get(ScanPage, page_id) or abort(404)
    upload = db.session.get(Upload, page.upload_id)
    assert upload is not None
    return page, redirect(url_for("scans.page_queue", round_id=upload.round_id))


@bp.route("/pages/<int:page_id>/resolve", methods=["POST"])
@roles(*STAFF)
def resolve_page(page_id: int) -> Response:
    page, back = _queued(page_id)
    form = ResolveForm()
    if not form.validate_on_submit():
        abort(400)
    status = attempt(None, lambda: queue.resolve_typed(
        db.session, actor=acting(), page=page, text=form.code.data or "",
        quarter_turns=form.turns.data or 0, settings=settings_of(current_app),
    ))  # fmt: skip
    if status is not None:
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
