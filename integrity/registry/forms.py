from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from integrity.registry.labels import (
    EVENT_KINDS,
    ORGANISATION_KINDS,
    RELATION_KINDS,
    STAGES,
    status_labels,
)
from integrity.web.forms import choice_list


def event_kind_choices() -> list[SelectChoice]:
    return choice_list((k.value, label) for k, label in EVENT_KINDS.items())


def stage_choices() -> list[SelectChoice]:
    return choice_list((s.value, label) for s, label in STAGES.items())


def organisation_kind_choices() -> list[SelectChoice]:
    return choice_list((k.value, label) for k, label in ORGANISATION_KINDS.items())


def relation_kind_choices() -> list[SelectChoice]:
    return choice_list((k.value, label) for k, label in RELATION_KINDS.items())


class EventForm(FlaskForm):
    title_kk = StringField(_l("Title (Kazakh)"), validators=[DataRequired(), Length(max=300)])
    title_ru = StringField(_l("Title (Russian)"), validators=[DataRequired(), Length(max=300)])
    title_en = StringField(_l("Title (English)"), validators=[Optional(), Length(max=300)])
    kind = SelectField(_l("Kind"), choices=[])
    stage = SelectField(_l("Stage"), choices=[])
    academic_year = StringField(_l("Academic year"), validators=[DataRequired(), Length(max=9)])
    starts_on = DateField(_l("Starts on"), validators=[Optional()])
    ends_on = DateField(_l("Ends on"), validators=[Optional()])
    same_district_conflict = BooleanField(
        _l("Jurors from a participant's district are in conflict")
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = event_kind_choices()
        self.stage.choices = stage_choices()


class SubjectForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=16)])
    name_kk = StringField(_l("Name (Kazakh)"), validators=[DataRequired(), Length(max=200)])
    name_ru = StringField(_l("Name (Russian)"), validators=[DataRequired(), Length(max=200)])
    name_en = StringField(_l("Name (English)"), validators=[Optional(), Length(max=200)])
    grade_min = IntegerField(_l("From grade"), validators=[DataRequired(), NumberRange(1, 12)])
    grade_max = IntegerField(_l("To grade"), validators=[DataRequired(), NumberRange(1, 12)])


class RoundForm(FlaskForm):
    held_on = DateField(_l("Date"), validators=[Optional()])
    answer_pages = IntegerField(
        _l("Answer pages per booklet"), default=4, validators=[DataRequired(), NumberRange(1, 64)]
    )


class TaskForm(FlaskForm):
    title_kk = StringField(_l("Title (Kazakh)"), validators=[DataRequired(), Length(max=300)])
    title_ru = StringField(_l("Title (Russian)"), validators=[DataRequired(), Length(max=300)])
    max_points = StringField(_l("Maximum points"), validators=[DataRequired(), Length(max=8)])
    criteria = TextAreaField(
        _l(
            "Marking scheme: one criterion a line, as “points | description (kk) | description (ru)”"
        ),
        validators=[Optional(), Length(max=10_000)],
    )


class SchemeForm(FlaskForm):
    max_points = StringField(_l("Maximum points"), validators=[DataRequired(), Length(max=8)])
    criteria = TextAreaField(
        _l(
            "Marking scheme: one criterion a line, as “points | description (kk) | description (ru)”"
        ),
        validators=[DataRequired(), Length(max=10_000)],
    )


class WordingForm(FlaskForm):
    """A frozen scheme's wording corrected: one criterion a line, points unchanged."""

    wording = TextAreaField(
        _l("Wording: one criterion a line, as “description (kk) | description (ru)”"),
        validators=[DataRequired(), Length(max=10_000)],
    )
    reason = StringField(
        _l("Why the wording changes"), validators=[DataRequired(), Length(max=500)]
    )


class DistrictForm(FlaskForm):
    name_kk = StringField(_l("Name (Kazakh)"), validators=[DataRequired(), Length(max=200)])
    name_ru = StringField(_l("Name (Russian)"), validators=[DataRequired(), Length(max=200)])
    kato = StringField(_l("KATO code"), validators=[Optional(), Length(max=9)])


class SchoolForm(FlaskForm):
    district_id = SelectField(_l("District"), coerce=int, choices=[])
    name_kk = StringField(_l("Name (Kazakh)"), validators=[DataRequired(), Length(max=300)])
    name_ru = StringField(_l("Name (Russian)"), validators=[DataRequired(), Length(max=300)])
    bin = StringField(_l("BIN"), validators=[Optional(), Length(max=12)])


class ParticipantForm(FlaskForm):
    iin = StringField(_l("IIN"), validators=[DataRequired(), Length(max=20)])
    surname = StringField(_l("Surname"), validators=[DataRequired(), Length(max=100)])
    given_name = StringField(_l("Given name"), validators=[DataRequired(), Length(max=100)])
    patronymic = StringField(_l("Patronymic"), validators=[Optional(), Length(max=100)])
    grade = IntegerField(_l("Grade"), validators=[DataRequired(), NumberRange(1, 12)])
    school_id = SelectField(_l("School"), coerce=int, choices=[])
    supervisor = StringField(_l("Supervisor"), validators=[Optional(), Length(max=200)])


class ConsentForm(FlaskForm):
    consent_by = StringField(
        _l("Consent given by (guardian)"), validators=[DataRequired(), Length(max=200)]
    )
    consent_date = DateField(_l("Consent date"), validators=[DataRequired()])
    consent_public = BooleanField(_l("The guardian agrees to the name appearing in public results"))


class EnterForm(FlaskForm):
    round_id = SelectField(_l("Round"), coerce=int, choices=[])


class EntryStatusForm(FlaskForm):
    status = SelectField(_l("Status"), choices=[])
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=1000)])
    evidence_url = StringField(_l("Evidence link"), validators=[Optional(), Length(max=500)])

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.status.choices = choice_list(status_labels().items())


class ImportForm(FlaskForm):
    file = FileField(_l("CSV or XLSX file"), validators=[FileRequired()])


class ImportConfirmForm(FlaskForm):
    accept_unknown_columns = BooleanField(_l("Ignore the columns the import does not know"))


class JurorForm(FlaskForm):
    surname = StringField(_l("Surname"), validators=[DataRequired(), Length(max=100)])
    given_name = StringField(_l("Given name"), validators=[DataRequired(), Length(max=100)])
    patronymic = StringField(_l("Patronymic"), validators=[Optional(), Length(max=100)])
    iin = StringField(_l("IIN"), validators=[Optional(), Length(max=20)])
    organisation_kind = SelectField(_l("Organisation kind"), choices=[])
    organisation = StringField(_l("Organisation"), validators=[DataRequired(), Length(max=300)])
    school_id = SelectField(_l("School (if a school teacher)"), coerce=int, choices=[])
    district_id = SelectField(_l("District"), coerce=int, choices=[])
    email = StringField(_l("E-mail"), validators=[Optional(), Length(max=200)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)])

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.organisation_kind.choices = organisation_kind_choices()


class RelationForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=[])
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=300)])
    iin = StringField(_l("IIN"), validators=[Optional(), Length(max=20)])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)])

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = relation_kind_choices()


class DeclarationForm(FlaskForm):
    event_id = SelectField(_l("Event"), coerce=int, choices=[])
    confirm = BooleanField(
        _l("The juror has read and signed the declaration"), validators=[DataRequired()]
    )


class VenueForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=300)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])


class RoomForm(FlaskForm):
    name = StringField(_l("Room"), validators=[DataRequired(), Length(max=100)])
    capacity = IntegerField(
        _l("Seats"), default=30, validators=[DataRequired(), NumberRange(1, 2000)]
    )
    camera_stream_url = StringField(
        _l("Camera stream link"), validators=[Optional(), Length(max=500)]
    )
    recording_url = StringField(_l("Recording link"), validators=[Optional(), Length(max=500)])


class ObserverForm(FlaskForm):
    full_name = StringField(
        _l("Observer's full name"), validators=[DataRequired(), Length(max=200)]
    )
    organisation = StringField(_l("Organisation"), validators=[Optional(), Length(max=300)])
