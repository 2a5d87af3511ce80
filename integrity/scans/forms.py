from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from integrity.web.forms import choice_list


class PrintForm(FlaskForm):
    room_id = SelectField(_l("Which kits"), coerce=int, choices=[])
    entry_id = IntegerField(
        _l("Or one entry (its number)"), validators=[Optional(), NumberRange(1)]
    )
    extra_sheets = IntegerField(
        _l("Extra-answer sheets"), default=0, validators=[Optional(), NumberRange(0, 500)]
    )


class VoidForm(FlaskForm):
    serial = StringField(
        _l("Serial of the spoiled kit"), validators=[DataRequired(), Length(max=20)]
    )
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=500)])


class ResolveForm(FlaskForm):
    code = StringField(
        _l("The code printed beside a QR"), validators=[DataRequired(), Length(max=40)]
    )
    # Values are the counter-clockwise quarter turns that straighten the page as it looks: a page
    # turned a quarter to the left needs three. Labels are made per request, in its language.
    turns = SelectField(_l("The page as shown is turned"), coerce=int, choices=[], default=0)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.turns.choices = choice_list(
            [
                (0, _l("upright")),
                (3, _l("a quarter to the left")),
                (2, _l("upside down")),
                (1, _l("a quarter to the right")),
            ]
        )


class AttachForm(FlaskForm):
    serial = StringField(
        _l("Booklet serial written on the sheet"), validators=[DataRequired(), Length(max=20)]
    )


class DiscardForm(FlaskForm):
    reason = StringField(_l("Why discard it"), validators=[DataRequired(), Length(max=500)])
