"""The registry's blueprint, who may do what, and the words its pages share. The routes live in
the modules beside this one, which import it; ``integrity.registry.views`` imports them."""

from __future__ import annotations

from flask import Blueprint

from integrity.accounts.domain import Role

bp = Blueprint("registry", __name__, url_prefix="/registry")

EDITORS = (Role.ADMIN, Role.ORGANISER)
# Who may read lists with personal data of pupils.
PEOPLE_READERS = (*EDITORS, Role.IT_SPECIALIST, Role.DIRECTOR)
JUROR_READERS = (*EDITORS, Role.CHAIR, Role.DIRECTOR)
CATALOGUE_READERS = (*EDITORS, Role.IT_SPECIALIST, Role.DIRECTOR, Role.CHAIR, Role.OBSERVER)


@bp.context_processor
def registry_labels() -> dict[str, object]:
    from integrity.registry.domain.kinds import units_to_points
    from integrity.registry.forms import event_kind_choices, stage_choices, status_labels

    return {
        "units_to_points": units_to_points,
        "kind_labels": {c.value: c.label for c in event_kind_choices()},
        "stage_labels": {c.value: c.label for c in stage_choices()},
        "status_labels": status_labels(),
    }
