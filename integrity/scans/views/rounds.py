"""A round's scans at a glance, the demo's scans to try, and the freeze."""

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
from integrity.scans.services import queries, queue
from integrity.scans.views.blueprint import STAFF, bp, round_or_404, round_page
from integrity.scans.wiring import demo_scans_path, freeze_steps_of
from integrity.settings import settings_of
from integrity.web.access import roles
from integrity.web.forms import acting, perform


@bp.route("/")
@roles(*STAFF)
def index() -> str:
    rounds, states = queries.rounds_overview(db.session)
    return render_template("scans/index.html", rounds=rounds, states=states)


@bp.route("/rounds/<int:round_id>")
@roles(*STAFF)
def round_(round_id: int) -> str:
    return round_page(round_or_404(round_id))


@bp.route("/rounds/<int:round_id>/demo-scans.pdf")
@roles(*STAFF)
def demo_scans(round_id: int) -> Response:
    """The demo's realistic scans of this round, for a newcomer to upload (404 outside the demo)."""
    path = demo_scans_path(current_app, round_or_404(round_id).id)
    if not path.exists():
        abort(404)
    response = make_response(path.read_bytes())
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="demo-scans-round-{round_id}.pdf"'
    )
    return response


@bp.route("/rounds/<int:round_id>/freeze")
@roles(*STAFF)
def confirm_freeze(round_id: int) -> str:
    """Freezing cannot be undone: this page says what it does and what it will publish first."""
    round_ = round_or_404(round_id)
    summary = queries.freeze_summary(
        db.session, round_, freeze_steps_of(current_app), settings_of(current_app)
    )
    return render_template("scans/freeze.html", round=round_, summary=summary)


@bp.route("/rounds/<int:round_id>/freeze", methods=["POST"])
@roles(*STAFF)
def freeze(round_id: int) -> Response:
    round_ = round_or_404(round_id)
    if request.form.get("confirmed") != "yes":  # only the confirmation page's button freezes
        return redirect(url_for("scans.confirm_freeze", round_id=round_.id))
    frozen = perform(None, lambda: queue.freeze_round(
        db.session, actor=acting(), round_=round_, steps=freeze_steps_of(current_app),
        settings=settings_of(current_app),
    ))  # fmt: skip
    if not frozen:
        return redirect(url_for("scans.confirm_freeze", round_id=round_.id))
    flash(_("The round's ingest is frozen and its ledger is public."), "success")
    return redirect(url_for("ledger.round_", round_id=round_.id))
