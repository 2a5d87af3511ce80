"""An IT specialist's scan day, in a real browser and in Kazakh: upload, progress, queue, freeze."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import select

from integrity.accounts.domain import Role
from integrity.scans.domain import reader
from integrity.scans.domain.codes import encode_payload, format_payload
from integrity.scans.domain.simulate import ScanPlan
from integrity.scans.models import ScanRound, Work
from tests import factories as f
from tests.conftest import PASSWORD, Users


@pytest.fixture
def app_settings() -> dict[str, Any]:
    """CSRF protection on, as in the other browser tests; chunks of a MiB, so a scan takes several."""
    return {"UPLOAD_CHUNK_MB": 1}


# Strings from integrity/translations/kk/LC_MESSAGES/messages.po.
KK = {
    "Sign in": "Кіру",
    "Username": "Пайдаланушы аты",
    "Password": "Құпиясөз",
    "Main": "Негізгі мәзір",
    "Scans": "Сканерлер",
    "Round %(n)d": "%(n)d-тур",
    "PDF files from the scanner, or images": "Сканерден алынған PDF файлдары немесе суреттер",
    "Upload": "Жүктеу",
    "done": "дайын",
    "Open the page queue": "Беттер кезегін ашу",
    "Page queue": "Беттер кезегі",
    "unreadable": "оқылмаған",
    "duplicate": "қайталанған",
    "answer page": "жауап беті",
    "cover": "титул парағы",
    "The code printed beside a QR": "QR-кодтың жанында басылған код",
    "The page as shown is turned": "Суреттегі бет қалай бұрылған",
    "upright": "бұрылмаған",
    "a quarter to the left": "солға 90°",
    "upside down": "төңкерілген (180°)",
    "a quarter to the right": "оңға 90°",
    "Resolve": "Растау",
    "Page resolved: %(status)s.": "Бет өңделді: %(status)s.",
    "Discard this page": "Бұл бетті алып тастау",
    "Why discard it": "Алып тастау себебі",
    "Discard": "Алып тастау",
    "Page discarded.": "Бет алып тасталды.",
    "The queue is empty.": "Кезек бос.",
    "Freeze the round and publish the ledger": "Турды бекітіп, хэштер тізілімін жариялау",
    "Freeze and publish the ledger": "Бекітіп, хэштер тізілімін жариялау",
    "The round's ingest is frozen and its ledger is public.": (
        "Тур бойынша сканерлерді жүктеу бекітілді, хэштер тізілімі жарияланды."
    ),
}

SUBJECT = "Математика"
EVENT = "Облыстық олимпиада"
# The upload request reads its ~10 pages before it answers (huey.immediate in tests).
UPLOAD_TIMEOUT_MS = 30_000
# How a page looks, by whole counter-clockwise quarter turns applied to it (the form's labels).
LOOKS = [
    KK["upright"],
    KK["a quarter to the left"],
    KK["upside down"],
    KK["a quarter to the right"],
]


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(base)
    page.get_by_role("banner").get_by_role("link", name=KK["Sign in"], exact=True).click()
    page.get_by_label(KK["Username"], exact=True).fill(username)
    page.get_by_label(KK["Password"], exact=True).fill(PASSWORD)
    page.get_by_role("button", name=KK["Sign in"], exact=True).click()
    expect(page.get_by_role("button", name=KK["Sign in"], exact=True)).to_have_count(0)


def scanned_round(session: Any, tmp_path: Path) -> tuple[int, Path, ScanPlan, Path]:
    """A round of 3 entries, its vault, its printed kits and their realistic scans (committed)."""
    made = f.scanned_round(session, tmp_path, duplicates=1, unreadable=1)
    return made.round.id, made.scan_path, made.plan, made.kit_path


def printed_code_and_look(plan: ScanPlan, kit_path: Path) -> tuple[str, str]:
    """What a person reads off the destroyed page: the code printed beside its QR, and its turn."""
    (destroyed,) = plan.unreadable
    with reader.open_source(kit_path) as kit:
        codes = reader.find_codes(reader.load_page(kit, plan.source_pages[destroyed]))
    typed = format_payload(encode_payload(codes[0].payload))
    return typed, LOOKS[round(plan.rotations[destroyed] / 90) % 4]


def queue_items(page: Page) -> Locator:
    return page.get_by_test_id("queue").get_by_role("article")


def item_with_status(page: Page, status: str) -> Locator:
    heading = page.get_by_role(
        "heading", level=2, name=re.compile(rf"^{re.escape(status)}(?:\s|$)")
    )
    return queue_items(page).filter(has=heading)


def discard(page: Page, item: Locator, reason: str) -> None:
    item.get_by_text(KK["Discard this page"], exact=True).click()
    item.get_by_label(KK["Why discard it"], exact=True).fill(reason)
    item.get_by_role("button", name=KK["Discard"], exact=True).click()
    expect(page.get_by_role("status").first).to_have_text(KK["Page discarded."])  # the flash


def test_it_specialist_uploads_scans_watches_progress_and_clears_the_page_queue(
    live_server: str, page: Page, session: Any, users: Users, tmp_path: Path, artifacts: Path
) -> None:
    round_id, scan_path, plan, kit_path = scanned_round(session, tmp_path)
    typed, look = printed_code_and_look(plan, kit_path)
    username = users.make(Role.IT_SPECIALIST).username
    session.close()  # nothing of ours stays open while the server thread writes

    sign_in(page, live_server, username)

    # The round's scan page: from the main menu, then the subject on the scans index.
    menu = page.get_by_role("navigation", name=KK["Main"])
    menu.get_by_role("link", name=KK["Scans"], exact=True).click()
    expect(page).to_have_url(f"{live_server}/scans/")
    expect(page.get_by_role("heading", level=1)).to_have_text(KK["Scans"])
    page.get_by_role("main").get_by_role("link", name=SUBJECT, exact=True).click()
    expect(page).to_have_url(f"{live_server}/scans/rounds/{round_id}")
    round_heading = f"{SUBJECT} · {KK['Round %(n)d'] % {'n': 1}}"
    expect(page.get_by_role("heading", level=1)).to_have_text(round_heading)
    freeze = page.get_by_role(
        "button", name=KK["Freeze the round and publish the ledger"], exact=True
    )
    expect(freeze).to_be_disabled()  # nothing uploaded yet

    # Upload through the page's script (tus, in chunks of a MiB), then watch the row until the
    # file is sent, stored and read.
    assert scan_path.stat().st_size > 2 << 20  # several chunks
    page.get_by_label(KK["PDF files from the scanner, or images"], exact=True).set_input_files(
        scan_path
    )
    page.get_by_role("button", name=KK["Upload"], exact=True).click()
    uploads = page.get_by_test_id("uploads")
    row = uploads.get_by_role("row").filter(has_text=scan_path.name)
    expect(row.get_by_role("cell").nth(2)).to_have_text(KK["done"], timeout=UPLOAD_TIMEOUT_MS)
    expect(row).to_have_count(1)
    bar = row.get_by_role("progressbar")
    value, maximum = bar.evaluate("el => [el.value, el.max]")
    assert value == maximum == len(plan.source_pages)
    expect(row.get_by_role("cell").nth(1)).to_contain_text(f"{maximum}/{maximum}")

    # The page queue: the destroyed page and the second copy, each with a loaded thumbnail.
    page.get_by_role("link", name=KK["Open the page queue"], exact=True).click()
    expect(page).to_have_url(f"{live_server}/scans/rounds/{round_id}/queue")
    expect(page.get_by_role("heading", level=1)).to_have_text(KK["Page queue"])
    expect(queue_items(page)).to_have_count(2)
    expect(item_with_status(page, KK["unreadable"])).to_have_count(1)
    expect(item_with_status(page, KK["duplicate"])).to_have_count(1)
    for n in range(2):
        thumbnail = queue_items(page).nth(n).locator(".queue-page img")  # the page, by its corners
        expect(thumbnail).to_have_attribute("src", re.compile(r"^/scans/pages/\d+/image\.jpg$"))
        thumbnail.evaluate("img => img.decode()")  # resolves once loaded and decoded
        assert thumbnail.evaluate("img => img.complete && img.naturalWidth") > 0
    page.screenshot(path=str(artifacts / "scans-queue.png"), full_page=True)

    # The unreadable page: type the printed code, say how the page looks, resolve.
    unreadable = item_with_status(page, KK["unreadable"])
    unreadable.get_by_label(KK["The code printed beside a QR"], exact=True).fill(typed)
    turned = unreadable.get_by_label(KK["The page as shown is turned"], exact=True)
    expect(turned.get_by_role("option")).to_have_text(LOOKS)  # offered by how the page looks
    turned.select_option(label=look)
    unreadable.get_by_role("button", name=KK["Resolve"], exact=True).click()
    # The destroyed page may have been the later copy of the page scanned twice.
    outcomes = "|".join(re.escape(KK[s]) for s in ("answer page", "cover", "duplicate"))
    resolved = re.escape(KK["Page resolved: %(status)s."]).replace(
        re.escape("%(status)s"), f"(?:{outcomes})"
    )
    expect(page.get_by_role("status")).to_have_text(re.compile(f"^{resolved}$"))
    expect(item_with_status(page, KK["unreadable"])).to_have_count(0)

    # What is left are second copies: discard each with a reason.
    remaining = item_with_status(page, KK["duplicate"])
    expect(queue_items(page)).to_have_count(remaining.count())
    assert 1 <= remaining.count() <= 2
    while remaining.count():
        discard(page, remaining.first, "Екі рет сканерленген")
    expect(queue_items(page)).to_have_count(0)
    expect(page.get_by_role("status").last).to_have_text(KK["The queue is empty."])

    # Back on the round page the freeze is open; freezing lands on the public ledger.
    # The crumb back to the round ("← " is drawn by the stylesheet).
    page.get_by_role("main").get_by_role("link", name=round_heading).click()
    expect(page).to_have_url(f"{live_server}/scans/rounds/{round_id}")
    expect(freeze).to_be_enabled()
    freeze.click()  # freezing asks first, on a page of its own
    expect(page).to_have_url(re.compile(rf"/scans/rounds/{round_id}/freeze\??$"))
    page.get_by_role("button", name=KK["Freeze and publish the ledger"], exact=True).click()
    expect(page).to_have_url(f"{live_server}/ledger/rounds/{round_id}")
    expect(page.get_by_role("status")).to_have_text(
        KK["The round's ingest is frozen and its ledger is public."]
    )
    ledger = page.get_by_test_id("ledger")
    expect(ledger.locator("tbody").get_by_role("row")).to_have_count(3)
    ciphers = sorted(session.scalars(select(Work.cipher).where(Work.round_id == round_id)))
    assert len(ciphers) == 3
    rows = ledger.locator("tbody").get_by_role("row").all()
    shown = sorted(r.get_by_role("cell").nth(0).inner_text() for r in rows)
    assert shown == ciphers
    state = session.get(ScanRound, round_id)
    assert state is not None and state.ledger_hash
    expect(page.get_by_test_id("ledger-hash")).to_have_text(state.ledger_hash)
    expect(page.get_by_test_id("ledger-hash")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    expect(page.locator("html")).to_have_attribute("lang", "kk")
    session.close()

    page.screenshot(path=str(artifacts / "scans-ledger.png"), full_page=True)
