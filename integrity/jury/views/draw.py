"""The draw ceremony's page: the watchers see it; the chair takes each step by its own POST route
(freeze, commit, contribute, reveal, cancel), which goes back to the page once committed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from integrity.extensions import db
from integrity.jury.forms import ContributionForm, FreezeForm, ReasonForm
from integrity.jury.labels import MODES, state_labels
from integrity.jury.models import Draw, DrawState
from integrity.jury.services import draws, queries
from integrity.jury.views.blueprint import CHAIR, WATCHERS, bp, get_round, json_download
from integrity.registry.models import Round
from integrity.settings import settings_of
from integrity.web.access import roles
from integrity.web.forms import acting, perform


@bp.route("/rounds/<int:round_id>/draw")
@roles(*WATCHERS)
def round_draw(round_id: int) -> str:
    round_ = get_round(round_id)
    freeze_form = FreezeForm(prefix="freeze")
    freeze_form.mode.data = "panel" if round_.subject.event.kind.uses_panels else "double"
    return _draw_page(round_, freeze_form=freeze_form)


def _draw_page(round_: Round, **posted: FlaskForm) -> str:
    """The page, with the form just posted (and refused) in place of its blank twin."""
    forms: dict[str, FlaskForm] = {
        "freeze_form": FreezeForm(prefix="freeze"),
        "contribution_form": ContributionForm(prefix="roll"),
        "cancel_form": ReasonForm(prefix="cancel"),
        **posted,
    }
    page = queries.draw_page(db.session, round_)
    return render_template(
        "jury/draw.html",
        round=round_,
        draw=page.draw,
        manifest=page.manifest,
        pool=page.pool,
        states=state_labels(),
        modes=dict(MODES),
        can_act=current_user.has_role(*CHAIR),
        DrawState=DrawState,
        min_contributions=draws.MIN_CONTRIBUTIONS,
        **forms,
    )


@bp.route("/rounds/<int:round_id>/draw/freeze", methods=["POST"])
@roles(*CHAIR)
def freeze_draw(round_id: int) -> Any:
    round_, form = get_round(round_id), FreezeForm(prefix="freeze")
    if form.validate() and perform(
        form,
        lambda: draws.freeze(db.session, actor=acting(), round_=round_, mode=form.mode.data,
                             size=form.size.data, capacities=form.capacity_map()),
    ):  # fmt: skip
        return redirect(url_for(".round_draw", round_id=round_id))
    return _draw_page(round_, freeze_form=form)


def _step(round_id: int, step: Callable[[Draw], object], **posted: FlaskForm) -> Any:
    """A step on the round's draw under way: committed and back to the page, or the page again
    with the refusal (nothing happens when no draw is under way)."""
    round_ = get_round(round_id)
    draw = draws.active_draw(db.session, round_)
    form = next(iter(posted.values()), None)
    if draw is not None and (form is None or form.validate()):
        if perform(form, lambda: step(draw)):
            return redirect(url_for(".round_draw", round_id=round_id))
    return _draw_page(round_, **posted)


@bp.route("/rounds/<int:round_id>/draw/commit", methods=["POST"])
@roles(*CHAIR)
def commit_draw(round_id: int) -> Any:
    settings = settings_of(current_app)
    return _step(
        round_id,
        lambda draw: draws.commit(db.session, actor=acting(), draw=draw, settings=settings),
    )


@bp.route("/rounds/<int:round_id>/draw/contributions", methods=["POST"])
@roles(*CHAIR)
def contribute_to_draw(round_id: int) -> Any:
    form = ContributionForm(prefix="roll")
    return _step(
        round_id,
        lambda draw: draws.contribute(db.session, actor=acting(), draw=draw,
                                      contributor=form.contributor.data or "",
                                      value=form.value.data or ""),
        contribution_form=form,
    )  # fmt: skip


CONFIRMED = "reveal"  # the confirmation page's button posts confirm=reveal


@bp.route("/rounds/<int:round_id>/draw/reveal")
@roles(*CHAIR)
def confirm_reveal(round_id: int) -> Any:
    """The reveal cannot be undone: a page says what it does, and only its button reveals."""
    round_ = get_round(round_id)
    draw = draws.active_draw(db.session, round_)
    if draw is not None and draw.state is not DrawState.COMMITTED:
        draw = None  # nothing awaits its reveal: the page says so
    return render_template(
        "jury/confirm_reveal.html",
        round=round_,
        draw=draw,
        ready=draw is not None and len(draw.contributions) >= draws.MIN_CONTRIBUTIONS,
        min_contributions=draws.MIN_CONTRIBUTIONS,
        confirmed=CONFIRMED,
    )


@bp.route("/rounds/<int:round_id>/draw/reveal", methods=["POST"])
@roles(*CHAIR)
def reveal_draw(round_id: int) -> Any:
    """The reveal, on the confirmation page's POST only; any other POST shows that page."""
    if request.form.get("confirm") != CONFIRMED:
        return confirm_reveal(round_id)
    settings = settings_of(current_app)
    return _step(
        round_id,
        lambda draw: draws.reveal(db.session, actor=acting(), draw=draw, settings=settings),
    )


@bp.route("/rounds/<int:round_id>/draw/cancel", methods=["POST"])
@roles(*CHAIR)
def cancel_draw(round_id: int) -> Any:
    form = ReasonForm(prefix="cancel")
    return _step(
        round_id,
        lambda draw: draws.cancel(db.session, actor=acting(), draw=draw,
                                  reason=form.reason.data or ""),
        cancel_form=form,
    )  # fmt: skip


@bp.route("/draws/<int:draw_id>/manifest.json")
@roles(*WATCHERS)
def draw_manifest(draw_id: int) -> Response:
    draw = db.session.get(Draw, draw_id) or abort(404)
    return json_download(
        draws.published_record(draw, with_manifest=True), f"draw-{draw.id}-record.json"
    )
