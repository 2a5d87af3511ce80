"""An organiser's first day, in a real browser and in the default language (Kazakh)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from integrity.accounts.domain import Role
from tests import factories as f
from tests.conftest import PASSWORD, Users

# Strings from integrity/translations/kk/LC_MESSAGES/messages.po.
KK = {
    "Sign in": "Кіру",
    "Username": "Пайдаланушы аты",
    "Password": "Құпиясөз",
    "Events": "Іс-шаралар",
    "Title (Kazakh)": "Атауы (қазақша)",
    "Title (Russian)": "Атауы (орысша)",
    "Academic year": "Оқу жылы",
    "Kind": "Түрі",
    "Subject olympiad": "Пән олимпиадасы",
    "Stage": "Кезең",
    "Regional": "Облыс",
    "Create event": "Іс-шара құру",
    "Event created.": "Іс-шара құрылды.",
    "Code": "Код",
    "Name (Kazakh)": "Атауы (қазақша)",
    "Name (Russian)": "Атауы (орысша)",
    "From grade": "Бастапқы сынып",
    "To grade": "Соңғы сынып",
    "Add subject": "Пән қосу",
    "Subject added.": "Пән қосылды.",
    "Date": "Күні",
    "Add round": "Тур қосу",
    "Round 1 added.": "1-тур қосылды.",
    "Round 1": "1-тур",
    "Import participants": "Қатысушыларды импорттау",
    "CSV or XLSX file": "CSV немесе XLSX файлы",
    "Import": "Импорттау",
    "Check the file": "Файлды тексеру",
    "The file is valid: 4 new, 0 updated, 0 unchanged. Nothing was saved.": (
        "Файл дұрыс: жаңа — 4, жаңартылатыны — 0, өзгеріссіз — 0. Ештеңе сақталмады."
    ),
    "Imported: 4 new, 0 updated, 0 unchanged.": (
        "Импортталды: жаңа — 4, жаңартылды — 0, өзгеріссіз — 0."
    ),
    "Participants": "Қатысушылар",
    "Full name": "Аты-жөні",
}

DISTRICT = "Байзақ ауданы"
SCHOOL_1 = "№1 мектеп"
SCHOOL_2 = "Абай атындағы №2 мектеп-гимназия"
EVENT_KK = "Математикадан облыстық олимпиада"
EVENT_RU = "Областная олимпиада по математике"

# (surname, given name, patronymic, grade, school, sex); together the names use ә ғ қ ң ө ұ ү һ і.
PUPILS = [
    ("Әбілқасымова", "Гүлназ", "Нұрланқызы", 9, SCHOOL_1, "F"),
    ("Ғабитов", "Өмірзақ", "Бекұлы", 10, SCHOOL_1, "M"),
    ("Сәрсенбаева", "Аңсаған", "Һадиқызы", 11, SCHOOL_2, "F"),
    ("Құрманғали", "Нұрсұлтан", "Үмбетұлы", 9, SCHOOL_2, "M"),
]


def participants_csv(path: Path) -> Path:
    lines = ["ЖСН;Тегі;Аты;Әкесінің аты;Сынып;Мектеп;Аудан;Пән"]
    for n, (surname, given, patronymic, grade, school, sex) in enumerate(PUPILS, start=1):
        iin = f.iin(n, year=2020 - grade, sex=sex)
        lines.append(f"{iin};{surname};{given};{patronymic};{grade};{school};{DISTRICT};MATH")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(base)
    page.get_by_role("banner").get_by_role("link", name=KK["Sign in"], exact=True).click()
    page.get_by_label(KK["Username"], exact=True).fill(username)
    page.get_by_label(KK["Password"], exact=True).fill(PASSWORD)
    page.get_by_role("button", name=KK["Sign in"], exact=True).click()
    expect(page.get_by_role("button", name=KK["Sign in"], exact=True)).to_have_count(0)


def test_organiser_creates_an_event_imports_participants_and_sees_them_listed_in_kazakh(
    live_server: str, page: Page, session: Any, users: Users, tmp_path: Path, artifacts: Path
) -> None:
    district = f.district(session, name_kk=DISTRICT)
    f.school(session, district, name_kk=SCHOOL_1, name_ru="Школа №1")
    f.school(session, district, name_kk=SCHOOL_2, name_ru="Школа-гимназия №2 имени Абая")
    session.commit()
    username = users.make(Role.ORGANISER).username
    session.close()  # nothing of ours stays open while the server thread writes

    sign_in(page, live_server, username)

    # A new event, from the form on the events page.
    page.get_by_role("link", name=KK["Events"], exact=True).click()
    expect(page).to_have_url(f"{live_server}/registry/events")
    page.get_by_label(KK["Title (Kazakh)"], exact=True).fill(EVENT_KK)
    page.get_by_label(KK["Title (Russian)"], exact=True).fill(EVENT_RU)
    page.get_by_label(KK["Kind"], exact=True).select_option(label=KK["Subject olympiad"])
    page.get_by_label(KK["Stage"], exact=True).select_option(label=KK["Regional"])
    page.get_by_label(KK["Academic year"], exact=True).fill("2026-2027")
    page.get_by_role("button", name=KK["Create event"], exact=True).click()
    expect(page.get_by_role("status")).to_have_text(KK["Event created."])
    expect(page.get_by_role("heading", level=1)).to_have_text(EVENT_KK)
    event_url = page.url
    assert re.fullmatch(rf"{re.escape(live_server)}/registry/events/\d+", event_url)

    # A subject for grades 9 to 11.
    page.get_by_label(KK["Code"], exact=True).fill("MATH")
    page.get_by_label(KK["Name (Kazakh)"], exact=True).fill("Математика")
    page.get_by_label(KK["Name (Russian)"], exact=True).fill("Математика")
    page.get_by_label(KK["From grade"], exact=True).fill("9")
    page.get_by_label(KK["To grade"], exact=True).fill("11")
    page.get_by_role("button", name=KK["Add subject"], exact=True).click()
    expect(page.get_by_role("status")).to_have_text(KK["Subject added."])
    subject = page.get_by_role("article").filter(has_text="MATH")
    expect(subject.get_by_role("heading", level=3)).to_contain_text("Математика")

    # Its first round: the form folds out of "Add round".
    subject.get_by_text(KK["Add round"], exact=True).first.click()
    subject.get_by_label(KK["Date"], exact=True).fill("2027-01-20")
    subject.get_by_role("button", name=KK["Add round"], exact=True).click()
    expect(page.get_by_role("status")).to_have_text(KK["Round 1 added."])
    expect(subject.get_by_role("link", name=KK["Round 1"], exact=True)).to_be_visible()

    # The participants, from a CSV with Kazakh headers.
    page.get_by_role("link", name=KK["Import participants"], exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(KK["Import participants"])
    page.get_by_label(KK["CSV or XLSX file"], exact=True).set_input_files(
        participants_csv(tmp_path / "қатысушылар.csv")
    )
    page.get_by_role("button", name=KK["Check the file"], exact=True).click()
    # A job checks the file; its page says what an import would do, then imports on request.
    run = page.get_by_test_id("import-run")
    expect(run).to_have_attribute("data-state", "checked")
    valid = KK["The file is valid: 4 new, 0 updated, 0 unchanged. Nothing was saved."]
    expect(run.get_by_role("status")).to_have_text(valid)
    run.get_by_role("button", name=KK["Import"], exact=True).click()
    expect(run).to_have_attribute("data-state", "applied")
    expect(run.get_by_role("status")).to_have_text(KK["Imported: 4 new, 0 updated, 0 unchanged."])
    run.get_by_role("link", name=KK["Participants"], exact=True).click()

    expect(page).to_have_url(f"{event_url}/participants")
    entries = page.get_by_test_id("entries")
    expect(entries.locator("tbody tr")).to_have_count(len(PUPILS))
    for surname, given, patronymic, grade, school, _sex in PUPILS:
        row = entries.get_by_role("row").filter(
            has=page.get_by_role("link", name=f"{surname} {given} {patronymic}", exact=True)
        )
        expect(row).to_have_count(1)
        expect(row.get_by_role("cell").nth(1)).to_have_text("MATH · 1")
        expect(row.get_by_role("cell").nth(2)).to_have_text(str(grade))
        expect(row.get_by_role("cell").nth(3)).to_have_text(school)

    # In Kazakh throughout.
    expect(page.locator("html")).to_have_attribute("lang", "kk")
    expect(page.get_by_role("heading", level=1)).to_have_text(KK["Participants"])
    expect(entries.get_by_role("columnheader").first).to_have_text(KK["Full name"])

    page.screenshot(path=str(artifacts / "organiser-participants.png"), full_page=True)


def test_anonymous_visitor_is_sent_to_the_login_page_for_the_registry(
    live_server: str, page: Page
) -> None:
    page.goto(f"{live_server}/registry/events")

    expect(page).to_have_url(re.compile(r"/login\?next=(/|%2F)registry(/|%2F)events"))
    expect(page.get_by_role("heading", level=1)).to_have_text(KK["Sign in"])
    expect(page.get_by_label(KK["Username"], exact=True)).to_be_visible()
    expect(page.get_by_label(KK["Password"], exact=True)).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "kk")
