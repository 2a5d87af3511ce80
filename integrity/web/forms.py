"""Helpers shared by every area's forms and the views that run them: who acts (``acting``) and the
one path a change takes (``attempt``/``perform``: the service flushes and audits, the view commits
once, or a refusal is rolled back and shown). ``settle`` is the same path for views that answer a
refusal their own way (a status page, JSON); a view with nothing to show at a field may simply let
the DomainError rise: the app's (or its blueprint's) error handler rolls back and answers.
``integrity.cli.carry_out`` is the commands' twin."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from flask import flash, request
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from integrity.audit.domain.chain import Actor
from integrity.errors import DomainError
from integrity.extensions import db

T = TypeVar("T")


def choice_list(pairs: Iterable[tuple[Any, Any]]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices (tuples are deprecated from WTForms 3.3)."""
    return [SelectChoice(value=value, label=str(label)) for value, label in pairs]


def acting() -> Actor:
    """The signed-in user, as the actor a service records in the audit chain."""
    actor: Actor = current_user.as_actor()
    return actor


@dataclass(frozen=True)
class Settled(Generic[T]):
    """What became of a change: its result once committed, or the refusal it was rolled back for."""

    value: T | None = None
    refusal: DomainError | None = None


def settle(action: Callable[[], T]) -> Settled[T]:
    """Run a service call and commit once; on a domain refusal roll back and hand it back."""
    try:
        result = action()  # a service call that flushes and records its audit event
    except DomainError as exc:
        db.session.rollback()
        return Settled(refusal=exc)
    db.session.commit()
    return Settled(value=result)


def attempt(form: FlaskForm | None, action: Callable[[], T]) -> T | None:
    """Run a service call; on a domain refusal, roll back and show the message at its field."""
    settled = settle(action)
    if (exc := settled.refusal) is not None:
        field = getattr(form, str(exc.details.get("field", "")), None) if form is not None else None
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, str(exc.message)]
        else:
            flash(str(exc.message), "error")
    return settled.value


def perform(form: FlaskForm | None, action: Callable[[], object]) -> bool:
    """Like ``attempt`` for services that return nothing: True when the change was committed."""
    done = attempt(form, lambda: action() or True)
    return done is not None


def submitted(form: FlaskForm) -> bool:
    """Whether this POST came from ``form`` (pages with several forms give each a prefix)."""
    prefix = form._prefix
    return request.method == "POST" and any(key.startswith(prefix) for key in request.form)
