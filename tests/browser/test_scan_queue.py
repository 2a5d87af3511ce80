"""The IT specialist's page queue and freeze, in Kazakh and in Russian: each code corner of an
unreadable page large enough to read its printed digits, the page beside it, zoom in place; a
refused code stays in its field; once the queue is empty the freeze is the next step, and it asks
for confirmation on a page of its own (which works without script)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from flask import current_app
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from integrity.accounts.domain import Role
from integrity.scans.domain import reader
from integrity.scans.domain.codes import encode_payload, format_payload
from integrity.scans.models import PageStatus, ScanPage, ScanRound, Upload
from integrity.scans.services import ingest, queue
from integrity.scans.services.runner import run_ingest
from integrity.settings import settings_of
from tests import factories as f
from tests.browser.scan_steps import sign_in
from tests.conftest import Users

WORDS = {
    "kk": {
        "check": "Бақылау цифры сәйкес келмейді",
        "next": "Келесі қадам: тур сканерлерін бекіту",
        "freeze": "Турды бекітіп, хэштер тізілімін жариялау",
        "confirm": "Бекітіп, хэштер тізілімін жариялау",
        "title": "Тур сканерлерін бекіту керек пе?",
        "undone": "Бекітуді кері қайтару мүмкін емес.",
        "works": "Жұмыстар",
        "frozen": "Тур бойынша сканерлерді жүктеу бекітілді, хэштер тізілімі жарияланды.",
    },
    "ru": {
        "check": "Контрольная цифра не совпадает",
        "next": "Следующий шаг: зафиксировать сканы тура",
        "freeze": "Зафиксировать тур и опубликовать реестр хешей",
        "confirm": "Зафиксировать и опубликовать реестр хешей",
        "title": "Зафиксировать сканы тура?",
        "undone": "Фиксацию нельзя отменить.",
        "works": "Работы",
        "frozen": "Загрузка сканов по туру зафиксирована, реестр хешей опубликован.",
    },
}
TURNS = [0, 3, 2, 1]  # the form's value for a page turned by 0, 90, 180, 270 degrees


def ingested_round(session: Any, tmp_path: Path) -> tuple[int, str, int]:
    """A round scanned and read (one page's codes blotted, one page scanned twice), committed:
    its id, the code printed on the blotted page, and the turn that straightens it."""
    made = f.scanned_round(session, tmp_path, duplicates=1, unreadable=1)
    settings = settings_of(current_app)
    with made.scan_path.open("rb") as stream:
        upload, _ = ingest.create_upload(
            session, actor=f.ACTOR, round_=made.round, stream=stream,
            filename=made.scan_path.name, settings=settings,
        )  # fmt: skip
    session.commit()
    run_ingest(upload.id, f.ACTOR, settings=settings, workers=1)
    (blotted,) = made.plan.unreadable
    with reader.open_source(made.kit_path) as kit:
        codes = reader.find_codes(reader.load_page(kit, made.plan.source_pages[blotted]))
    typed = format_payload(encode_payload(codes[0].payload))
    turns = TURNS[round(made.plan.rotations[blotted] / 90) % 4]
    return made.round.id, typed, turns


def queued(session: Any, round_id: int) -> list[ScanPage]:
    return list(
        session.scalars(
            select(ScanPage)
            .join(Upload, Upload.id == ScanPage.upload_id)
            .where(
                Upload.round_id == round_id,
                ScanPage.status.in_([PageStatus.UNREADABLE, PageStatus.DUPLICATE]),
            )
        )
    )


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_queue_shows_each_code_corner_large_beside_the_page_zooms_in_place_and_keeps_a_refused_code(
    page: Page,
    live_server: str,
    session: Any,
    users: Users,
    tmp_path: Path,
    lang: str,
    artifacts: Path,
) -> None:
    round_id, typed, _turns = ingested_round(session, tmp_path)
    username = users.make(Role.IT_SPECIALIST).username
    session.commit()
    session.close()
    sign_in(page, live_server, username, lang)
    queue_url = f"{live_server}/scans/rounds/{round_id}/queue"
    page.goto(queue_url)
    item = page.locator("article.queue-item[data-status=unreadable]")
    expect(item).to_have_count(1)

    # The code corners: three printed corners (the staple corner is blank), each wide enough on
    # screen to read the digits printed beside the QR, and the page beside them.
    corners = item.get_by_test_id("code-corners").locator("a > img")
    expect(corners).to_have_count(3)
    for n in range(3):
        corner = corners.nth(n)
        corner.evaluate("img => img.decode()")
        assert corner.evaluate("img => img.naturalWidth") >= 500  # the scan's own pixels
        box = corner.bounding_box()
        assert box is not None and box["width"] >= 500, box
    whole = item.locator(".queue-page img")
    whole.evaluate("img => img.decode()")
    page_box, corners_box = whole.bounding_box(), item.get_by_test_id("code-corners").bounding_box()
    assert page_box is not None and corners_box is not None
    assert page_box["x"] >= corners_box["x"] + corners_box["width"]  # beside, not below
    assert page_box["y"] < corners_box["y"] + corners_box["height"]
    page.screenshot(path=str(artifacts / f"scan-queue-corners-{lang}.png"), full_page=True)

    # Zoom in place: the page opens over the queue at full size; closing it stays on the queue.
    whole.click()
    zoomed = item.locator(".zoom:target img")
    expect(zoomed).to_be_visible()
    zoomed.evaluate("img => img.decode()")
    assert page.url.startswith(queue_url + "#")
    zoom_box = zoomed.bounding_box()
    assert zoom_box is not None and zoom_box["width"] > 1000
    page.screenshot(path=str(artifacts / f"scan-queue-zoom-{lang}.png"))
    page.keyboard.press("Escape")
    expect(zoomed).to_be_hidden()
    corners.first.click()  # a corner zooms too
    expect(item.locator(".zoom:target img")).to_be_visible()
    assert page.url.startswith(queue_url + "#")
    page.keyboard.press("Escape")

    # Saying the page is upside down turns its corners over, so the digits read upright.
    item.locator("select[name=turns]").select_option("2")
    assert corners.first.evaluate("img => getComputedStyle(img).transform") != "none"
    item.locator("select[name=turns]").select_option("0")
    assert corners.first.evaluate("img => getComputedStyle(img).transform") == "none"

    # A mistyped check digit: refused with the reason, and the typed code is still there.
    mistyped = typed[:-1] + str((int(typed[-1]) + 1) % 10)
    field = item.locator("input[name=code]")
    field.fill(mistyped)
    item.locator("form button[type=submit]").first.click()
    item = page.locator("article.queue-item[data-status=unreadable]")
    expect(item.locator(".error")).to_contain_text(WORDS[lang]["check"])
    expect(item.locator("input[name=code]")).to_have_value(mistyped)
    page.screenshot(path=str(artifacts / f"scan-queue-refused-{lang}.png"), full_page=True)


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_an_empty_queue_leads_to_the_freeze_which_asks_for_confirmation_without_script(
    browser: Browser,
    live_server: str,
    session: Any,
    users: Users,
    tmp_path: Path,
    lang: str,
    artifacts: Path,
) -> None:
    round_id, typed, turns = ingested_round(session, tmp_path)
    settings = settings_of(current_app)
    (blotted,) = [p for p in queued(session, round_id) if p.status is PageStatus.UNREADABLE]
    queue.resolve_typed(
        session, actor=f.ACTOR, page=blotted, text=typed, quarter_turns=turns, settings=settings
    )
    for left in queued(session, round_id):
        queue.discard_page(session, actor=f.ACTOR, page=left, reason="twice", settings=settings)
    username = users.make(Role.IT_SPECIALIST).username
    session.commit()
    session.close()

    page = browser.new_context(
        java_script_enabled=False, viewport={"width": 1366, "height": 768}
    ).new_page()
    sign_in(page, live_server, username, lang)
    page.goto(f"{live_server}/scans/rounds/{round_id}/queue")
    expect(page.get_by_test_id("queue").locator("article")).to_have_count(0)
    step = page.get_by_test_id("next-step")
    expect(step.get_by_role("heading")).to_have_text(WORDS[lang]["next"])
    page.screenshot(path=str(artifacts / f"scan-queue-empty-{lang}.png"), full_page=True)
    step.get_by_role("button", name=WORDS[lang]["freeze"]).click()

    # The confirmation page: what freezing does, the counts; nothing is frozen yet.
    expect(page).to_have_url(re.compile(rf"/scans/rounds/{round_id}/freeze\??$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(WORDS[lang]["title"])
    expect(page.get_by_test_id("freeze-confirm")).to_contain_text(WORDS[lang]["undone"])
    counts = page.get_by_test_id("freeze-counts")
    expect(counts.locator("dt").first).to_have_text(WORDS[lang]["works"])
    expect(counts.locator("dd").first).to_have_text("3")
    page.screenshot(path=str(artifacts / f"scan-freeze-confirm-{lang}.png"), full_page=True)
    state = session.get(ScanRound, round_id)
    assert state is not None and state.frozen_at is None
    session.close()

    page.get_by_role("button", name=WORDS[lang]["confirm"]).click()
    expect(page).to_have_url(re.compile(rf"/ledger/rounds/{round_id}$"))
    expect(page.get_by_role("status")).to_have_text(WORDS[lang]["frozen"])
    state = session.get(ScanRound, round_id)
    assert state is not None and state.frozen_at is not None
    page.context.close()
