"""Builders for a round at each stage of the flow, going through the real services (so audit
events exist). In the order of the flow:

- registry: ``event``, ``subject_with_round``, ``district``, ``school``, ``iin``;
  ``registered_round`` (entries and the event's vault);
- scans: ``print_and_scan``/``print_and_plan`` (kits printed, scans simulated), ``stored_upload``,
  ``scanned_round``; ``drawable_round`` (ingested and frozen, jurors declared);
- jury: ``ceremony`` (jurors drawn), ``full_marks``, ``marked_round``;
- protocols: ``published`` (the ciphered protocol published), ``final_protocol``;
- diplomas: ``issued_batch``;
- risk: ``analysis_with_group``, ``undeclare``; jobs: ``ingest_job``.

Test modules import builders from here, never from one another.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import select

from integrity.audit.domain.chain import Actor
from integrity.db import utcnow
from integrity.jury.services.conflicts import FREEZE_STEP
from integrity.registry.domain.iin import make_iin
from integrity.registry.domain.kinds import EventKind, Stage
from integrity.registry.models import District, Event, Round, School, Subject
from integrity.registry.services import catalogue, places
from integrity.scans.domain.simulate import ScanPlan
from integrity.settings import settings_of

ACTOR = Actor(None, "test")

# The freeze steps create_app gives the scans: the jury's conflicts of interest.
JURY_STEPS = (FREEZE_STEP,)


def iin(n: int, *, year: int = 2011, sex: str = "F") -> str:
    """The n-th valid IIN for a birth date in ``year`` (serials without a check digit skipped)."""
    serial = n
    while True:
        value = make_iin(dt.date(year, 3, 1 + n % 28), sex, serial % 10000)
        if value is not None:
            return value
        serial += 1000


def event(session: Any, **overrides: Any) -> Event:
    fields: dict[str, Any] = {
        "title_kk": "Облыстық олимпиада",
        "title_ru": "Областная олимпиада",
        "title_en": None,
        "kind": EventKind.SUBJECT_OLYMPIAD,
        "stage": Stage.REGIONAL,
        "academic_year": "2026-2027",
    }
    fields.update(overrides)
    return catalogue.create_event(session, actor=ACTOR, **fields)


def subject_with_round(
    session: Any, ev: Event, code: str = "MATH", grades: tuple[int, int] = (9, 11)
) -> tuple[Subject, Round]:
    subject = catalogue.add_subject(
        session,
        actor=ACTOR,
        event=ev,
        code=code,
        name_kk="Математика",
        name_ru="Математика",
        name_en="Mathematics",
        grade_min=grades[0],
        grade_max=grades[1],
    )
    return subject, catalogue.add_round(session, actor=ACTOR, subject=subject)


def district(
    session: Any, name_kk: str = "Байзақ ауданы", name_ru: str = "Байзакский район"
) -> District:
    return places.add_district(session, actor=ACTOR, name_kk=name_kk, name_ru=name_ru)


def school(
    session: Any, d: District, name_kk: str = "№1 мектеп", name_ru: str = "Школа №1"
) -> School:
    return places.add_school(session, actor=ACTOR, district=d, name_kk=name_kk, name_ru=name_ru)


PASSPHRASE = "a long chair passphrase"  # the chair's, for every vault built here


def registered_round(session: Any) -> dict[str, Any]:
    """A round of two answer pages with four entries from one school and its event's vault
    (committed): what the organisers have before printing kits."""
    from integrity.registry.services import people
    from integrity.vault.services import create_vault

    ev = event(session)
    _, round_ = subject_with_round(session, ev)
    round_.answer_pages = 2
    place = school(session, district(session))
    entries = []
    for n in range(4):
        p = people.register_participant(
            session,
            actor=ACTOR,
            iin=iin(n + 1),
            surname=f"Сәрсенов{'а' * n}",
            given_name="Әлихан",
            patronymic=None,
            grade=10,
            school=place,
        )
        entries.append(people.enter_participant(session, actor=ACTOR, round_=round_, participant=p))
    create_vault(session, actor=ACTOR, event=ev, passphrase=PASSPHRASE, n_log2=10)
    session.commit()
    return {"event": ev, "round": round_, "entries": entries}


def print_and_plan(
    session: Any, world: dict[str, Any], tmp_path: Path, **scan: Any
) -> tuple[Path, ScanPlan, Path]:
    """The round's kits printed (committed) and a realistic scan of them: the scan's path, what
    was done to each page, and the kits' path."""
    from integrity.scans.domain.simulate import Degradation, simulate_scans
    from integrity.scans.services import kits

    _, pdf = kits.print_kits(
        session, actor=ACTOR, round_=world["round"], settings=settings_of(current_app)
    )
    session.commit()
    kit_path = tmp_path / "kits.pdf"
    kit_path.write_bytes(pdf)
    scan_path = tmp_path / "scan.pdf"
    plan = simulate_scans(kit_path, scan_path, random.Random(7), Degradation(), **scan)
    return scan_path, plan, kit_path


def print_and_scan(session: Any, world: dict[str, Any], tmp_path: Path, **scan: Any) -> Path:
    return print_and_plan(session, world, tmp_path, **scan)[0]


def stored_upload(session: Any, world: dict[str, Any], tmp_path: Path) -> Any:
    """A real scan of the round, stored as an upload and not read yet (committed)."""
    from integrity.scans.services import ingest

    path = print_and_scan(session, world, tmp_path)
    with path.open("rb") as stream:
        upload, _ = ingest.create_upload(
            session,
            actor=ACTOR,
            round_=world["round"],
            stream=stream,
            filename="scan.pdf",
            settings=settings_of(current_app),
        )
    session.commit()
    return upload


@dataclass(frozen=True)
class ScannedRound:
    event: Event
    round: Round
    scan_path: Path
    plan: ScanPlan
    kit_path: Path


def scanned_round(
    session: Any,
    folder: Path,
    *,
    entries: int = 3,
    answer_pages: int = 2,
    seed: int = 11,
    **scan: Any,
) -> ScannedRound:
    """A round with its entries, its event's vault, its printed kits and their realistic scans
    (committed): what an IT specialist has in hand after a sitting."""
    from integrity.registry.services import people
    from integrity.scans.domain.simulate import Degradation, simulate_scans
    from integrity.scans.services import kits
    from integrity.vault.services import create_vault

    ev = event(session)
    _, round_ = subject_with_round(session, ev)
    round_.answer_pages = answer_pages
    place = school(session, district(session))
    for n in range(entries):
        participant = people.register_participant(
            session,
            actor=ACTOR,
            iin=iin(n + 1),
            surname=f"Қасымов{'а' * n}",
            given_name="Ұлан",
            patronymic=None,
            grade=10,
            school=place,
        )
        people.enter_participant(session, actor=ACTOR, round_=round_, participant=participant)
    create_vault(session, actor=ACTOR, event=ev, passphrase="a long chair passphrase", n_log2=10)
    _, pdf = kits.print_kits(session, actor=ACTOR, round_=round_, settings=settings_of(current_app))
    session.commit()
    kit_path = folder / "kits.pdf"
    kit_path.write_bytes(pdf)
    scan_path = folder / "mfp-0001.pdf"
    plan = simulate_scans(kit_path, scan_path, random.Random(seed), Degradation(), **scan)
    return ScannedRound(ev, round_, scan_path, plan, kit_path)


@dataclass(frozen=True)
class DrawableRound:
    event: Event
    round: Round
    jurors: list[Any]  # registry Juror rows, each with a juror account
    accounts: list[Any]  # their User rows, in the same order
    schools: list[School]


def drawable_round(
    session: Any,
    *,
    entries: int = 6,
    jurors: int = 5,
    tasks: int = 2,
    kind: EventKind = EventKind.SUBJECT_OLYMPIAD,
    freeze: bool = True,
    answer_pages: int = 1,
) -> DrawableRound:
    """A round whose kits were printed and read back (the kit PDF itself is a clean scan), with
    ``jurors`` jurors of its subject holding accounts and signed declarations, and its scans
    frozen (conflicts written down): what the jury chair has before a draw. Juror j teaches at
    school j mod 3; entry e studies at school e mod 3."""
    from integrity.accounts.domain import Role
    from integrity.accounts.services import create_user
    from integrity.registry.domain.kinds import OrganisationKind
    from integrity.registry.services import people
    from integrity.scans.services import ingest, kits, queue
    from integrity.vault.services import create_vault

    ev = event(session, kind=kind)
    subject, round_ = subject_with_round(session, ev)
    round_.answer_pages = answer_pages
    for t in range(1, tasks + 1):
        catalogue.add_task(
            session, actor=ACTOR, round_=round_, title_kk=f"{t}-есеп", title_ru=f"Задача {t}",
            max_units=20, criteria=[("Шешімі", "Решение", 14), ("Жауабы", "Ответ", 6)],
        )  # fmt: skip
    where = district(session)
    schools = [
        school(session, where, name_kk=f"№{n} мектеп", name_ru=f"Школа №{n}") for n in (1, 2, 3)
    ]
    for n in range(entries):
        participant = people.register_participant(
            session, actor=ACTOR, iin=iin(n + 1), surname=f"Оқушы{chr(0x410 + n)}ова",
            given_name="Айя", patronymic=None, grade=10, school=schools[n % 3],
        )  # fmt: skip
        people.enter_participant(session, actor=ACTOR, round_=round_, participant=participant)
    juror_rows, accounts = [], []
    for j in range(jurors):
        user = create_user(
            session, actor=ACTOR, username=f"juror{j + 1:02d}", display_name=f"Juror {j + 1}",
            password="a juror's long password", roles=[Role.JUROR],
        )  # fmt: skip
        juror = people.register_juror(
            session, actor=ACTOR, surname=f"Мұғалім{chr(0x410 + j)}ов", given_name="Ерлан",
            patronymic=None, organisation_kind=OrganisationKind.SCHOOL,
            organisation=schools[j % 3].name_kk, school=schools[j % 3], subjects=[subject],
            user_id=user.id,
        )  # fmt: skip
        people.sign_declaration(session, actor=ACTOR, juror=juror, event=ev)
        juror_rows.append(juror)
        accounts.append(user)
    create_vault(session, actor=ACTOR, event=ev, passphrase="a long chair passphrase", n_log2=10)
    _, pdf = kits.print_kits(session, actor=ACTOR, round_=round_, settings=settings_of(current_app))
    upload, _ = ingest.create_upload(
        session,
        actor=ACTOR,
        round_=round_,
        stream=io.BytesIO(pdf),
        filename="kits.pdf",
        settings=settings_of(current_app),
    )
    ingest.process_upload(
        session, upload.id, actor=ACTOR, workers=0, settings=settings_of(current_app)
    )
    if freeze:
        queue.freeze_round(
            session, actor=ACTOR, round_=round_, steps=JURY_STEPS, settings=settings_of(current_app)
        )
    session.commit()
    return DrawableRound(ev, round_, juror_rows, accounts, schools)


# Jurors drawn, works marked.


def ceremony(session: Any, world: DrawableRound, **freeze: Any) -> Any:
    """The draw of a frozen round, sealed, committed, rolled by two people and revealed."""
    from integrity.jury.services import draws

    draw = draws.freeze(session, actor=ACTOR, round_=world.round, **freeze)
    draws.commit(session, actor=ACTOR, draw=draw, settings=settings_of(current_app))
    draws.contribute(session, actor=ACTOR, draw=draw, contributor="Observer A", value="6 6 2")
    draws.contribute(session, actor=ACTOR, draw=draw, contributor="Parent B", value="4 1 3")
    return draws.reveal(session, actor=ACTOR, draw=draw, settings=settings_of(current_app))


def full_marks(session: Any, assignment: Any, per_task: dict[int, int]) -> dict[Any, int]:
    """Values giving task n the total per_task[n] (units), split over its two criteria."""
    from integrity.registry.models import Task

    values = {}
    for task in session.execute(select(Task).order_by(Task.number)).scalars():
        if assignment.task_numbers and task.number not in assignment.task_numbers:
            continue
        total = per_task[task.number]
        first = min(total, task.criteria[0].max_units)
        values[task.id, 1] = first
        values[task.id, 2] = total - first
    return values


def marked_round(
    session: Any, totals: dict[int, int] | None = None, world: DrawableRound | None = None
) -> DrawableRound:
    """A drawn round whose every work is marked by both markers alike: work n (by cipher order)
    gets ``totals[n]`` units on each task (default 10 + n). ``world``: a round whose scans are
    frozen already (default: a new one)."""
    from integrity.jury.models import Assignment, AssignmentRole
    from integrity.jury.services import marking
    from integrity.scans.models import Work

    world = world or drawable_round(session)
    ceremony(session, world)
    works = session.execute(select(Work).order_by(Work.cipher)).scalars().all()
    for n, work in enumerate(works):
        units = (totals or {}).get(n, 10 + n)
        for a in session.execute(
            select(Assignment).where(
                Assignment.work_id == work.id, Assignment.role == AssignmentRole.MARKER
            )
        ).scalars():
            marking.save(session, actor=ACTOR, assignment=a,
                         values=full_marks(session, a, {1: units, 2: units}), submit=True)  # fmt: skip
    return world


# Protocols: the ciphered one published, then the named final one.


def published(session: Any, totals: dict[int, int] | None = None) -> tuple[DrawableRound, Any]:
    """A marked round whose ciphered protocol is frozen and published: the appeal window is
    open."""
    from integrity.protocols import services as protocols

    world = marked_round(session, totals=totals)
    (protocol,) = protocols.protocols_of(session, world.round)
    protocols.freeze(session, actor=ACTOR, protocol=protocol)
    protocols.publish(session, actor=ACTOR, protocol=protocol)
    return world, protocol


def final_protocol(
    session: Any, totals: dict[int, int] | None = None, *, publish: bool = True
) -> Any:
    """A round marked, its appeals closed, unsealed, and its named protocol frozen and (unless
    ``publish`` is false) published: six participants; the default totals give the top two an
    award."""
    from integrity.protocols import services as protocols
    from integrity.protocols.services.unsealing import unseal_round

    world, protocol = published(session, totals or {0: 14, 1: 12, 2: 10, 3: 8, 4: 6, 5: 4})
    protocols.close_appeals(session, actor=ACTOR, protocol=protocol,
                            now=protocol.appeals_until + dt.timedelta(minutes=1))  # fmt: skip
    unseal_round(session, actor=ACTOR, round_=world.round, passphrase=PASSPHRASE)
    protocols.mark_unsealed(session, world.round)
    protocols.advance_freeze(session, actor=ACTOR, protocol=protocol)
    if publish:
        protocols.advance_publish(session, actor=ACTOR, protocol=protocol)
    return protocol


# Diplomas.


def issued_batch(session: Any, users: Any, **options: Any) -> tuple[Any, Any, list[Any]]:
    """A final protocol's diplomas, requested by an organiser and approved by a chair:
    (protocol, batch, the diplomas made). ``options``: ``language``, ``participation``."""
    from integrity.accounts.domain import Role
    from integrity.diplomas import services

    protocol = final_protocol(session)
    maker, checker = users.make(Role.ORGANISER), users.make(Role.CHAIR)
    batch = services.request_batch(
        session,
        actor=maker.as_actor(),
        protocol=protocol,
        language=options.get("language", "kk"),
        participation=options.get("participation", False),
    )
    made = services.decide_batch(session, settings=settings_of(current_app), actor=checker.as_actor(),
                                 batch=batch, approve=True)  # fmt: skip
    return protocol, batch, made


# The risk analysis.

TODAY = utcnow().date()
YEAR = (dt.date(TODAY.year, 1, 1), dt.date(TODAY.year, 12, 31))


def undeclare(session: Any, n: int) -> None:
    """Take back ``n`` jurors' signed declarations, as if they had been drawn without one."""
    from integrity.registry.models import JurorDeclaration

    for declaration in session.execute(
        select(JurorDeclaration).order_by(JurorDeclaration.id).limit(n)
    ).scalars():
        session.delete(declaration)
    session.flush()


def analysis_with_group(session: Any, **kwargs: Any) -> Any:
    """A draft analysis of this year with its working group of three."""
    from integrity.risk import services
    from integrity.risk.domain import MemberRole

    analysis = services.create(session, actor=ACTOR, period_start=YEAR[0], period_end=YEAR[1],
                               order_number="69", order_date=TODAY, **kwargs)  # fmt: skip
    services.set_members(session, actor=ACTOR, analysis=analysis, members=[
        ("Сәрсенова А.", "директор", MemberRole.CHAIR),
        ("Иванов П.", "директордың орынбасары", MemberRole.MEMBER),
        ("Нұрланұлы Е.", "іс жүргізуші", MemberRole.SECRETARY),
    ])  # fmt: skip
    return analysis


# Background jobs.


def ingest_job(session: Any, upload: Any) -> Any:
    """The upload's ingest submitted as a job (committed), for the test to run by hand."""
    from integrity import jobs
    from integrity.jobs import services
    from integrity.scans.tasks import INGEST

    job = jobs.submit(
        session, INGEST, {"upload_id": upload.id, "actor_id": None, "actor_name": "test"}
    )
    session.commit()
    session.info.pop(services.PENDING, None)  # the test runs it by hand
    return job
