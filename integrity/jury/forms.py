"""The jury's forms. Each parses what was typed (points, capacities) into what its service takes,
so a view only passes the result on."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)

from integrity.jury.domain import parse_capacities
from integrity.jury.labels import DECISIONS, MODES
from integrity.registry.domain.kinds import points_to_units, units_to_points
from integrity.registry.models import Task, TaskCriterion
from integrity.web.forms import choice_list


class DecideForm(FlaskForm):
    juror_id = HiddenField(validators=[DataRequired()])
    entry_id = HiddenField(validators=[DataRequired()])
    decision = SelectField(_l("Decision"), choices=[])
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=500)])

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.decision.choices = choice_list(DECISIONS)


class FreezeForm(FlaskForm):
    mode = SelectField(_l("Mode"), choices=[])
    # Shown filled in (2: double marking); left empty it is an error, never a silent default.
    size = IntegerField(
        _l("Markers per work (k), or panel size"),
        default=2,
        validators=[
            InputRequired(_l("Write how many jurors mark each work (k), or the panel size.")),
            NumberRange(1, 7),
        ],
    )
    capacities = TextAreaField(
        _l("Capacities, one per line: juror number = most works"),
        validators=[Optional(), Length(max=4000)],
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.mode.choices = choice_list(MODES)

    def validate_capacities(self, field: Field) -> None:
        try:
            parse_capacities((field.data or "").splitlines())
        except ValueError:
            raise ValidationError(
                _l("Write each capacity as “juror number = most works”, e.g. 17 = 5.")
            ) from None

    def capacity_map(self) -> dict[int, int]:
        """The capacities typed, by juror number (the form has validated them)."""
        return parse_capacities((self.capacities.data or "").splitlines())


class ContributionForm(FlaskForm):
    contributor = StringField(
        _l("Who contributes (name, role)"), validators=[DataRequired(), Length(max=200)]
    )
    value = StringField(
        _l("Contribution (e.g. the dice rolled)"), validators=[DataRequired(), Length(max=200)]
    )


class ReasonForm(FlaskForm):
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=500)])


class ChairDecisionForm(FlaskForm):
    score_id = HiddenField(validators=[DataRequired()])
    points = StringField(_l("Points"), validators=[DataRequired(), Length(max=10)])
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=500)])

    def validate_points(self, field: Field) -> None:
        try:
            points_to_units(field.data or "")
        except ValueError:
            raise ValidationError(_l("Points are a whole or half number, e.g. 7 or 7.5.")) from None

    def units(self) -> int:
        """The points decided, in half-point units (the form has validated them)."""
        return points_to_units(self.points.data or "")


class ReturnForm(FlaskForm):
    cipher = StringField(_l("Cipher"), validators=[DataRequired(), Length(max=8)])
    juror_id = SelectField(_l("Juror"), coerce=int, choices=[])
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=500)])


class ReturnRowForm(FlaskForm):
    """A discrepancy row's return: the button pressed names the marking, the reason is typed."""

    assignment_id = IntegerField(validators=[InputRequired()])
    reason = StringField(
        _l("Why it goes back to its juror"),
        validators=[
            DataRequired(_l("Give the reason for returning the marking.")),
            Length(max=500),
        ],
    )


def _at_most(task: Task, criterion: TaskCriterion) -> Callable[[FlaskForm, Field], None]:
    """Whole or half points within the criterion's 0–max, each message naming its task and
    criterion (the summary above the form lists them all)."""

    def check(form: FlaskForm, field: Field) -> None:
        try:
            units = points_to_units(field.data) if field.data else None
        except ValueError:
            raise ValidationError(
                _l(
                    "Task %(task)d, criterion %(c)d: whole or half points, e.g. 3 or 3.5.",
                    task=task.number,
                    c=criterion.number,
                )
            ) from None
        if units is not None and not 0 <= units <= criterion.max_units:
            raise ValidationError(
                _l(
                    "Task %(task)d, criterion %(c)d: points go from 0 to %(max)s.",
                    task=task.number,
                    c=criterion.number,
                    max=units_to_points(criterion.max_units),
                )
            )

    return check


def _given(task: Task, criterion: TaskCriterion) -> Callable[[FlaskForm, Field], None]:
    """On submission every criterion needs its points; each blank one says so."""

    def check(form: FlaskForm, field: Field) -> None:
        if not field.data:
            raise StopValidation(
                _l(
                    "Task %(task)d, criterion %(c)d has no points; every criterion "
                    "needs them before you submit.",
                    task=task.number,
                    c=criterion.number,
                )
            )

    return check


def _stripped(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def criterion_field(task: Task, number: int) -> str:
    """The name of a criterion's input: t<task id>c<criterion number>."""
    return f"t{task.id}c{number}"


def marking_form(tasks: Sequence[Task], *, complete: bool = False) -> FlaskForm:
    """A juror's marking scheme: one field per criterion of ``tasks``, blank or whole or half
    points within the criterion's maximum; with ``complete`` (a submission) none blank. Every
    field is checked, so every problem shows at once."""
    fields = {
        criterion_field(task, c.number): StringField(
            filters=[_stripped],
            validators=[*([_given(task, c)] if complete else []), _at_most(task, c)],
        )
        for task in tasks
        for c in task.criteria
    }
    form: FlaskForm = type("MarkingForm", (FlaskForm,), fields)()
    return form


def typed_marks(form: FlaskForm, tasks: Sequence[Task]) -> dict[tuple[int, int], str]:
    """(task id, criterion number) → the points as typed, to show them again."""
    return {
        (task.id, c.number): form[criterion_field(task, c.number)].data or ""
        for task in tasks
        for c in task.criteria
    }


def marked_units(form: FlaskForm, tasks: Sequence[Task]) -> dict[tuple[int, int], int | None]:
    """(task id, criterion number) → units, or None for a blank (the form has validated them)."""
    return {
        key: points_to_units(typed) if typed else None
        for key, typed in typed_marks(form, tasks).items()
    }
