"""Jurors: registering them, their subjects, declared relations, declarations and accounts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from integrity.audit.domain.chain import Actor
from integrity.audit.services import record_event
from integrity.db import AnySession, utcnow
from integrity.errors import Conflict, InvalidInput
from integrity.registry.domain.kinds import OrganisationKind, RelationKind
from integrity.registry.models import (
    Event,
    Juror,
    JurorDeclaration,
    JurorRelation,
    JurorSubject,
    School,
    Subject,
)
from integrity.registry.services.people.participants import checked_iin, clean_name


def register_juror(
    session: AnySession,
    *,
    actor: Actor,
    surname: str,
    given_name: str,
    patronymic: str | None,
    organisation_kind: OrganisationKind,
    organisation: str,
    school: School | None = None,
    district_id: int | None = None,
    iin: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    subjects: Iterable[Subject] = (),
    user_id: int | None = None,
) -> Juror:
    iin_value = checked_iin(iin or "")[0] if (iin or "").strip() else None
    if iin_value and session.scalar(
        select(func.count()).select_from(Juror).where(Juror.iin == iin_value)
    ):
        raise Conflict(_l("A juror with this IIN is already registered."), field="iin")
    organisation = " ".join((organisation or "").split())
    if not organisation:
        raise InvalidInput(_l("This field is required."), field="organisation")
    surname_ = clean_name(surname, "surname") or ""
    given_ = clean_name(given_name, "given_name") or ""
    patronymic_ = clean_name(patronymic, "patronymic", required=False)
    juror = Juror(
        iin=iin_value,
        surname=surname_,
        given_name=given_,
        patronymic=patronymic_,
        organisation_kind=OrganisationKind(organisation_kind),
        organisation=organisation,
        school=school,
        district_id=school.district_id if school is not None else district_id,
        email=(email or "").strip() or None,
        phone=(phone or "").strip() or None,
        subjects=[JurorSubject(subject=s) for s in subjects],
        user_id=user_id,
    )
    session.add(juror)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="registry.add_juror",
        subject=f"juror:{juror.id}",
        data={
            "organisation_kind": juror.organisation_kind.value,
            "school_id": juror.school_id,
            "district_id": juror.district_id,
            "subject_ids": sorted(s.subject_id for s in juror.subjects),
        },
    )
    return juror


def set_juror_subjects(
    session: AnySession, *, actor: Actor, juror: Juror, subjects: Iterable[Subject]
) -> None:
    wanted = {s.id: s for s in subjects}
    current = {js.subject_id for js in juror.subjects}
    if set(wanted) == current:
        return
    juror.subjects = [js for js in juror.subjects if js.subject_id in wanted]
    juror.subjects.extend(
        JurorSubject(subject=s) for sid, s in wanted.items() if sid not in current
    )
    session.flush()
    record_event(
        session,
        actor=actor,
        action="registry.set_juror_subjects",
        subject=f"juror:{juror.id}",
        data={"subject_ids": sorted(wanted)},
    )


def declare_relation(
    session: AnySession,
    *,
    actor: Actor,
    juror: Juror,
    kind: RelationKind,
    full_name: str,
    iin: str | None = None,
    note: str | None = None,
) -> JurorRelation:
    iin_value = checked_iin(iin or "")[0] if (iin or "").strip() else None
    relation = JurorRelation(
        juror=juror,
        kind=RelationKind(kind),
        iin=iin_value,
        full_name=clean_name(full_name, "full_name") or "",
        note=(note or "").strip() or None,
    )
    session.add(relation)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="registry.declare_relation",
        subject=f"juror:{juror.id}",
        data={
            "relation_id": relation.id,
            "kind": relation.kind.value,
            "has_iin": iin_value is not None,
        },
    )
    return relation


DECLARATION_STATEMENT = (
    "I declare that I have listed every relative, own pupil and supervised project among the "
    "participants of this event, and that I will step aside from any work where I have a conflict of interest."
)


def sign_declaration(
    session: AnySession,
    *,
    actor: Actor,
    juror: Juror,
    event: Event,
    signed_at: dt.datetime | None = None,
    statement: str = DECLARATION_STATEMENT,
) -> JurorDeclaration:
    if juror.declaration_for(event.id) is not None:
        raise Conflict(_l("This juror has already signed the declaration for this event."))
    declaration = JurorDeclaration(
        juror=juror,
        event_id=event.id,
        signed_at=signed_at or utcnow(),
        statement=statement,
        recorded_by_id=actor.id,
    )
    session.add(declaration)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="registry.sign_declaration",
        subject=f"juror:{juror.id}",
        data={"event_id": event.id, "signed_at": declaration.signed_at.isoformat()},
    )
    return declaration


def link_juror_account(session: AnySession, *, actor: Actor, juror: Juror, user_id: int) -> None:
    """Let a juror sign in: their marking pages are reached through this link."""
    if juror.user_id == user_id:
        return
    if session.scalar(select(func.count()).select_from(Juror).where(Juror.user_id == user_id)):
        raise Conflict(_l("This account already belongs to another juror."), field="user_id")
    juror.user_id = user_id
    session.flush()
    record_event(
        session,
        actor=actor,
        action="registry.link_juror_account",
        subject=f"juror:{juror.id}",
        data={"user_id": user_id},
    )
