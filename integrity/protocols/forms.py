from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from integrity.protocols.labels import FILED_AS
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
