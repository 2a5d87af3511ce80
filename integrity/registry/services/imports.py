"""Importing participant and juror lists: all rows or none.

The whole file is parsed and checked against the registry before anything is written, so one bad
row stops the import with every problem listed, and a re-import of the same file changes nothing
(participants are matched by IIN, jurors by IIN or else by name and organisation).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from integrity.audit.domain.chain import Actor
from integrity.audit.services import record_event
from integrity.db import AnySession
from integrity.registry.domain import (
    JUROR_COLUMNS,
    PARTICIPANT_COLUMNS,
    PARTICIPANT_EXPORT_ONLY,
    ImportRejected,
    JurorRow,
    ParticipantRow,
    RowError,
    full_name,
    name_key,
    parse_jurors,
    parse_participants,
    unknown_columns,
)
from integrity.registry.domain.kinds import OrganisationKind
from integrity.registry.domain.tabular import Table, TableLimits, read_table
from integrity.registry.models import (
    Entry,
    Event,
    Juror,
    JurorSubject,
    Participant,
    Round,
    School,
    Subject,
)
from integrity.registry.services.matching import Schools, subjects_by_name
from integrity.settings import Settings


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    entries_created: int = 0
    dry_run: bool = False
    sha256: str = ""
    created_ids: list[int] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)  # unknown, and accepted as ignored

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.entries_created)

    def as_dict(self) -> dict[str, object]:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "entries_created": self.entries_created,
            "dry_run": self.dry_run,
            "sha256": self.sha256,
            "ignored_columns": self.ignored_columns,
        }


def _record(
    session: AnySession,
    actor: Actor,
    action: str,
    event: Event,
    result: ImportResult,
    filename: str,
) -> None:
    """One audit event for a whole import, and none for a dry run or a file that changed nothing."""
    if result.dry_run or not result.changed:
        return
    session.flush()
    data = {k: v for k, v in result.as_dict().items() if k != "dry_run"}
    record_event(
        session,
        actor=actor,
        action=action,
        subject=f"event:{event.id}",
        data={**data, "file": filename[:200]},
    )


def _unknown_columns(table: Table, columns: Any, accept: bool, errors: list[RowError]) -> list[str]:
    """The columns no field reads. Refused (one problem each, naming the column) unless the
    person confirmed that they may be ignored; then they are named in the result."""
    unknown = unknown_columns(table.header, columns)
    if not accept:
        errors.extend(RowError(table.header_row, "column", "unknown_column", t) for t in unknown)
    return unknown


def _participant_changes(p: Participant, row: ParticipantRow, school: School) -> dict[str, object]:
    wanted: dict[str, object] = {
        "surname": row.surname,
        "given_name": row.given_name,
        "patronymic": row.patronymic,
        "grade": row.grade,
        "school_id": school.id,
        "supervisor": row.supervisor,
    }
    if row.consent_date is not None:
        wanted.update(
            consent_by=row.consent_by,
            consent_date=row.consent_date,
            consent_public=row.consent_public,
        )
    return {k: v for k, v in wanted.items() if getattr(p, k) != v}


def import_participants(
    session: AnySession,
    *,
    actor: Actor,
    event: Event,
    data: bytes,
    filename: str,
    dry_run: bool = False,
    accept_unknown_columns: bool = False,
    limits: TableLimits | None = None,
) -> ImportResult:
    table = read_table(data, filename, limits=limits)
    rows, errors = parse_participants(table)
    known = {**PARTICIPANT_COLUMNS, **PARTICIPANT_EXPORT_ONLY}
    ignored = _unknown_columns(table, known, accept_unknown_columns, errors)
    rounds = _rounds_of(session, event)
    resolved = _resolve_participants(
        rows, Schools(session), subjects_by_name(session, event), rounds, errors
    )
    if errors:
        raise ImportRejected(sorted(errors, key=lambda e: (e.row, e.field)))

    result = ImportResult(rows=len(rows), dry_run=dry_run, sha256=hashlib.sha256(data).hexdigest(),
                          ignored_columns=ignored)  # fmt: skip
    _write_participants(session, actor, resolved, rounds, result)
    _record(session, actor, "registry.import_participants", event, result, filename)
    return result


def _rounds_of(session: AnySession, event: Event) -> dict[int, list[Round]]:
    """The event's rounds by subject id, in order: a participant is entered in each."""
    rounds: dict[int, list[Round]] = defaultdict(list)
    for round_ in session.execute(
        select(Round).join(Subject).where(Subject.event_id == event.id).order_by(Round.number)
    ).scalars():
        rounds[round_.subject_id].append(round_)
    return rounds


def _resolve_participants(
    rows: list[ParticipantRow],
    schools: Schools,
    subjects: dict[str, Subject],
    rounds: dict[int, list[Round]],
    errors: list[RowError],
) -> list[tuple[ParticipantRow, School, Subject]]:
    """Each row's school and subject in the registry; what is not there is added to ``errors``."""
    resolved: list[tuple[ParticipantRow, School, Subject]] = []
    for row in rows:
        row_errors: list[RowError] = []
        school = schools.find(row.row, row.school, row.district, row_errors)
        subject = subjects.get(name_key(row.subject))
        if subject is None:
            row_errors.append(RowError(row.row, "subject", "subject_unknown", row.subject[:60]))
        else:
            if not subject.grade_min <= row.grade <= subject.grade_max:
                row_errors.append(RowError(row.row, "grade", "grade_range", str(row.grade)))
            if not rounds.get(subject.id):
                row_errors.append(
                    RowError(row.row, "subject", "subject_no_round", row.subject[:60])
                )
        errors.extend(row_errors)
        if not row_errors and school is not None and subject is not None:
            resolved.append((row, school, subject))
    return resolved


def _write_participants(
    session: AnySession,
    actor: Actor,
    resolved: list[tuple[ParticipantRow, School, Subject]],
    rounds: dict[int, list[Round]],
    result: ImportResult,
) -> None:
    """Create or update each participant and enter them in their subject's rounds; on a dry run
    only count what would change."""
    existing = {
        p.iin: p
        for p in session.execute(
            select(Participant).where(Participant.iin.in_([r.iin for r, _, _ in resolved]))
        ).scalars()
    }
    entered = {
        (e.round_id, e.participant_id)
        for e in session.execute(
            select(Entry).where(Entry.round_id.in_([r.id for rs in rounds.values() for r in rs]))
        ).scalars()
    }
    for row, school, subject in resolved:
        participant = existing.get(row.iin)
        if participant is None:
            result.created += 1
            if result.dry_run:
                result.entries_created += len(rounds[subject.id])
                continue
            participant = _new_participant(row, school, actor)
            session.add(participant)
            session.flush()
            existing[row.iin] = participant
            result.created_ids.append(participant.id)
        else:
            changes = _participant_changes(participant, row, school)
            if changes:
                result.updated += 1
                if not result.dry_run:
                    for key, value in changes.items():
                        setattr(participant, key, value)
            else:
                result.unchanged += 1
        for round_ in rounds[subject.id]:
            if (round_.id, participant.id) not in entered:
                result.entries_created += 1
                entered.add((round_.id, participant.id))
                if not result.dry_run:
                    session.add(Entry(round_id=round_.id, participant_id=participant.id))


def _new_participant(row: ParticipantRow, school: School, actor: Actor) -> Participant:
    return Participant(
        iin=row.iin,
        birth_date=row.birth_date,
        sex=row.sex,
        surname=row.surname,
        given_name=row.given_name,
        patronymic=row.patronymic,
        grade=row.grade,
        school=school,
        supervisor=row.supervisor,
        consent_by=row.consent_by,
        consent_date=row.consent_date,
        consent_public=row.consent_public and row.consent_date is not None,
        consent_recorded_by_id=actor.id if row.consent_date else None,
    )


def import_jurors(
    session: AnySession,
    *,
    actor: Actor,
    event: Event,
    data: bytes,
    filename: str,
    dry_run: bool = False,
    accept_unknown_columns: bool = False,
    limits: TableLimits | None = None,
) -> ImportResult:
    table: Table = read_table(data, filename, limits=limits)
    rows, errors = parse_jurors(table)
    ignored = _unknown_columns(table, JUROR_COLUMNS, accept_unknown_columns, errors)
    resolved = _resolve_jurors(rows, Schools(session), subjects_by_name(session, event), errors)
    if errors:
        raise ImportRejected(sorted(errors, key=lambda e: (e.row, e.field)))

    result = ImportResult(rows=len(rows), dry_run=dry_run, sha256=hashlib.sha256(data).hexdigest(),
                          ignored_columns=ignored)  # fmt: skip
    _write_jurors(session, resolved, result)
    _record(session, actor, "registry.import_jurors", event, result, filename)
    return result


_ResolvedJuror = tuple[JurorRow, School | None, int | None, list[Subject]]


def _resolve_jurors(
    rows: list[JurorRow], schools: Schools, subjects: dict[str, Subject], errors: list[RowError]
) -> list[_ResolvedJuror]:
    """Each row's school, district and subjects in the registry; what is not there is added to
    ``errors``."""
    resolved: list[_ResolvedJuror] = []
    for row in rows:
        row_errors: list[RowError] = []
        school = schools.find(row.row, row.school, row.district, row_errors) if row.school else None
        district_id = school.district_id if school else None
        if row.district and not row.school:
            district = schools.districts.get(name_key(row.district))
            if district is None:
                row_errors.append(
                    RowError(row.row, "district", "district_unknown", row.district[:60])
                )
            else:
                district_id = district.id
        picked: list[Subject] = []
        for code in row.subjects:
            subject = subjects.get(name_key(code))
            if subject is None:
                row_errors.append(RowError(row.row, "subjects", "subject_unknown", code[:60]))
            elif subject not in picked:
                picked.append(subject)
        errors.extend(row_errors)
        if not row_errors:
            resolved.append((row, school, district_id, picked))
    return resolved


def _write_jurors(
    session: AnySession, resolved: list[_ResolvedJuror], result: ImportResult
) -> None:
    """Create each new juror (matched by IIN, else by name and organisation) and add the subjects
    a known one lacks; on a dry run only count what would change."""
    jurors = list(session.execute(select(Juror)).scalars())
    by_iin = {j.iin: j for j in jurors if j.iin}
    by_name = {(j.search_key, name_key(j.organisation)): j for j in jurors}
    for row, school, district_id, picked in resolved:
        key = (
            name_key(full_name(row.surname, row.given_name, row.patronymic)),
            name_key(row.organisation),
        )
        juror = by_iin.get(row.iin) if row.iin else by_name.get(key)
        if juror is None:
            result.created += 1
            if result.dry_run:
                continue
            juror = Juror(
                iin=row.iin,
                surname=row.surname,
                given_name=row.given_name,
                patronymic=row.patronymic,
                organisation_kind=OrganisationKind(row.organisation_kind),
                organisation=row.organisation,
                school=school,
                district_id=district_id,
                email=row.email,
                phone=row.phone,
                subjects=[JurorSubject(subject=s) for s in picked],
            )
            session.add(juror)
            session.flush()
            result.created_ids.append(juror.id)
            by_name[key] = juror
            if row.iin:
                by_iin[row.iin] = juror
            continue
        have = {js.subject_id for js in juror.subjects}
        missing = [s for s in picked if s.id not in have]
        if missing:
            result.updated += 1
            if not result.dry_run:
                juror.subjects.extend(JurorSubject(subject=s) for s in missing)
        else:
            result.unchanged += 1


def table_limits(settings: Settings) -> TableLimits:
    """The import's limits, from the instance's settings (``IMPORT_MAX_*``)."""
    return TableLimits(
        rows=settings.import_max_rows,
        columns=settings.import_max_columns,
        cell_chars=settings.import_max_cell_chars,
        unpacked_bytes=settings.import_max_unpacked_mb * 1024 * 1024,
    )
