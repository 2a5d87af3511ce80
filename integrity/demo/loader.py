"""Writes a generated demo event into the database through the same services people use.

Participants and jurors go in through the CSV importer, so the demo exercises the real import path.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import random
from collections import Counter
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from integrity.accounts.domain import Role
from integrity.accounts.models import User
from integrity.accounts.services import create_user
from integrity.audit.domain import Actor
from integrity.clock import local_today
from integrity.db import AnySession
from integrity.demo.domain.generator import DemoData, generate
from integrity.registry.domain.kinds import EventKind, RelationKind, Stage
from integrity.registry.models import Event, Juror, Room, Round
from integrity.registry.services import catalogue, exports, import_runs, people, places
from integrity.registry.services.imports import import_jurors
from integrity.registry.tasks import sealed_for
from integrity.scans.wiring import demo_scans_path
from integrity.settings import settings_of

DEMO_PASSWORD = "integrity-demo"  # noqa: S105  (demo only; printed at start-up)
DEMO_SEED = 2026
SYSTEM = Actor(None, "demo")  # who creates the accounts


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: Role
    name: str


ACCOUNTS = (
    DemoAccount("admin", Role.ADMIN, "Әкімші Демо"),
    DemoAccount("organiser", Role.ORGANISER, "Ұйымдастырушы Әдіскер"),
    DemoAccount("itspec", Role.IT_SPECIALIST, "IT-маман Сканер"),
    DemoAccount("chair", Role.CHAIR, "Қазылар төрағасы"),
    DemoAccount("director", Role.DIRECTOR, "Директор Демо"),
    DemoAccount("observer", Role.OBSERVER, "Тәуелсіз бақылаушы"),
)


def _participants_csv(data: DemoData) -> bytes:
    schools = {s.key: s for s in data.schools}
    districts = {d.key: d for d in data.districts}
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(exports.HEADER[:-1])  # the export's own titles, less the status column
    for p in data.participants:
        school = schools[p.school_key]
        writer.writerow(
            [
                p.iin,
                p.surname,
                p.given_name,
                p.patronymic or "",
                p.grade,
                school.name_kk,
                districts[school.district_key].name_kk,
                p.subject_code,
                p.supervisor or "",
                p.consent_by,
                p.consent_date.isoformat(),
                "иә" if p.consent_public else "жоқ",
            ]
        )
    return out.getvalue().encode("utf-8")


def _jurors_csv(data: DemoData) -> bytes:
    schools = {s.key: s for s in data.schools}
    districts = {d.key: d for d in data.districts}
    out = io.StringIO()
    writer = csv.writer(out, delimiter=",")
    writer.writerow(
        ["ЖСН", "Тегі", "Аты", "Әкесінің аты", "Ұйым түрі", "Ұйым", "Мектеп", "Аудан", "Пәндер"]
    )
    for j in data.jurors:
        school = schools.get(j.school_key or "")
        writer.writerow(
            [
                j.iin,
                j.surname,
                j.given_name,
                j.patronymic or "",
                j.organisation_kind,
                j.organisation,
                school.name_kk if school else "",
                districts[j.district_key].name_kk,
                "|".join(j.subject_codes),
            ]
        )
    return out.getvalue().encode("utf-8")


def load_demo(
    session: AnySession, *, seed: int = DEMO_SEED, participants: int = 600, scans: bool = True
) -> Event:
    """Load the whole demo; the caller commits. ``scans`` adds the scan step (about a minute).

    The demo runs in the app: this is the one place it reads the app's settings, and it passes
    them on to the steps."""
    data = generate(random.Random(seed), participants=participants)
    # The three smallest subjects show the scan and jury steps, with two answer pages a kit to
    # stay quick: the first frozen, drawn and being marked; the second with scans to upload; the
    # third frozen and ready for the chair's draw.
    sizes = Counter(p.subject_code for p in data.participants)
    scan_codes = sorted(sizes, key=lambda code: (sizes[code], code))[:5]
    users = _accounts(session)
    organiser = users["organiser"].as_actor()
    event = catalogue.create_event(
        session,
        actor=organiser,
        title_kk=data.event.title_kk,
        title_ru=data.event.title_ru,
        title_en=data.event.title_en,
        kind=EventKind(data.event.kind),
        stage=Stage(data.event.stage),
        academic_year=data.event.academic_year,
        same_district_conflict=False,
    )
    rooms = _places(session, data, organiser=organiser)
    # The rounds took place yesterday (the final one six days ago, set below), so their kits and
    # protocols are dated; the risk analysis measures from these dates.
    held_on = local_today(settings_of(current_app).zone) - dt.timedelta(days=1)
    _subjects(session, data, event=event, organiser=organiser, scan_codes=scan_codes,
              held_on=held_on)  # fmt: skip
    _people(session, data, event=event, organiser=organiser, rooms=rooms)
    _jurors(session, data, event=event, organiser=organiser)
    if scans:
        by_code = {s.code: s.rounds[0] for s in event.subjects}
        _rounds_under_way(session, event, [by_code[code] for code in scan_codes], users)
    return event


def _accounts(session: AnySession) -> dict[str, User]:
    return {
        a.username: create_user(
            session,
            actor=SYSTEM,
            username=a.username,
            display_name=a.name,
            password=DEMO_PASSWORD,
            roles=[a.role],
            locale="kk",
        )
        for a in ACCOUNTS
    }


def _places(session: AnySession, data: DemoData, *, organiser: Actor) -> list[Room]:
    """Districts, schools, and the venue with enough rooms for the largest subject."""
    districts = {
        d.key: places.add_district(
            session, actor=organiser, name_kk=d.name_kk, name_ru=d.name_ru, kato=d.kato
        )
        for d in data.districts
    }
    for s in data.schools:
        places.add_school(
            session,
            actor=organiser,
            district=districts[s.district_key],
            name_kk=s.name_kk,
            name_ru=s.name_ru,
            bin_=s.bin,
        )
    venue = places.add_venue(
        session,
        actor=organiser,
        name="«Жамбыл дарыны» АҒПО, Тараз",
        address="Тараз қ., демо көшесі, 1",
    )
    rooms: list[Room] = []
    largest_subject = max(Counter(p.subject_code for p in data.participants).values())
    for number in range(1, max(8, math.ceil(largest_subject / 30)) + 1):
        room = places.add_room(
            session,
            actor=organiser,
            venue=venue,
            name=f"{100 + number}",
            capacity=30,
            camera_stream_url=f"https://cameras.example.invalid/room{100 + number}/live",
            recording_url=f"https://cameras.example.invalid/room{100 + number}/recordings",
        )
        places.add_room_observer(
            session,
            actor=organiser,
            room=room,
            full_name="Ата-аналар комитетінің өкілі",
            organisation="Ата-аналар комитеті",
        )
        rooms.append(room)
    return rooms


def _subjects(
    session: AnySession,
    data: DemoData,
    *,
    event: Event,
    organiser: Actor,
    scan_codes: list[str],
    held_on: dt.date,
) -> None:
    """Each subject with one round and its tasks; the rounds of the scan step get two pages."""
    for sub in data.subjects:
        subject = catalogue.add_subject(
            session,
            actor=organiser,
            event=event,
            code=sub.code,
            name_kk=sub.name_kk,
            name_ru=sub.name_ru,
            name_en=sub.name_en,
            grade_min=sub.grade_min,
            grade_max=sub.grade_max,
        )
        round_ = catalogue.add_round(
            session,
            actor=organiser,
            subject=subject,
            held_on=held_on,
            answer_pages=2 if sub.code in scan_codes else 4,
        )
        for t in sub.tasks:
            catalogue.add_task(
                session,
                actor=organiser,
                round_=round_,
                title_kk=t.title_kk,
                title_ru=t.title_ru,
                max_units=t.max_points * 2,
                criteria=[
                    (kk, ru, points * 2)
                    for (kk, points), ru in zip(t.criteria, t.criteria_ru, strict=True)
                ],
            )


def _people(
    session: AnySession, data: DemoData, *, event: Event, organiser: Actor, rooms: list[Room]
) -> None:
    """The participants come as an organiser's upload does (stored, checked, confirmed,
    imported), so the demo shows an import's own page; the jurors through their importer."""
    sealed = sealed_for(current_app)
    run = import_runs.receive(session, actor=organiser, event=event, kind="participants",
                              data=_participants_csv(data), filename="demo-participants.csv",
                              sealed=sealed)  # fmt: skip
    import_runs.check(session, run.id, actor=organiser, sealed=sealed, limits=None)
    import_runs.confirm(session, actor=organiser, run=run, accept_unknown_columns=False)
    import_runs.apply(session, run.id, actor=organiser, sealed=sealed, limits=None)
    import_jurors(
        session, actor=organiser, event=event, data=_jurors_csv(data), filename="demo-jurors.csv"
    )
    for subject in event.subjects:
        for round_ in subject.rounds:
            people.assign_seats(session, actor=organiser, round_=round_, rooms=rooms)


def _jurors(session: AnySession, data: DemoData, *, event: Event, organiser: Actor) -> None:
    """Each juror's declared relations, signed declaration (most of them) and account."""
    jurors = {j.iin: j for j in session.execute(select(Juror)).scalars()}
    for number, demo_juror in enumerate(data.jurors, start=1):
        juror = jurors[demo_juror.iin]
        for relation in demo_juror.relations:
            people.declare_relation(
                session,
                actor=organiser,
                juror=juror,
                kind=RelationKind(relation.kind),
                full_name=relation.full_name,
                iin=relation.iin,
                note=relation.note,
            )
        if demo_juror.declaration_signed:
            people.sign_declaration(session, actor=organiser, juror=juror, event=event)
        account = create_user(
            session,
            actor=SYSTEM,
            username=f"juror{number:02d}",
            display_name=demo_juror.full_name,
            password=DEMO_PASSWORD,
            roles=[Role.JUROR],
            locale="kk",
        )
        people.link_juror_account(session, actor=organiser, juror=juror, user_id=account.id)


def _rounds_under_way(
    session: AnySession, event: Event, rounds: list[Round], users: dict[str, User]
) -> None:
    """Five rounds at five stages: scanned, drawn and being marked; scans waiting to upload;
    frozen and ready for a draw; final with diplomas; in the appeal window. Then the year's
    corruption-risk analysis, measured from all of it."""
    from integrity.demo.jury import load_jury_demo, settle_conflicts
    from integrity.demo.protocols import load_results_demo
    from integrity.demo.risk import load_risk_demo
    from integrity.demo.scans import DEMO_CHAIR_PASSPHRASE, load_scan_demo

    drawn, waiting, ready, final, appealing = rounds
    assert final.held_on is not None
    final.held_on -= dt.timedelta(days=5)  # so its ciphered protocol, two days old, came late
    chair, it = users["chair"].as_actor(), users["itspec"].as_actor()
    settle_conflicts(session, round_=drawn, chair=chair)
    load_scan_demo(session, event=event, frozen=drawn, waiting=waiting, chair=chair, it=it,
                   upload_later=demo_scans_path(current_app, waiting.id))  # fmt: skip
    load_jury_demo(session, drawn=drawn, ready=ready, chair=chair, it=it)
    load_results_demo(session, final=final, appealing=appealing, chair=chair, it=it,
                      maker=users["organiser"].as_actor(), checker=users["director"].as_actor(),
                      passphrase=DEMO_CHAIR_PASSPHRASE)  # fmt: skip
    load_risk_demo(
        session,
        settings=settings_of(current_app),
        today=local_today(settings_of(current_app).zone),
        director=users["director"].as_actor(),
        organiser=users["organiser"].as_actor(),
    )


def demo_accounts(session: AnySession | None = None) -> list[tuple[str, str]]:
    """One account per role; for the juror, one with works still to mark when there is one."""
    juror = (marking_juror(session) if session is not None else None) or "juror01"
    return [(a.username, a.role.value) for a in ACCOUNTS] + [(juror, Role.JUROR.value)]


def marking_juror(session: AnySession) -> str | None:
    """The first juror account (by name) with an unsubmitted marking."""
    from integrity.jury.models import Assignment

    return session.execute(
        select(User.username)
        .join(Juror, Juror.user_id == User.id)
        .join(Assignment, Assignment.juror_id == Juror.id)
        .where(Assignment.submitted_at.is_(None))
        .order_by(User.username)
        .limit(1)
    ).scalar_one_or_none()


def demo_access_code(session: AnySession) -> str | None:
    """A participant's access code whose protocol takes appeals now, and who has not appealed."""
    from integrity.protocols.models import Appeal, Protocol, ProtocolState
    from integrity.protocols.services.appeals import find_work
    from integrity.scans.domain.codes import format_access_code
    from integrity.scans.models import Booklet
    from integrity.scans.services.kits import access_code_of

    rounds = set(
        session.execute(
            select(Protocol.round_id).where(Protocol.state == ProtocolState.PUBLISHED)
        ).scalars()
    )
    appealed = set(session.execute(select(Appeal.work_id)).scalars())
    for booklet in session.execute(
        select(Booklet)
        .where(Booklet.round_id.in_(rounds), Booklet.has_work.is_(True))
        .order_by(Booklet.serial)
    ).scalars():
        code = access_code_of(booklet, settings_of(current_app))
        if find_work(session, code, settings_of(current_app)).id not in appealed:
            return format_access_code(code)
    return None
