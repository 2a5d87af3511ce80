"""The catalogue: events, their subjects and rounds, tasks and their marking schemes."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from integrity.extensions import db
from integrity.registry.domain.kinds import EventKind, Stage, points_to_units, units_to_points
from integrity.registry.forms import (
    EventForm,
    RoundForm,
    SchemeForm,
    SubjectForm,
    TaskForm,
    WordingForm,
)
from integrity.registry.models import Event, Round, Subject, Task
from integrity.registry.services import catalogue, queries, schemes
from integrity.registry.views.blueprint import CATALOGUE_READERS, EDITORS, bp
from integrity.web.access import roles
from integrity.web.forms import acting, attempt, perform


def parse_scheme(text: str) -> list[catalogue.CriterionSpec]:
    """Lines of “points | description (kk) | description (ru)”: either description may be left
    empty (“3 | | Решение”) or the Russian one omitted; a screen then shows the other language's,
    marked as such. Nothing is copied from one language into the other."""
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
        criteria.append((parts[1], parts[2] if len(parts) > 2 else "", units))
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


def _create_event(form: EventForm) -> Event:
    """The form's event, created (the service refuses what is wrong)."""
    return catalogue.create_event(
        db.session,
        actor=acting(),
        title_kk=form.title_kk.data or "",
        title_ru=form.title_ru.data or "",
        title_en=form.title_en.data,
        kind=EventKind(form.kind.data),
        stage=Stage(form.stage.data),
        academic_year=form.academic_year.data or "",
        starts_on=form.starts_on.data,
        ends_on=form.ends_on.data,
        same_district_conflict=bool(form.same_district_conflict.data),
    )


@bp.route("/events", methods=["GET", "POST"])
@roles(*CATALOGUE_READERS)
def events() -> str | Response:
    form = EventForm(academic_year="2026-2027")
    if current_user.has_role(*EDITORS) and form.validate_on_submit():
        event = attempt(form, lambda: _create_event(form))
        if event is not None:
            flash(_("Event created."), "success")
            return redirect(url_for("registry.event", event_id=event.id))
    return render_template(
        "registry/events.html",
        events=queries.events_latest_created(db.session),
        form=form,
        can_edit=current_user.has_role(*EDITORS),
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
                actor=acting(),
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


def _add_subject(event: Event, form: SubjectForm) -> Subject:
    """The form's subject, added to the event (the service refuses what is wrong)."""
    return catalogue.add_subject(
        db.session,
        actor=acting(),
        event=event,
        code=form.code.data or "",
        name_kk=form.name_kk.data or "",
        name_ru=form.name_ru.data or "",
        name_en=form.name_en.data,
        grade_min=form.grade_min.data or 0,
        grade_max=form.grade_max.data or 0,
    )


@bp.route("/events/<int:event_id>", methods=["GET", "POST"])
@roles(*CATALOGUE_READERS)
def event(event_id: int) -> str | Response:
    event = db.session.get(Event, event_id) or abort(404)
    form = SubjectForm(prefix="subject")
    if current_user.has_role(*EDITORS) and form.validate_on_submit():
        if attempt(form, lambda: _add_subject(event, form)) is not None:
            flash(_("Subject added."), "success")
            return redirect(url_for("registry.event", event_id=event.id))
    return render_template(
        "registry/event.html",
        event=event,
        form=form,
        entry_counts=queries.entries_per_round(db.session, event),
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
                actor=acting(),
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


def _add_task(round_: Round, form: TaskForm) -> Task | None:
    """The form's task with its marking scheme, added; None when the scheme or the service
    refuses (the problem is shown at its field)."""
    scheme = read_scheme(form)
    if scheme is None:
        return None
    max_units, criteria = scheme
    return attempt(
        form,
        lambda: catalogue.add_task(
            db.session,
            actor=acting(),
            round_=round_,
            title_kk=form.title_kk.data or "",
            title_ru=form.title_ru.data or "",
            max_units=max_units,
            criteria=criteria,
        ),
    )


@bp.route("/rounds/<int:round_id>", methods=["GET", "POST"])
@roles(*CATALOGUE_READERS)
def round_(round_id: int) -> str | Response:
    round_ = db.session.get(Round, round_id) or abort(404)
    form = TaskForm()
    if current_user.has_role(*EDITORS) and form.validate_on_submit():
        if _add_task(round_, form) is not None:
            flash(_("Task added."), "success")
            return redirect(url_for("registry.round_", round_id=round_.id))
    return render_template(
        "registry/round.html",
        round=round_,
        form=form,
        entries=queries.entry_count(db.session, round_),
        can_edit=current_user.has_role(*EDITORS),
    )


def _set_scheme(task: Task, form: SchemeForm) -> bool:
    """The form's marking scheme, saved; False when it or the service refuses (the problem is
    shown at its field)."""
    scheme = read_scheme(form)
    if scheme is None:
        return False
    max_units, criteria = scheme
    return perform(
        form,
        lambda: catalogue.set_scheme(
            db.session, actor=acting(), task=task, max_units=max_units, criteria=criteria
        ),
    )


@bp.route("/tasks/<int:task_id>", methods=["GET", "POST"])
@roles(*CATALOGUE_READERS)
def task(task_id: int) -> str | Response:
    task = db.session.get(Task, task_id) or abort(404)
    form = SchemeForm(max_points=units_to_points(task.max_units), criteria=scheme_text(task))
    if current_user.has_role(*EDITORS) and form.validate_on_submit() and _set_scheme(task, form):
        flash(_("Marking scheme saved."), "success")
        return redirect(url_for("registry.task", task_id=task.id))
    return _task_page(task, form=form)


def _task_page(task: Task, **forms: object) -> str:
    wording = WordingForm(prefix="wording", wording=wording_text(task))
    return render_template(
        "registry/task.html",
        task=task,
        can_edit=current_user.has_role(*EDITORS),
        **{"form": None, "wording_form": wording, **forms},
    )


def wording_text(task: Task) -> str:
    return "\n".join(f"{c.description_kk} | {c.description_ru}" for c in task.criteria)


def parse_wording(text: str) -> list[tuple[str, str]]:
    """Lines of “description (kk) | description (ru)”, blank lines skipped."""
    return [
        (kk.strip(), ru.strip())
        for kk, _sep, ru in (line.partition("|") for line in text.splitlines() if line.strip())
    ]


@bp.route("/tasks/<int:task_id>/wording", methods=["POST"])
@roles(*EDITORS)
def correct_wording(task_id: int) -> str | Response:
    """A frozen scheme's wording corrected: a new version, audited with the reason."""
    task = db.session.get(Task, task_id) or abort(404)
    form = WordingForm(prefix="wording")
    if form.validate() and perform(
        form,
        lambda: schemes.correct_wording(db.session, actor=acting(), task=task,
                                        wordings=parse_wording(form.wording.data or ""),
                                        reason=form.reason.data or ""),
    ):  # fmt: skip
        flash(
            _("Wording corrected: version %(n)d of the scheme.", n=task.scheme_version), "success"
        )
        return redirect(url_for("registry.task", task_id=task.id))
    return _task_page(task, wording_form=form)


@bp.route("/tasks/<int:task_id>/freeze", methods=["POST"])
@roles(*EDITORS)
def freeze_task(task_id: int) -> Response:
    task = db.session.get(Task, task_id) or abort(404)
    if perform(
        None,
        lambda: catalogue.freeze_scheme(db.session, actor=acting(), task=task),
    ):
        flash(_("Marking scheme frozen."), "success")
    return redirect(url_for("registry.task", task_id=task.id))
