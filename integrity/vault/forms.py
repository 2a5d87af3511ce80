from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, PasswordField, TextAreaField
from wtforms.validators import DataRequired, EqualTo, Length, NumberRange, Optional


class CreateVaultForm(FlaskForm):
    passphrase = PasswordField(
        _l("The chair's passphrase"), validators=[DataRequired(), Length(min=12, max=200)]
    )
    confirm = PasswordField(
        _l("The passphrase again"),
        validators=[
            DataRequired(),
            EqualTo("passphrase", message=_l("The two passphrases differ.")),
        ],
    )
    threshold = IntegerField(
        _l("Shares needed to recover the key"), default=3, validators=[NumberRange(2, 15)]
    )
    shares = IntegerField(
        _l("Shares to hand out (one per commission member)"),
        default=5,
        validators=[NumberRange(2, 15)],
    )


class UnsealForm(FlaskForm):
    passphrase = PasswordField(
        _l("The chair's passphrase"), validators=[Optional(), Length(max=200)]
    )
    shares = TextAreaField(
        _l("Or the commission members' key shares, one a line"),
        validators=[Optional(), Length(max=5000)],
    )
