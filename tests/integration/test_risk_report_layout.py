"""The risk report's tables, as printed: every column headed, column widths from the content, and
no date or word broken across lines inside a cell, in Kazakh and in Russian. Read back from the
PDF's own text (pypdfium2): every word on every printed line must be a whole word of the report."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pypdfium2 as pdfium  # type: ignore[import-untyped]
import pytest
from flask import current_app

from integrity.risk import services
from integrity.risk.domain import documents
from integrity.risk.domain.documents import Para, Table
from integrity.settings import settings_of
from tests import factories as f
from tests.factories import TODAY, analysis_with_group

SEAL = documents.Seal(1, "a" * 64, "b" * 64, "https://localhost:5000/r/" + "a" * 64)
EDGES = "\"'.,;:!?()«»“”[]"


def _words(text: str) -> set[str]:
    return {w.strip(EDGES) for w in text.split()} - {""}


def _report(session: Any) -> dict[str, Any]:
    """A draft analysis whose tables hold long words and dates: the sources checklist (one used,
    with a note), a recommendation with a deadline, the appendix of positions."""
    settings = settings_of(current_app)
    analysis = analysis_with_group(session)
    services.compute(session, actor=f.ACTOR, settings=settings, analysis=analysis)
    services.set_sources(session, actor=f.ACTOR, analysis=analysis, sources={
        n: (n == 12, "Жұмыс тобының хаттамасы" if n == 12 else "", "") for n in range(1, 15)
    })  # fmt: skip
    services.save_recommendation(
        session, actor=f.ACTOR, analysis=analysis,
        measure="Хаттамаларды тур аяқталғаннан кейін 3 күн ішінде жариялау",
        risk="Нәтижелердің (хаттамалардың) ресми сайтта жариялануындағы кешіктірулер",
        responsible="директордың орынбасары", deadline=TODAY + dt.timedelta(days=40),
    )  # fmt: skip
    services.set_positions(session, actor=f.ACTOR, analysis=analysis, rows=[
        ("Бөлім басшысы", "Олимпиадалар мен конкурстарды ұйымдастыру, қазылар алқасының құрамын "
         "қалыптастыру", "Қазылар алқасы мүшелері мен қатысушылардың жетекшілері арасындағы "
         "бейресми байланыстар"),
        ("Бас есепші, есепші", "Қаржы қызметін жүргізуі", "Мемлекеттік сатып алу ережесінің бұзылуы"),
    ])  # fmt: skip
    return services.snapshot(analysis, today=TODAY, settings=settings)


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_no_date_or_word_of_the_risk_report_breaks_inside_a_table_cell(
    session: Any, lang: str
) -> None:
    snap = _report(session)
    blocks = documents.blocks_for(snap, lang, SEAL)
    tables = [b for b in blocks if isinstance(b, Table)]
    assert len(tables) == 4 and all(all(h.strip() for h in t.headers) for t in tables)
    whole: set[str] = set()
    for block in blocks:
        if isinstance(block, Para):
            whole |= _words(block.text)
        elif isinstance(block, Table):
            for row in [block.headers, *block.rows]:
                for cell in row:
                    whole |= _words(cell)
    labels = documents.LABELS[lang]
    for key in ("draft", "version", "hash", "head", "check", "page"):
        whole |= _words(labels[key].replace("{n}", "1"))
    whole |= _words(f"{SEAL.sha256} {SEAL.chain_head} {SEAL.link}")

    pdf = pdfium.PdfDocument(documents.render_pdf(snap, lang, SEAL))
    broken = []
    for n in range(len(pdf)):
        for line in pdf[n].get_textpage().get_text_range().splitlines():
            broken += [(n + 1, w, line) for w in _words(line) if w not in whole and not w.isdigit()]
    assert not broken, broken[:10]
    deadline = (TODAY + dt.timedelta(days=40)).strftime("%d.%m.%Y")
    text = "".join(pdf[n].get_textpage().get_text_range() for n in range(len(pdf)))
    assert re.search(re.escape(deadline), text)  # the date printed whole
