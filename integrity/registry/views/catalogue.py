from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from integrity.extensions import db
from integrity.registry.domain.kinds import EventKind, Stage, points_to_units, units_to_points
from integrity.registry.forms import EventForm, RoundForm, SchemeForm, SubjectForm, TaskForm
from integrity.registry.models import Entry, Event, Round, Subject, Task
from integrity.registry.services import catalogue
from integrity.registry.views.blueprint import CATALOGUE_READERS, EDITORS, bp
from integrity.web.access import roles
from integrity.web.forms import attempt, perform


def parse_scheme(text: str) -> list[catalogue.CriterionSpec]:
    """Lines of “points | description (kk) | description (ru)”; the Russian part may be omitted."""
    criteria: list[catalogue.CriterionSpec] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) < 2:
            raise ValueError(_("Line %(n)d: write “points | description”.", n=number))
        try:
            units = points_to_units(parts[0])
        except ValueError:
            raise ValueError(
                _("Line %(n)d: points are a whole or half number.", n=number)
            ) from None
        kk = parts[1]
        ru = parts[2] if len(parts) > 2 and parts[2] else kk
        criteria.append((kk, ru, units))
    return criteria


def read_scheme(form: TaskForm | SchemeForm) -> tuple[int, list[catalogue.CriterionSpec]] | None:
    """The form's maximum and criteria, or None with the problem shown at its field."""
    try:
        max_units = points_to_units(form.max_points.data or "")
    except ValueError:
        form.max_points.errors = [_("Points are a whole or half number, such as 7 or 7.5.")]
        return None
    try:
        return max_units, parse_scheme(form.criteria.data or "")
    except ValueError as exc:
        form.criteria.errors = [str(exc)]
        return None


def scheme_text(task: Task) -> str:
    return "\n".join(
        f"{units_to_points(c.max_units)} | {c.description_kk} | {c.description_ru}"
        for c in task.criteria
    )


@bp.route("/events", methods=["GET", "POST"])
@roles(*CATALOGUE_READERS)
def events() -> str | Response:
    form = EventForm(academic_year="2026-2027")
    if current_user.has_role(*EDITORS) and form.validate_on_submit():
        event = attempt(
            form,
            lambda: catalogue.create_event(
                db.session,
                actor=current_user.as_actor(),
                title_kk=form.title_kk.data or "",
                title_ru=form.title_ru.data or "",
                title_en=form.title_en.data,
                kind=EventKind(form.kind.data),
                stage=Stage(form.stage.data),
                academic_year=form.academic_year.data or "",
                starts_on=form.starts_on.data,
                ends_on=form.ends_on.data,
                same_district_conflict=bool(form.same_district_conflict.data),
            ),
        )
        if event is not None:
            flash(_("Event created."), "success")
            return redirect(url_for("registry.event", event_id=event.id))
    rows = db.session.execute(select(Event).order_by(Event.created_at.desc())).scalars().all()
    return render_template(
        "registry/events.html", events=rows, form=form, can_edit=current_user.has_role(*EDITORS)
    )


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
@roles(*EDITORS)
def edit_event(event_id: int) -> str | Response:
    event = db.session.get(Event, event_id) or abort(404)
    form = EventForm(obj=event)
    if form.validate_on_submit():
        if perform(
            form,
            lambda: catalogue.update_event(
                db.session,
                actor=current_user.as_actor(),
                event=event,
                title_kk=form.title_kk.data or "",
                title_ru=form.title_ru.data or "",
                title_en=form.title_en.data,
                kind=EventKind(form.kind.data),
                stage=Stage(form.stage.data),
                academic_year=form.academic_year.data or "",
                starts_on=form.starts_on.data,
                ends_on=form.ends_on.data,
                same_district_conflict=bool(form.same_district_conflict.data),
            ),
        ):
            flash(_("Saved."), "success")
            return redirect(url_for("registry.event", event_id=event.id))
    return render_template("registry/event_edit.html", event=event, form=form)


@bp.route("/events/<int:event_id>", methods=["GET", "POST"])
@roles(*CATALOGUE_READERS)
def event(event_id: int) -> str | Response:
    event = db.session.get(Event, event_id) or abort(404)
    form = SubjectForm(prefix="subject")
    if current_user.has_role(*EDITORS) and form.validate_on_submit():
        subject = attempt(
            form,
            lambda: catalogue.add_subject(
                db.session,
                actor=current_user.as_actor(),
                event=event,
                code=form.code.data or "",
                name_kk=form.name_kk.data or "",
                name_ru=form.name_ru.data or "",
                name_en=form.name_en.data,
                grade_min=form.grade_min.data or 0,
                grade_max=form.grade_max.data or 0,
            ),
        )
        if subject is not None:
            flash(_("Subject added."), "success")
            return redirect(url_for("registry.event", event_id=event.id))
    counts = dict(
        db.session.execute(
            select(Round.id, func.count(Entry.id))
            .join(Subject, Round.subject_id == Subject.id)
            .outerjoin(Entry, Entry.round_id == Round.id)
            .where(Subject.event_id == event.id)
            .group_by(Round.id)
        ).all()
    )
    return render_template(
        "registry/event.html",
        event=event,
        form=form,
        entry_counts=counts,
        round_form=RoundForm(prefix="round"),
        can_edit=current_user.has_role(*EDITORS),
    )


@bp.route("/subjects/<int:subject_id>/rounds", methods=["POST"])
@roles(*EDITORS)
def add_round(subject_id: int) -> Response:
    subject = db.session.get(Subject, subject_id) or abort(404)
    form = RoundForm(prefix="round")
    if form.validate_on_submit():
        round_ = attempt(
            form,
            lambda: catalogue.add_round(
                db.session,
                actor=current_user.as_actor(),
                subject=subject,
                held_on=form.held_on.data,
                answer_pages=form.answer_pages.data or 4,
            ),
        )
        if round_ is not None:
            flash(_("Round %(n)d added.", n=round_.number), "success")
    else:
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
    return redirect(url_for("registry.event", event_id=subject.event_id))


@bp.route("/rounds/<int:round_id>", methods=["GET", "POST"])
@roles(*CATALOGUE_READERS)
def round_(round_id: int) -> str | Response:
    round_ = db.session.get(Round, round_id) or abort(404)
    form = TaskForm()
    scheme = (
        read_scheme(form) if current_user.has_role(*EDITORS) and form.validate_on_submit() else None
    )
    if scheme is not None:
        max_units, criteria = scheme
        task = attempt(
            form,
            lambda: catalogue.add_task(
                db.session,
                actor=current_user.as_actor(),
                round_=round_,
                title_kk=form.title_kk.data or "",
                title_ru=form.title_ru.data or "",
                max_units=max_units,
                criteria=criteria,
            ),
        )
        if task is not None:
            flash(_("Task added."), "success")
            return redirect(url_for("registry.round_", round_id=round_.id))
    entries = (
        db.session.scalar(
            select(func.count()).select_from(Entry).where(Entry.round_id == round_.id)
        )
        or 0
    )
    return render_template(
        "registry/round.html",
        round=round_,
        form=form,
        entries=entries,
        can_edit=current_user.has_role(*EDITORS),
    )


@bp.route("/tasks/<int:task_id>", methods=["GET", "POST"])
@roles(*CATALOGUE_READERS)
def task(task_id: int) -> str | Response:
    task = db.session.get(Task, task_id) or abort(404)
    form = SchemeForm(max_points=units_to_points(task.max_units), criteria=scheme_text(task))
    scheme = (
        read_scheme(form) if current_user.has_role(*EDITORS) and form.validate_on_submit() else None
    )
    if scheme is not None:
        max_units, criteria = scheme
        done = perform(
            form,
            lambda: catalogue.set_scheme(
                db.session,
                actor=current_user.as_actor(),
                task=task,
                max_units=max_units,
                criteria=criteria,
            ),
        )
        if done:
            flash(_("Marking scheme saved."), "success")
            return redirect(url_for("registry.task", task_id=task.id))
    return render_template(
        "registry/task.html",
        task=task,
        form=form,
        can_edit=current_user.has_role(*EDITORS),
    )


@bp.route("/tasks/<int:task_id>/freeze", methods=["POST"])
@roles(*EDITORS)
def freeze_task(task_id: int) -> Response:
    task = db.session.get(Task, task_id) or abort(404)
    if perform(
        None,
        lambda: catalogue.freeze_scheme(db.session, actor=current_user.as_actor(), task=task),
    ):
        flash(_("Marking scheme frozen."), "success")
    return redirect(url_for("registry.task", task_id=task.id))
