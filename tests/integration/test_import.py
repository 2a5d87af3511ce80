"""Participant and juror import: all rows or none, every bad row named, re-import changes nothing."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from openpyxl import Workbook
from sqlalchemy import func, select

from integrity.audit.models import AuditEvent
from integrity.registry.domain import ImportRejected
from integrity.registry.models import Entry, Juror, Participant
from integrity.registry.services import exports
from integrity.registry.services.imports import import_jurors, import_participants
from tests import factories as f
from tests.conftest import event_count

HEADER = ["ЖСН", "Тегі", "Аты", "Әкесінің аты", "Сынып", "Мектеп", "Аудан", "Пән"]


@pytest.fixture
def world(session: Any) -> dict[str, Any]:
    ev = f.event(session)
    _, math_round = f.subject_with_round(session, ev, "MATH")
    d1 = f.district(session)
    d2 = f.district(session, "Шу ауданы", "Шуский район")
    f.school(session, d1, "№1 мектеп", "Школа №1")
    f.school(session, d2, "№7 гимназия", "Гимназия №7")
    session.commit()
    return {"event": ev, "round": math_round}


def rows(n: int = 3) -> list[list[str]]:
    names = [
        ("Сәрсенбаева", "Әсел", "Қайратқызы"),
        ("Ким", "Анна", "Сергеевна"),
        ("Жақыпов", "Ерұлан", ""),
    ]
    out = []
    for i in range(n):
        surname, given, patronymic = names[i % 3]
        out.append(
            [
                f.iin(i + 1),
                surname,
                given,
                patronymic,
                str(9 + i % 3),
                "№1 мектеп" if i % 2 == 0 else "Гимназия №7",
                "Байзақ ауданы" if i % 2 == 0 else "Шу ауданы",
                "MATH",
            ]
        )
    return out


def csv_bytes(table: list[list[str]], *, delimiter: str = ";", encoding: str = "utf-8") -> bytes:
    text = "\r\n".join(delimiter.join(row) for row in table) + "\r\n"
    return text.encode(encoding)


def test_a_utf8_semicolon_file_imports_participants_and_enters_them(
    session: Any, world: dict[str, Any]
) -> None:
    result = import_participants(
        session,
        actor=f.ACTOR,
        event=world["event"],
        data=csv_bytes([HEADER, *rows()]),
        filename="list.csv",
    )
    session.commit()
    assert (result.created, result.updated, result.unchanged, result.entries_created) == (
        3,
        0,
        0,
        3,
    )
    assert session.scalar(select(func.count()).select_from(Participant)) == 3
    assert (
        session.scalar(
            select(func.count()).select_from(Entry).filter_by(round_id=world["round"].id)
        )
        == 3
    )
    assert (
        session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .filter_by(action="registry.import_participants")
        )
        == 1
    )


def test_reimporting_the_same_file_changes_nothing_not_even_the_audit_log(
    session: Any, world: dict[str, Any]
) -> None:
    data = csv_bytes([HEADER, *rows()])
    import_participants(
        session, actor=f.ACTOR, event=world["event"], data=data, filename="list.csv"
    )
    session.commit()
    before = event_count()
    again = import_participants(
        session, actor=f.ACTOR, event=world["event"], data=data, filename="list.csv"
    )
    session.commit()
    assert (again.created, again.updated, again.unchanged, again.entries_created) == (0, 0, 3, 0)
    assert event_count() == before


def test_a_changed_row_updates_the_participant_matched_by_iin(
    session: Any, world: dict[str, Any]
) -> None:
    table = rows()
    import_participants(
        session,
        actor=f.ACTOR,
        event=world["event"],
        data=csv_bytes([HEADER, *table]),
        filename="a.csv",
    )
    table[0][2] = "Әсем"
    result = import_participants(
        session,
        actor=f.ACTOR,
        event=world["event"],
        data=csv_bytes([HEADER, *table]),
        filename="b.csv",
    )
    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    assert (
        session.execute(select(Participant).filter_by(iin=table[0][0])).scalar_one().given_name
        == "Әсем"
    )


@pytest.mark.parametrize(
    ("encoding", "delimiter"), [("utf-8-sig", ","), ("cp1251", ";"), ("utf-8", ",")]
)
def test_encodings_and_delimiters_are_detected_not_asked(
    session: Any, world: dict[str, Any], encoding: str, delimiter: str
) -> None:
    header = ["ИИН", "Фамилия", "Имя", "Отчество", "Класс", "Школа", "Район", "Предмет"]
    table = [
        [
            f.iin(7),
            "Иванова",
            "Мария",
            "Петровна",
            "10",
            "Школа №1",
            "Байзакский район",
            "Математика",
        ]
    ]
    result = import_participants(
        session,
        actor=f.ACTOR,
        event=world["event"],
        data=csv_bytes([header, *table], delimiter=delimiter, encoding=encoding),
        filename="ru.csv",
    )
    assert result.created == 1
    assert session.execute(select(Participant)).scalar_one().surname == "Иванова"


def test_an_xlsx_file_imports_like_a_csv(session: Any, world: dict[str, Any]) -> None:
    book = Workbook()
    sheet = book.active
    for row in [HEADER, *rows()]:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    result = import_participants(
        session, actor=f.ACTOR, event=world["event"], data=buffer.getvalue(), filename="list.xlsx"
    )
    assert result.created == 3


def test_one_bad_row_stops_the_whole_import_and_every_bad_row_is_named(
    session: Any, world: dict[str, Any]
) -> None:
    table = rows(3)
    table[1][0] = table[1][0][:-1] + str((int(table[1][0][-1]) + 1) % 10)  # wrong check digit
    table[2][5] = "Жоқ мектеп"  # unknown school
    table[2][4] = "13"  # no such grade
    before = event_count()
    with pytest.raises(ImportRejected) as rejected:
        import_participants(
            session,
            actor=f.ACTOR,
            event=world["event"],
            data=csv_bytes([HEADER, *table]),
            filename="bad.csv",
        )
    session.rollback()
    problems = {(e.row, e.field, e.problem) for e in rejected.value.errors}
    assert (3, "iin", "iin_check_digit") in problems
    assert (4, "grade", "grade") in problems
    assert session.scalar(select(func.count()).select_from(Participant)) == 0
    assert event_count() == before
    assert all(
        table[1][0] not in e.value for e in rejected.value.errors
    )  # an IIN is never echoed whole


def test_a_subject_and_grade_are_checked_against_the_event(
    session: Any, world: dict[str, Any]
) -> None:
    table = rows(2)
    table[0][7] = "CHEM"
    table[1][4] = "7"
    with pytest.raises(ImportRejected) as rejected:
        import_participants(
            session,
            actor=f.ACTOR,
            event=world["event"],
            data=csv_bytes([HEADER, *table]),
            filename="x.csv",
        )
    assert {(e.row, e.problem) for e in rejected.value.errors} == {
        (2, "subject_unknown"),
        (3, "grade_range"),
    }


def test_an_export_reimports_without_any_change(session: Any, world: dict[str, Any]) -> None:
    import_participants(
        session,
        actor=f.ACTOR,
        event=world["event"],
        data=csv_bytes([HEADER, *rows()]),
        filename="a.csv",
    )
    session.commit()
    exported = exports.to_csv(exports.participant_rows(session, world["event"]))
    assert exported.startswith(b"\xef\xbb\xbf")  # BOM, so Excel shows Kazakh letters
    assert "Сәрсенбаева".encode() in exported
    again = import_participants(
        session, actor=f.ACTOR, event=world["event"], data=exported, filename="export.csv"
    )
    assert (again.created, again.updated, again.entries_created) == (0, 0, 0)
    xlsx = exports.to_xlsx(exports.participant_rows(session, world["event"]))
    assert (
        import_participants(
            session, actor=f.ACTOR, event=world["event"], data=xlsx, filename="e.xlsx"
        ).unchanged
        == 3
    )


def test_jurors_import_with_subjects_and_reimport_changes_nothing(
    session: Any, world: dict[str, Any]
) -> None:
    data = csv_bytes(
        [
            ["Тегі", "Аты", "Ұйым", "Мектеп", "Аудан", "Пәндер"],
            ["Омарова", "Гүлнар", "№1 мектеп", "№1 мектеп", "Байзақ ауданы", "MATH"],
            ["Петров", "Олег", "Тараз университеті", "", "Шу ауданы", "MATH"],
        ],
        delimiter=",",
    )
    first = import_jurors(session, actor=f.ACTOR, event=world["event"], data=data, filename="j.csv")
    session.commit()
    assert first.created == 2
    assert {j.surname: len(j.subjects) for j in session.execute(select(Juror)).scalars()} == {
        "Омарова": 1,
        "Петров": 1,
    }
    before = event_count()
    assert (
        import_jurors(
            session, actor=f.ACTOR, event=world["event"], data=data, filename="j.csv"
        ).unchanged
        == 2
    )
    assert event_count() == before


def test_the_cli_lists_every_bad_row_as_json_and_exits_1(
    app: Flask, session: Any, world: dict[str, Any], tmp_path: Path
) -> None:
    table = rows(2)
    table[0][1] = "Иванов2"
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes([HEADER, *table]))
    result = app.test_cli_runner().invoke(
        args=[
            "registry",
            "import",
            "participants",
            str(path),
            "--event",
            str(world["event"].id),
            "--json",
        ]
    )
    assert result.exit_code == 1
    answer = json.loads(result.output)
    assert answer["ok"] is False
    assert answer["errors"][0]["row"] == 2
    assert answer["errors"][0]["field"] == "surname"
    assert answer["errors"][0]["problem"] == "name_characters"
    assert session.scalar(select(func.count()).select_from(Participant)) == 0


def test_the_cli_dry_run_checks_without_saving(
    app: Flask, session: Any, world: dict[str, Any], tmp_path: Path
) -> None:
    path = tmp_path / "ok.csv"
    path.write_bytes(csv_bytes([HEADER, *rows()]))
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "registry",
            "import",
            "participants",
            str(path),
            "--event",
            str(world["event"].id),
            "--dry-run",
            "--json",
        ]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["created"] == 3
    assert session.scalar(select(func.count()).select_from(Participant)) == 0
    result = runner.invoke(
        args=["registry", "import", "participants", str(path), "--event", str(world["event"].id)],
        env={"INTEGRITY_LANG": "ru"},
    )
    assert result.exit_code == 0
    assert "3 новых" in result.output


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "empty"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "not_a_table"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "not_a_table"),
    ],
)
def test_a_file_that_is_not_a_table_is_refused_with_its_name(
    app: Flask, world: dict[str, Any], tmp_path: Path, content: bytes, code: str
) -> None:
    path = tmp_path / "scan.csv"
    path.write_bytes(content)
    result = app.test_cli_runner().invoke(
        args=[
            "registry",
            "import",
            "participants",
            str(path),
            "--event",
            str(world["event"].id),
            "--json",
        ]
    )
    assert result.exit_code == 1
    answer = json.loads(result.output)
    assert answer["error"] == code
    assert "scan.csv" in answer["message"]


def test_a_column_the_import_does_not_know_is_named_and_refused_unless_confirmed(
    session: Any, world: dict[str, Any]
) -> None:
    data = csv_bytes(
        [[*HEADER, "Ескерту", "Согласие родителей"], *[[*r, "x", "да"] for r in rows()]]
    )
    with pytest.raises(ImportRejected) as refused:
        import_participants(
            session, actor=f.ACTOR, event=world["event"], data=data, filename="l.csv"
        )
    session.rollback()
    assert [(e.row, e.field, e.problem, e.value) for e in refused.value.errors] == [
        (1, "column", "unknown_column", "Ескерту"),
        (1, "column", "unknown_column", "Согласие родителей"),
    ]
    assert session.scalar(select(func.count()).select_from(Participant)) == 0
    result = import_participants(session, actor=f.ACTOR, event=world["event"], data=data,
                                 filename="l.csv", accept_unknown_columns=True)  # fmt: skip
    session.commit()
    assert result.created == 3
    assert result.ignored_columns == ["Ескерту", "Согласие родителей"]
    logged = session.execute(select(AuditEvent).order_by(AuditEvent.seq.desc())).scalars().first()
    assert json.loads(logged.data)["ignored_columns"] == ["Ескерту", "Согласие родителей"]


def test_the_readmes_own_wording_of_the_consent_columns_imports_the_consent(
    session: Any, world: dict[str, Any]
) -> None:
    header = [*HEADER, "Consent given by", "Consent date", "Consent to public listing"]
    data = csv_bytes([header, *[[*r, "Сәрсенбаева Гүлнар", "2026-09-01", "yes"] for r in rows()]])
    import_participants(session, actor=f.ACTOR, event=world["event"], data=data, filename="l.csv")
    session.commit()
    assert {p.consent_public for p in session.execute(select(Participant)).scalars()} == {True}
    assert {p.consent_by for p in session.execute(select(Participant)).scalars()} == {
        "Сәрсенбаева Гүлнар"
    }


def test_the_import_command_names_unknown_columns_and_accepts_them_when_told(
    app: Flask, session: Any, world: dict[str, Any], tmp_path: Path
) -> None:
    path = tmp_path / "list.csv"
    path.write_bytes(csv_bytes([[*HEADER, "Ескерту"], *[[*r, "x"] for r in rows()]]))
    args = ["registry", "import", "participants", str(path), "--event", str(world["event"].id)]
    refused = app.test_cli_runner().invoke(args=args)
    assert refused.exit_code == 1 and "Ескерту" in refused.output
    accepted = app.test_cli_runner().invoke(args=[*args, "--accept-unknown-columns"])
    assert accepted.exit_code == 0, accepted.output
    assert "Ескерту" in accepted.output
