"""The words for the accounts' vocabulary (the roles), in the user's language."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l

from integrity.accounts.domain import Role

ROLES: Mapping[Role, Any] = {
    Role.ADMIN: _l("Administrator"),
    Role.ORGANISER: _l("Organiser"),
    Role.IT_SPECIALIST: _l("IT specialist"),
    Role.JUROR: _l("Juror"),
    Role.CHAIR: _l("Jury chair"),
    Role.DIRECTOR: _l("Director"),
    Role.OBSERVER: _l("Observer"),
}


def role_labels() -> dict[str, str]:
    """A role by its value, in the current language, in the order of ``Role``."""
    return {role.value: str(ROLES[role]) for role in Role}
