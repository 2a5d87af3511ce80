"""The protocol PDF as printed: header words whole however many tasks, the place and date under the
title and the jury's signatures at the end, as the centre's own protocols have them."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pypdfium2 as pdfium  # type: ignore[import-untyped]
import pytest

from integrity.protocols import documents
from integrity.registry.domain.dates import official_date

HEADING = documents.Heading("Облыстық пән олимпиадасы", "Математика", "a" * 64, "b" * 64)
SIGNING = {
    "place": "Тараз қ., «Жамбыл дарыны» <Ш&К>",  # typed text, never markup
    "date": "2026-11-12",
    "chair": "Есеналиева Майра Аманкуловна",
    "members": ["Естемесова Акмарал Турсынбековна", "Самеков Мейрбек Нурланович"],
}
HEADER_WORDS = {
    "kk": ["Орын", "Шифр", "Қатысушының", "аты-жөні", "Мектеп", "Аудан", "Барлығы", "Марапат"],
    "ru": ["Место", "Шифр", "ФИО", "участника", "Школа", "Район", "Итого", "Награда"],
}
TASK_WORD = {"kk": r"Есеп(тер)?", "ru": r"Задач[аи]"}


def _content(kind: str, tasks: int, signing: dict[str, Any] | None = SIGNING) -> dict[str, Any]:
    rows = [
        {"rank": n + 1, "cipher": f"7KQ2M{n}X", "tasks": ["10.5"] * tasks, "total": "105",
         "award": None, "name": "Қоңырбаев-Өтеғұлов Әміржан Ғалымұлы",
         "school_kk": "№7 мектеп-лицей", "school_ru": "Школа-лицей № 7",
         "district_kk": "Байзақ ауданы", "district_ru": "Байзакский район"}
        for n in range(5)
    ]  # fmt: skip
    content = {"kind": kind, "round": 1, "grade": 10, "version": 1, "quotas": None,
               "overflow": {}, "tasks": list(range(1, tasks + 1)), "rows": rows}  # fmt: skip
    if signing is not None:
        content["signing"] = signing
    return content


def _text(content: dict[str, Any], lang: str) -> str:
    pdf = pdfium.PdfDocument(documents.pdf(content, HEADING, lang))
    return "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))


@pytest.mark.parametrize("lang", ["kk", "ru"])
@pytest.mark.parametrize("kind", ["ciphered", "named"])
@pytest.mark.parametrize("tasks", [2, 12])
def test_no_header_word_of_the_protocol_pdf_is_broken_however_many_tasks(
    lang: str, kind: str, tasks: int
) -> None:
    text = _text(_content(kind, tasks), lang)
    tokens = set(text.split())
    words = (
        HEADER_WORDS[lang] if kind == "named" else [HEADER_WORDS[lang][i] for i in (0, 1, -2, -1)]
    )
    assert [w for w in words if w not in tokens] == []
    assert re.search(rf"(^|\s){TASK_WORD[lang]}(\s|$)", text), "the task heading is broken"


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_protocol_pdf_gives_place_and_date_and_the_jurys_signatures(lang: str) -> None:
    text = _text(_content("named", 6), lang)
    flat = " ".join(text.split())
    date = "2026 жылғы «12» қараша" if lang == "kk" else "«12» ноября 2026 г."
    assert SIGNING["place"] in flat and date in flat
    chair, members = documents.LABELS[lang]["chair"], documents.LABELS[lang]["members"]
    assert f"{chair} ____" in flat and f"{members} ____" in flat
    for name in [SIGNING["chair"], *SIGNING["members"]]:
        assert f"____ {name}" in flat  # a line to sign on, then the name
    assert flat.index(chair) > flat.index("Қоңырбаев-Өтеғұлов")  # below the ranking


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_a_version_frozen_without_signing_prints_blank_lines_to_fill_by_hand(lang: str) -> None:
    flat = " ".join(_text(_content("ciphered", 3, signing=None), lang).split())
    assert documents.LABELS[lang]["chair"] in flat and documents.LABELS[lang]["blank_date"] in flat


def test_dates_read_as_the_centres_documents_write_them() -> None:
    assert official_date(dt.date(2026, 4, 3), "kk") == "2026 жылғы «3» сәуір"
    assert official_date(dt.date(2025, 6, 10), "ru") == "«10» июня 2025 г."


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_names_and_schools_with_markup_characters_print_as_typed(lang: str) -> None:
    content = _content("named", 2)
    content["rows"][0].update(
        name="Әли <Б> & Ко", school_kk="«A&B» <лицей>", school_ru="«A&B» <лицей>"
    )
    text = " ".join(_text(content, lang).split())
    assert "Әли <Б> & Ко" in text and "«A&B» <лицей>" in text
