"""A frozen marking scheme's wording corrected: a new, audited version of the scheme.

Once marking has started the points of a scheme never change; a typo or a missing translation in
a criterion's wording may still be corrected. Each correction raises the scheme's version, gives
it a new SHA-256 (``registry.domain.scheme``) and records the old and new wording, both hashes
and the reason in the audit chain, so every version stays verifiable.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import lazy_gettext as _l

from integrity.audit.domain.chain import Actor
from integrity.audit.services import record_event
from integrity.db import AnySession
from integrity.errors import Conflict, InvalidInput
from integrity.registry.domain.scheme import scheme_digest, wording_problem
from integrity.registry.models import Task
from integrity.registry.services.catalogue import frozen_payload

Wording = tuple[str, str]  # description kk, description ru


def correct_wording(
    session: AnySession,
    *,
    actor: Actor,
    task: Task,
    wordings: Sequence[Wording],
    reason: str,
) -> None:
    """Replace the wording of a frozen scheme's criteria (one pair per criterion, in order)."""
    if task.scheme_frozen_at is None:
        raise Conflict(_l("The scheme is not frozen yet: edit it instead."))
    if len(wordings) != len(task.criteria):
        raise InvalidInput(
            _l("Give the wording of each of the %(n)d criteria, one a line.", n=len(task.criteria)),
            field="wording",
        )
    if any(wording_problem(kk, ru) for kk, ru in wordings):
        raise InvalidInput(
            _l("Each criterion needs a description (in Kazakh, in Russian or both)."),
            field="wording",
        )
    if not reason.strip():
        raise InvalidInput(_l("Say why the wording changes."), field="reason")
    before, previous = frozen_payload(task), task.scheme_sha256
    for criterion, (kk, ru) in zip(task.criteria, wordings, strict=True):
        criterion.description_kk, criterion.description_ru = kk.strip(), ru.strip()
    if frozen_payload(task)["criteria"] == before["criteria"]:
        raise InvalidInput(_l("The wording is unchanged."), field="wording")
    task.scheme_version += 1
    payload = frozen_payload(task)
    task.scheme_sha256 = scheme_digest(payload)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="registry.correct_scheme_wording",
        subject=f"task:{task.id}",
        data={
            "reason": reason.strip(),
            "previous_sha256": previous,
            "sha256": task.scheme_sha256,
            "previous": before,
            "scheme": payload,
        },
    )
