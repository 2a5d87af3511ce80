"""The protocols area's forms, and the reading of an appeal decision's points as typed."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from integrity.protocols.labels import FILED_AS
from integrity.registry.domain.kinds import points_to_units
from integrity.registry.models import Task
from integrity.web.forms import choice_list


class AccessCodeForm(FlaskForm):
    code = StringField(
        _l("Access code from the kit's stub"), validators=[DataRequired(), Length(max=40)]
    )


class AppealForm(FlaskForm):
    filed_as = SelectField(_l("Who files the appeal"), choices=[])
    reason = TextAreaField(
        _l("What do you appeal, and why?"), validators=[DataRequired(), Length(max=4000)]
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.filed_as.choices = choice_list(FILED_AS)


class FreezeForm(FlaskForm):
    """The freeze step: the place, date and jury the protocol is signed with, confirmed by the
    chair (proposed from the round), frozen into the protocol with it."""

    grade = HiddenField()
    place = StringField(
        _l("Place (printed at the top left, as «Тараз қ.»)"),
        validators=[DataRequired(), Length(max=300)],
    )
    date = DateField(_l("Date of the protocol"), validators=[DataRequired()])
    chair = StringField(_l("Chair of the jury"), validators=[DataRequired(), Length(max=200)])
    members = TextAreaField(
        _l("Members of the jury, one a line"),
        validators=[DataRequired(), Length(max=5000)],
        render_kw={"rows": 6},
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, prefix="sign", **kwargs)


def decided_scores(typed: Mapping[str, str], tasks: Iterable[Task]) -> dict[int, int] | None:
    """The commission's new points per task (``task-<id>`` fields; blank: unchanged), in units by
    task id; None when one is not a whole or half number."""
    scores: dict[int, int] = {}
    for task in tasks:
        raw = (typed.get(f"task-{task.id}") or "").strip()
        if raw:
            try:
                scores[task.id] = points_to_units(raw)
            except ValueError:
                return None
    return scores
