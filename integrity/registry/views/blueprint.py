"""The registry's blueprint, who may do what, and the words its pages share (from ``labels``). The routes live in
the modules beside this one, which import it; ``integrity.registry.views`` imports them."""

from __future__ import annotations

from flask import Blueprint

from integrity.accounts.domain import Role
from integrity.registry.domain.kinds import units_to_points
from integrity.registry.labels import template_labels

bp = Blueprint("registry", __name__, url_prefix="/registry")

EDITORS = (Role.ADMIN, Role.ORGANISER)
# Who may read lists with personal data of pupils.
PEOPLE_READERS = (*EDITORS, Role.IT_SPECIALIST, Role.DIRECTOR)
JUROR_READERS = (*EDITORS, Role.CHAIR, Role.DIRECTOR)
CATALOGUE_READERS = (*EDITORS, Role.IT_SPECIALIST, Role.DIRECTOR, Role.CHAIR, Role.OBSERVER)


@bp.context_processor
def registry_labels() -> dict[str, object]:
    return {"units_to_points": units_to_points, **template_labels()}
