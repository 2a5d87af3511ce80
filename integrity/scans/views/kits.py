"""Printing a round's kits, fetching a print run's PDF, voiding a spoiled kit."""

from __future__ import annotations

from flask import abort, current_app, flash, make_response, redirect, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from integrity.extensions import db
from integrity.registry.models import Entry, Room
from integrity.scans.domain.codes import format_serial
from integrity.scans.forms import PrintForm, VoidForm
from integrity.scans.models import PrintRun
from integrity.scans.services import kits, queries
from integrity.scans.views.blueprint import STAFF, bp, round_or_404, round_page
from integrity.settings import settings_of
from integrity.web.access import roles
from integrity.web.forms import acting, attempt, choice_list


@bp.route("/rounds/<int:round_id>/kits", methods=["POST"])
@roles(*STAFF)
def print_kits(round_id: int) -> str | Response:
    round_ = round_or_404(round_id)
    form = PrintForm()
    form.room_id.choices = choice_list(
        [(0, ""), *((r.id, r.name) for r in queries.all_rooms(db.session))]
    )
    if not form.validate_on_submit():
        return round_page(round_, print_form=form)
    room = db.session.get(Room, form.room_id.data) if form.room_id.data else None
    entry = db.session.get(Entry, form.entry_id.data) if form.entry_id.data else None
    if form.entry_id.data and entry is None:
        form.entry_id.errors = [_("No entry with this number.")]
        return round_page(round_, print_form=form)
    printed = attempt(None, lambda: kits.print_kits(
        db.session, actor=acting(), round_=round_, room=room, entry=entry,
        extra_sheets=form.extra_sheets.data or 0, settings=settings_of(current_app),
    ))  # fmt: skip
    if printed is None:
        return round_page(round_, print_form=form)
    run, _pdf = printed
    flash(
        _("Kits ready: %(kits)d, %(pages)d pages.", kits=run.booklets, pages=run.pages), "success"
    )
    return redirect(url_for("scans.round_", round_id=round_.id, _anchor="kits"))


@bp.route("/print-runs/<int:run_id>.pdf")
@roles(*STAFF)
def print_run_pdf(run_id: int) -> Response:
    run = db.session.get(PrintRun, run_id) or abort(404)
    response = make_response(kits.print_run_pdf(run, settings_of(current_app)))
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="kits-round-{run.round_id}-{run.id}.pdf"'
    )
    return response


@bp.route("/rounds/<int:round_id>/void", methods=["POST"])
@roles(*STAFF)
def void_kit(round_id: int) -> str | Response:
    round_ = round_or_404(round_id)
    form = VoidForm()
    if not form.validate_on_submit():
        return round_page(round_, void_form=form)
    done = attempt(form, lambda: kits.void_and_reissue(
        db.session, actor=acting(), serial=kits.parse_serial(form.serial.data or ""),
        reason=form.reason.data or "", settings=settings_of(current_app),
    ))  # fmt: skip
    if done is None:
        return round_page(round_, void_form=form)
    new, _run, _pdf = done
    message = _("The kit is voided; the new kit %(serial)s is ready to print.",
                serial=format_serial(new.serial))  # fmt: skip
    flash(message, "success")
    return redirect(url_for("scans.round_", round_id=round_.id, _anchor="kits"))
