from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from integrity.diplomas.labels import INDIVIDUAL_TYPE_CODES, LANGUAGE_NAMES, TYPE_NAMES
from integrity.web.forms import choice_list


class LookupForm(FlaskForm):
    serial = StringField(
        _l("Serial number, e.g. ZHD-26-D1-004217-7"), validators=[DataRequired(), Length(max=40)]
    )
    surname = StringField(_l("Surname, as printed"), validators=[DataRequired(), Length(max=100)])


class IssueForm(FlaskForm):
    doc_type = SelectField(_l("Document"), choices=[])
    surname = StringField(_l("Surname"), validators=[DataRequired(), Length(max=100)])
    given_names = StringField(
        _l("Given name and patronymic"), validators=[DataRequired(), Length(max=150)]
    )
    subject = SelectField(_l("Subject"), choices=[])
    grade = IntegerField(_l("Grade (0 for none)"), validators=[Optional(), NumberRange(0, 12)])
    school = StringField(_l("School"), validators=[Length(max=300)])
    language = SelectField(_l("Language"), choices=[])
    award_note = StringField(_l("Wording of the award (optional)"), validators=[Length(max=200)])

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # Degree diplomas (D1–D3) come only from a protocol's approved batch.
        self.doc_type.choices = choice_list(
            (code, TYPE_NAMES[code]) for code in INDIVIDUAL_TYPE_CODES
        )
        self.language.choices = choice_list(LANGUAGE_NAMES.items())
