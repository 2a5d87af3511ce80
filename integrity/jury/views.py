"""Jury screens: the chair's conflicts, draw ceremony and progress; the juror's works; the public
draw page. A juror's pages show ciphers and masked pixels only."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    abort,
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
from integrity.audit.chain import Actor
from integrity.errors import DomainError, InvalidInput
from integrity.extensions import db
from integrity.jury import draw as algorithm
from integrity.jury.domain import format_sixtieths, parse_capacities
from integrity.jury.forms import (
    ChairDecisionForm,
    ContributionForm,
    DecideForm,
    FreezeForm,
    ReasonForm,
    ReturnForm,
)
from integrity.jury.models import Draw, DrawState, TaskScore
from integrity.jury.services import conflicts, draws, marking
from integrity.registry.domain.kinds import points_to_units, units_to_points
from integrity.registry.models import Round
from integrity.scans.models import Work
from integrity.web.access import public, roles
from integrity.web.forms import perform, submitted

bp = Blueprint("jury", __name__, url_prefix="/jury")
public_bp = Blueprint("draws", __name__, url_prefix="/draws")

CHAIR = (Role.ADMIN, Role.CHAIR)
WATCHERS = (Role.ADMIN, Role.CHAIR, Role.DIRECTOR, Role.OBSERVER)


def actor() -> Actor:
    return Actor(current_user.id, current_user.username)


def get_round(round_id: int) -> Round:
    return db.session.get(Round, round_id) or abort(404)


# -- conflicts -----------------------------------------------------------------------------------


@bp.route("/rounds/<int:round_id>/conflicts", methods=["GET", "POST"])
@roles(*CHAIR, Role.ORGANISER)
def round_conflicts(round_id: int) -> Any:
    round_ = get_round(round_id)
    form = DecideForm()
    if request.method == "POST":
        if not current_user.has_role(*CHAIR):
            abort(403)
        if form.validate_on_submit() and perform(
            form,
            lambda: conflicts.decide(
                db.session,
                actor=actor(),
                round_=round_,
                juror_id=int(form.juror_id.data),
                entry_id=int(form.entry_id.data),
                confirmed=form.decision.data == "confirm",
                reason=form.reason.data or "",
            ),
        ):
            flash(_("Decision recorded."), "success")
            return redirect(url_for(".round_conflicts", round_id=round_id))
    report = conflicts.check_round(db.session, round_)
    return render_template(
        "jury/conflicts.html",
        round=round_,
        report=report,
        form=form,
        labels=conflicts.reason_labels(),
        can_decide=current_user.has_role(*CHAIR),
    )


# -- the draw ------------------------------------------------------------------------------------


def _capacities(text: str) -> dict[int, int]:
    try:
        return parse_capacities(text.splitlines())
    except ValueError:
        raise InvalidInput(
            _("Write each capacity as “juror number = most works”, e.g. 17 = 5."),
            field="capacities",
        ) from None


@bp.route("/rounds/<int:round_id>/draw", methods=["GET", "POST"])
@roles(*WATCHERS)
def round_draw(round_id: int) -> Any:
    round_ = get_round(round_id)
    draw = draws.active_draw(db.session, round_)
    freeze_form = FreezeForm(prefix="freeze")
    if request.method == "GET":
        freeze_form.mode.data = "panel" if round_.subject.event.kind.uses_panels else "double"
    contribution_form = ContributionForm(prefix="roll")
    cancel_form = ReasonForm(prefix="cancel")
    if request.method == "POST":
        if not current_user.has_role(*CHAIR):
            abort(403)
        step = request.form.get("step", "")
        done = False
        if submitted(freeze_form) and freeze_form.validate():
            done = perform(
                freeze_form,
                lambda: draws.freeze(
                    db.session,
                    actor=actor(),
                    round_=round_,
                    mode=freeze_form.mode.data,
                    size=freeze_form.size.data,
                    capacities=_capacities(freeze_form.capacities.data or ""),
                ),
            )
        elif submitted(contribution_form) and contribution_form.validate() and draw:
            done = perform(
                contribution_form,
                lambda: draws.contribute(
                    db.session,
                    actor=actor(),
                    draw=draw,
                    contributor=contribution_form.contributor.data or "",
                    value=contribution_form.value.data or "",
                ),
            )
        elif submitted(cancel_form) and cancel_form.validate() and draw:
            done = perform(
                cancel_form,
                lambda: draws.cancel(
                    db.session, actor=actor(), draw=draw, reason=cancel_form.reason.data or ""
                ),
            )
        elif step == "commit" and draw:
            done = perform(None, lambda: draws.commit(db.session, actor=actor(), draw=draw))
        elif step == "reveal" and draw:
            done = perform(None, lambda: draws.reveal(db.session, actor=actor(), draw=draw))
        if done:
            return redirect(url_for(".round_draw", round_id=round_id))
    manifest = json.loads(draw.manifest) if draw else None
    return render_template(
        "jury/draw.html",
        round=round_,
        draw=draw,
        manifest=manifest,
        pool=draws.juror_pool(db.session, round_),
        freeze_form=freeze_form,
        contribution_form=contribution_form,
        cancel_form=cancel_form,
        states=draws.state_labels(),
        can_act=current_user.has_role(*CHAIR),
        DrawState=DrawState,
        min_contributions=draws.MIN_CONTRIBUTIONS,
    )


@bp.route("/draws/<int:draw_id>/manifest.json")
@roles(*WATCHERS)
def draw_manifest(draw_id: int) -> Response:
    draw = db.session.get(Draw, draw_id) or abort(404)
    return _json_download(
        draws.published_record(draw, with_manifest=True), f"draw-{draw.id}-record.json"
    )


def _json_download(data: dict[str, Any], name: str) -> Response:
    response = make_response(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True))
    response.headers["Content-Type"] = "application/json; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# -- progress, discrepancies, statistics -----------------------------------------------------------


@bp.route("/rounds/<int:round_id>/marking", methods=["GET", "POST"])
@roles(*WATCHERS)
def round_marking(round_id: int) -> Any:
    round_ = get_round(round_id)
    form = ChairDecisionForm(prefix="decide")
    return_form = ReturnForm(prefix="return")
    progress = marking.progress(db.session, round_)
    return_form.juror_id.choices = [(p.juror.id, p.juror.full_name) for p in progress]
    if request.method == "POST":
        if not current_user.has_role(*CHAIR):
            abort(403)
        if submitted(return_form) and return_form.validate():

            def give_back() -> None:
                found = marking.submitted_marking(
                    db.session,
                    round_=round_,
                    cipher=(return_form.cipher.data or "").strip().upper(),
                    juror_id=return_form.juror_id.data,
                )
                marking.reopen_submitted(
                    db.session,
                    actor=actor(),
                    assignment=found,
                    reason=return_form.reason.data or "",
                )

            if perform(return_form, give_back):
                flash(_("The marking is back with its juror."), "success")
                return redirect(url_for(".round_marking", round_id=round_id))
        elif submitted(form) and form.validate():
            score = db.session.get(TaskScore, int(form.score_id.data or 0)) or abort(404)
            scored = db.session.get(Work, score.work_id)
            if scored is None or scored.round_id != round_.id:
                abort(404)

            def decide() -> object:
                try:
                    units = points_to_units(form.points.data or "")
                except ValueError:
                    raise InvalidInput(
                        _("Points are a whole or half number, e.g. 7 or 7.5."), field="points"
                    ) from None
                return marking.chair_decide(
                    db.session,
                    actor=actor(),
                    score=score,
                    units=units,
                    reason=form.reason.data or "",
                )

            if perform(form, decide):
                flash(_("Decision recorded."), "success")
                return redirect(url_for(".round_marking", round_id=round_id))
    return render_template(
        "jury/marking.html",
        round=round_,
        progress=progress,
        open_scores=marking.open_scores(db.session, round_),
        stats=marking.statistics(db.session, round_),
        form=form,
        return_form=return_form,
        can_act=current_user.has_role(*CHAIR),
        jurors={p.juror.id: p.juror for p in progress},
    )


# -- the juror's own pages ----------------------------------------------------------------------


def _juror() -> Any:
    return marking.juror_of(db.session, current_user.id)


@bp.route("/")
@roles(Role.JUROR)
def home() -> str:
    juror = _juror()
    lines = marking.home(db.session, juror) if juror else []
    return render_template("jury/home.html", lines=lines, juror=juror)


@bp.route("/works/<int:assignment_id>", methods=["GET", "POST"])
@roles(Role.JUROR)
def work(assignment_id: int) -> Any:
    try:
        assignment = marking.own_assignment(db.session, _juror(), assignment_id)
    except DomainError:
        abort(404)
    round_ = db.session.get(Round, assignment.work.round_id)
    assert round_ is not None
    tasks = marking.tasks_of(round_, assignment)
    values: dict[tuple[int, int], Any] = dict(marking.saved_values(assignment))
    problems: dict[str, str] = {}
    if request.method == "POST":
        parsed: dict[tuple[int, int], int | None] = {}
        for task in tasks:
            for criterion in task.criteria:
                name = f"t{task.id}c{criterion.number}"
                raw = (request.form.get(name) or "").strip()
                values[task.id, criterion.number] = raw
                if not raw:
                    parsed[task.id, criterion.number] = None
                    continue
                try:
                    parsed[task.id, criterion.number] = points_to_units(raw)
                except ValueError:
                    problems[name] = _("Whole or half points, e.g. 3 or 3.5.")
        if not problems:
            submit = request.form.get("action") == "submit"
            try:
                marking.save(
                    db.session, actor=actor(), assignment=assignment, values=parsed, submit=submit
                )
            except DomainError as exc:
                db.session.rollback()
                problems[str(exc.details.get("field", ""))] = str(exc.message)
                flash(str(exc.message), "error")
            else:
                db.session.commit()
                flash(_("Submitted. Thank you.") if submit else _("Draft saved."), "success")
                return redirect(url_for(".work", assignment_id=assignment_id))
    shown = {key: (units_to_points(v) if isinstance(v, int) else v) for key, v in values.items()}
    pages = marking.pages_of(db.session, assignment.work)
    return render_template(
        "jury/work.html",
        assignment=assignment,
        cipher=assignment.work.cipher,
        round=round_,
        tasks=tasks,
        values=shown,
        problems=problems,
        page_urls=[
            url_for(".page_image", assignment_id=assignment.id, number=n)
            for n in range(1, len(pages) + 1)
        ],
        units_to_points=units_to_points,
    )


@bp.route("/works/<int:assignment_id>/pages/<int:number>.jpg")
@roles(Role.JUROR)
def page_image(assignment_id: int, number: int) -> Response:
    try:
        assignment = marking.own_assignment(db.session, _juror(), assignment_id)
        return private_jpeg(marking.masked_page(db.session, assignment.work, number))
    except DomainError:
        abort(404)


def private_jpeg(data: bytes) -> Response:
    """A page image for one person's eyes: never cached on the way."""
    response = make_response(data)
    response.headers["Content-Type"] = "image/jpeg"
    response.headers["Cache-Control"] = "private, no-store"
    return response


# -- the public draw page --------------------------------------------------------------------------


def _publishable(draw: Draw) -> bool:
    """The manifest and the assignment are published with the round's results: until then their
    conflict lists and pairings would tell markers which works share a school with whom."""
    return draw.round.results_frozen_at is not None


@public_bp.route("/<int:draw_id>")
@public
def public_draw(draw_id: int) -> str:
    draw = db.session.get(Draw, draw_id) or abort(404)
    return render_template(
        "jury/public_draw.html",
        draw=draw,
        states=draws.state_labels(),
        publishable=_publishable(draw),
        DrawState=DrawState,
        format_sixtieths=format_sixtieths,
    )


@public_bp.route("/<int:draw_id>.json")
@public
def public_record(draw_id: int) -> Response:
    draw = db.session.get(Draw, draw_id) or abort(404)
    return _json_download(
        draws.published_record(draw, with_manifest=_publishable(draw)), f"draw-{draw.id}.json"
    )


@public_bp.route("/verify_draw.py")
@public
def verify_script() -> Response:
    """The algorithm file itself: what the server runs is what anyone can run."""
    source = Path(algorithm.__file__).read_bytes()
    response = make_response(source)
    response.headers["Content-Type"] = "text/x-python; charset=utf-8"
    response.headers["Content-Disposition"] = 'attachment; filename="verify_draw.py"'
    return response
