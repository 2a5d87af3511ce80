from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from integrity.jury.labels import DECISIONS, MODES
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
    size = IntegerField(
        _l("Markers per work (k), or panel size"), validators=[Optional(), NumberRange(1, 7)]
    )
    capacities = TextAreaField(
        _l("Capacities, one per line: juror number = most works"),
        validators=[Optional(), Length(max=4000)],
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.mode.choices = choice_list(MODES)


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


class ReturnForm(FlaskForm):
    cipher = StringField(_l("Cipher"), validators=[DataRequired(), Length(max=8)])
    juror_id = SelectField(_l("Juror"), coerce=int, choices=[])
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=500)])
