"""Conflicts of interest: the chair (and the organiser, reading) sees them; the chair decides the
potential ones."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from integrity.accounts.domain import Role
from integrity.extensions import db
from integrity.jury.forms import DecideForm
from integrity.jury.labels import reason_labels
from integrity.jury.services import conflicts
from integrity.jury.views.blueprint import CHAIR, bp, get_round
from integrity.registry.models import Round
from integrity.web.access import roles
from integrity.web.forms import acting, perform


@bp.route("/rounds/<int:round_id>/conflicts")
@roles(*CHAIR, Role.ORGANISER)
def round_conflicts(round_id: int) -> str:
    return _conflicts_page(get_round(round_id), DecideForm())


@bp.route("/rounds/<int:round_id>/conflicts", methods=["POST"])
@roles(*CHAIR)
def decide_conflict(round_id: int) -> Any:
    round_, form = get_round(round_id), DecideForm()
    if form.validate() and perform(
        form,
        lambda: conflicts.decide(
            db.session,
            actor=acting(),
            round_=round_,
            juror_id=int(form.juror_id.data),
            entry_id=int(form.entry_id.data),
            confirmed=form.decision.data == "confirm",
            reason=form.reason.data or "",
        ),
    ):
        flash(_("Decision recorded."), "success")
        return redirect(url_for(".round_conflicts", round_id=round_id))
    return _conflicts_page(round_, form)


def _conflicts_page(round_: Round, form: DecideForm) -> str:
    return render_template(
        "jury/conflicts.html",
        round=round_,
        report=conflicts.check_round(db.session, round_),
        form=form,
        labels=reason_labels(),
        can_decide=current_user.has_role(*CHAIR),
    )
