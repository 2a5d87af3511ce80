"""Domain errors, raised by services and mapped to HTTP answers in one place (views/errors)."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A refusal the user can act on. ``message`` is already translated (lazy) by the raiser."""

    status = 400

    def __init__(self, message: Any, **details: Any) -> None:
        super().__init__(str(message))
        self.message = message
        self.details = details


class NotFound(DomainError):
    status = 404


class Forbidden(DomainError):
    status = 403


class Conflict(DomainError):
    """The request clashes with the current state (a duplicate, a frozen record, a wrong step)."""

    status = 409


class InvalidInput(DomainError):
    status = 422
