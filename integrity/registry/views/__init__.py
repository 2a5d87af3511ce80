"""The registry's screens. One blueprint; routes split by concept across the modules below."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Blueprint, flash, request
from flask_wtf import FlaskForm

from integrity.accounts.domain import Role
from integrity.errors import DomainError
from integrity.extensions import db

bp = Blueprint("registry", __name__, url_prefix="/registry")

EDITORS = (Role.ADMIN, Role.ORGANISER)
# Who may read lists with personal data of pupils.
PEOPLE_READERS = (*EDITORS, Role.IT_SPECIALIST, Role.DIRECTOR)
JUROR_READERS = (*EDITORS, Role.CHAIR, Role.DIRECTOR)
CATALOGUE_READERS = (*EDITORS, Role.IT_SPECIALIST, Role.DIRECTOR, Role.CHAIR, Role.OBSERVER)

T = TypeVar("T")


@bp.context_processor
def registry_labels() -> dict[str, object]:
    from integrity.registry.forms import event_kind_choices, stage_choices, status_labels
    from integrity.registry.kinds import units_to_points

    return {
        "units_to_points": units_to_points,
        "kind_labels": {c.value: c.label for c in event_kind_choices()},
        "stage_labels": {c.value: c.label for c in stage_choices()},
        "status_labels": status_labels(),
    }


def attempt(form: FlaskForm | None, action: Callable[[], T]) -> T | None:
    """Run a service call; on a domain refusal, roll back and show the message at its field."""
    try:
        result = action()  # a service call that flushes and records its audit event
    except DomainError as exc:
        db.session.rollback()
        field = getattr(form, str(exc.details.get("field", "")), None) if form is not None else None
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, str(exc.message)]
        else:
            flash(str(exc.message), "error")
        return None
    db.session.commit()
    return result


def perform(form: FlaskForm | None, action: Callable[[], object]) -> bool:
    """Like ``attempt`` for services that return nothing: True when the change was committed."""
    done = attempt(form, lambda: action() or True)
    return done is not None


def submitted(form: FlaskForm) -> bool:
    """Whether this POST came from ``form`` (pages with several forms give each a prefix)."""
    prefix = form._prefix
    return request.method == "POST" and any(key.startswith(prefix) for key in request.form)


from integrity.registry.views import catalogue, imports, people, places  # noqa: E402,F401
