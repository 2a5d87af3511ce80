"""Small builders for registry data, going through the real services (so audit events exist)."""

from __future__ import annotations

import datetime as dt
import io
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from integrity.audit.chain import Actor
from integrity.jury.services.conflicts import FREEZE_STEP
from integrity.registry.domain.iin import make_iin
from integrity.registry.domain.kinds import EventKind, Stage
from integrity.registry.models import District, Event, Round, School, Subject
from integrity.registry.services import catalogue, places
from integrity.scans.simulate import ScanPlan

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
    from integrity.scans.services import kits
    from integrity.scans.simulate import Degradation, simulate_scans
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
    _, pdf = kits.print_kits(session, actor=ACTOR, round_=round_)
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
    _, pdf = kits.print_kits(session, actor=ACTOR, round_=round_)
    upload, _ = ingest.create_upload(
        session, actor=ACTOR, round_=round_, stream=io.BytesIO(pdf), filename="kits.pdf"
    )
    ingest.process_upload(session, upload.id, actor=ACTOR, workers=0)
    if freeze:
        queue.freeze_round(session, actor=ACTOR, round_=round_, steps=JURY_STEPS)
    session.commit()
    return DrawableRound(ev, round_, juror_rows, accounts, schools)
