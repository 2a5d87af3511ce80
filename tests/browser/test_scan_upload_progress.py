"""A scan's row shows its transfer from the first chunk (MB sent of all, and the percent), on this
tab and on any other open on the round, then its reading (pages read of all) with the round's
page totals moving along, in Kazakh and in Russian."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from integrity.accounts.domain import Role
from integrity.scans.services.ingest import PageIngest, reading
from tests import factories as f
from tests.browser.scan_steps import sign_in
from tests.conftest import Users

SENT = {"kk": "Жіберілді", "ru": "Отправлено"}  # "Sent: 1,2 / 4,8 MB (25%)"
READ = {"kk": "Оқылған беттер", "ru": "Прочитано страниц"}  # "Pages read: 3/10"
MB = "МБ"
UPLOAD = {"kk": "Жүктеу", "ru": "Загрузить"}
READING_MS = 60_000


@pytest.fixture
def app_settings() -> dict[str, Any]:
    return {"UPLOAD_CHUNK_MB": 1}  # a scan of ~5 MB travels in several chunks


def sent_pattern(lang: str) -> re.Pattern[str]:
    """MB sent of all, below 100 %: the transfer is under way."""
    return re.compile(rf"^{SENT[lang]}: \d+,\d / \d+,\d {MB} \((\d|[1-9]\d)%\)$")


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_an_upload_shows_megabytes_sent_from_the_first_chunk_then_pages_read_with_the_totals(
    page: Page,
    live_server: str,
    session: Any,
    users: Users,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    lang: str,
    artifacts: Path,
) -> None:
    made = f.scanned_round(session, tmp_path)
    round_id = made.round.id
    username = users.make(Role.IT_SPECIALIST).username
    session.commit()
    session.close()
    # Reading commits after every page and takes a while, so its progress can be watched.
    monkeypatch.setattr(reading, "CHECKPOINT_SECONDS", 0.0, raising=False)
    store = PageIngest.store

    def slow_store(self: PageIngest, stored: Any) -> Any:
        time.sleep(0.4)
        return store(self, stored)

    monkeypatch.setattr(PageIngest, "store", slow_store)

    sign_in(page, live_server, username, lang)
    round_url = f"{live_server}/scans/rounds/{round_id}"
    page.goto(round_url)
    # A slow school connection: about 1 MB a second up.
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 20, "downloadThroughput": -1, "uploadThroughput": 1 << 20},
    )
    size = made.scan_path.stat().st_size
    assert size > 3 << 20
    page.locator("input#files").set_input_files(made.scan_path)
    page.locator("[data-upload-form] button[type=submit]").click()

    row = page.get_by_test_id("uploads").locator("tbody tr").filter(has_text=made.scan_path.name)
    text = row.locator("[data-progress-text]")
    bar = row.locator("progress")
    # From the first chunk: MB sent of all, in the page's words; and it moves before the end.
    expect(text).to_have_text(sent_pattern(lang))
    expect(row).to_have_attribute("data-status", "sending")
    first = bar.evaluate("b => b.value")
    page.wait_for_function(
        "([b, v]) => b.value > v && b.closest('tr').dataset.status === 'sending'",
        arg=[bar.element_handle(), first],
    )
    page.screenshot(path=str(artifacts / f"scan-upload-sending-{lang}.png"))

    # Another tab on the round (a reload, a colleague): the server shows the same transfer.
    other = page.context.new_page()
    other.goto(round_url)
    other_row = (
        other.get_by_test_id("uploads").locator("tbody tr").filter(has_text=made.scan_path.name)
    )
    expect(other_row.locator("[data-progress-text]")).to_have_text(sent_pattern(lang))
    expect(other.get_by_test_id("uploads")).not_to_contain_text(
        {"kk": "Әзірге ештеңе жүктелмеген", "ru": "Пока ничего не загружено"}[lang]
    )
    other.close()

    # Then the reading: pages read of all, while the round's page totals move with the bar.
    totals = page.get_by_test_id("page-totals")
    page.wait_for_function(
        """([row, totals]) => {
            const bar = row.querySelector('progress');
            const counts = [...totals.querySelectorAll('dd')].slice(0, -1).map(d => +d.textContent);
            return row.dataset.status === 'processing' && bar.value > 0 && bar.value < bar.max
                && counts.reduce((a, b) => a + b, 0) >= bar.value;
        }""",
        arg=[row.element_handle(), totals.element_handle()],
        timeout=READING_MS,
    )
    pages = len(made.plan.source_pages)
    expect(text).to_have_text(re.compile(rf"^{READ[lang]}: \d+/{pages}$"))
    page.screenshot(path=str(artifacts / f"scan-upload-reading-{lang}.png"))
    expect(row.locator("td").nth(2)).to_have_text(
        {"kk": "дайын", "ru": "готово"}[lang], timeout=READING_MS
    )
    expect(text).to_have_text(f"{READ[lang]}: {pages}/{pages}")
