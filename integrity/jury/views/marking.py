"""Marking as the chair watches it: progress, discrepancies and statistics; the chair decides a
task the markers could not settle, or returns a submitted marking to its juror (one POST route
each)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from integrity.extensions import db
from integrity.jury.forms import ChairDecisionForm, ReturnForm, ReturnRowForm
from integrity.jury.labels import marking_state_labels
from integrity.jury.services import marking, queries
from integrity.jury.views.blueprint import CHAIR, WATCHERS, bp, get_round
from integrity.registry.domain.kinds import units_to_points
from integrity.registry.models import Round
from integrity.web.access import roles
from integrity.web.forms import acting, perform


@bp.route("/rounds/<int:round_id>/marking")
@roles(*WATCHERS)
def round_marking(round_id: int) -> str:
    return _marking_page(get_round(round_id))


def _return_form(progress: list[marking.JurorProgress]) -> ReturnForm:
    form = ReturnForm(prefix="return")
    form.juror_id.choices = [(p.juror.id, p.juror.full_name) for p in progress]
    return form


def _marking_page(round_: Round, **posted: FlaskForm) -> str:
    """The page, with the form just posted (and refused) in place of its blank twin."""
    page = queries.marking_page(db.session, round_)
    forms: dict[str, FlaskForm] = {
        "form": ChairDecisionForm(prefix="decide"),
        "return_form": _return_form(page.progress),
        "row_form": ReturnRowForm(prefix="row"),
        **posted,
    }
    return render_template(
        "jury/marking.html",
        round=round_,
        progress=page.progress,
        discrepancies=page.discrepancies,
        stats=page.stats_by_juror,
        marking_states=marking_state_labels(),
        units_to_points=units_to_points,
        can_act=current_user.has_role(*CHAIR),
        **forms,
    )


@bp.route("/rounds/<int:round_id>/marking/return", methods=["POST"])
@roles(*CHAIR)
def return_marking(round_id: int) -> Any:
    round_ = get_round(round_id)
    form = _return_form(marking.progress(db.session, round_))
    if form.validate() and perform(
        form,
        lambda: marking.return_marking(db.session, actor=acting(), round_=round_,
                                       cipher=form.cipher.data or "",
                                       juror_id=form.juror_id.data, reason=form.reason.data or ""),
    ):  # fmt: skip
        flash(_("The marking is back with its juror."), "success")
        return redirect(url_for(".round_marking", round_id=round_id))
    return _marking_page(round_, return_form=form)


@bp.route("/rounds/<int:round_id>/marking/return-row", methods=["POST"])
@roles(*CHAIR)
def return_row_marking(round_id: int) -> Any:
    """A discrepancy row's button: that marking goes back to its juror, no cipher typed."""
    round_, form = get_round(round_id), ReturnRowForm(prefix="row")
    if form.validate() and perform(
        form,
        lambda: marking.return_assignment(db.session, actor=acting(), round_=round_,
                                          assignment_id=form.assignment_id.data or 0,
                                          reason=form.reason.data or ""),
    ):  # fmt: skip
        flash(_("The marking is back with its juror."), "success")
        return redirect(url_for(".round_marking", round_id=round_id))
    return _marking_page(round_, row_form=form)


@bp.route("/rounds/<int:round_id>/marking/decide", methods=["POST"])
@roles(*CHAIR)
def decide_score(round_id: int) -> Any:
    round_, form = get_round(round_id), ChairDecisionForm(prefix="decide")
    if form.validate():
        score_id = int(form.score_id.data or 0)
        score = queries.score_of_round(db.session, round_, score_id) or abort(404)
        if perform(form, lambda: marking.chair_decide(db.session, actor=acting(), score=score,
                                                      units=form.units(),
                                                      reason=form.reason.data or "")):  # fmt: skip
            flash(_("Decision recorded."), "success")
            return redirect(url_for(".round_marking", round_id=round_id))
    return _marking_page(round_, form=form)
