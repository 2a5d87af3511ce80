"""A protocol version as a printable PDF (Kazakh or Russian) and as XLSX. Pure: content in, bytes out.

Every page carries the content's SHA-256 and the audit chain head, so a printed protocol can be
checked against the public page and the audit log.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.lib import colors  # type: ignore[import-untyped]
from reportlab.lib.pagesizes import A4, landscape  # type: ignore[import-untyped]
from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.platypus import (  # type: ignore[import-untyped]
    LongTable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)

from integrity import spreadsheets
from integrity.scans.domain.kits import FONT, FONT_BOLD, register_fonts

# Official headings in Kazakh and Russian (the centre's documents say "хаттама" / "протокол").
LABELS = {
    "kk": {
        "title": "Олимпиада нәтижелерінің хаттамасы",
        "ciphered": "шифрланған", "named": "қорытынды",
        "grade": "сынып", "round": "тур", "version": "нұсқа",
        "rank": "Орын", "cipher": "Шифр", "name": "Қатысушының аты-жөні", "school": "Мектеп",
        "district": "Аудан", "task": "Есеп", "total": "Барлығы", "award": "Марапат",
        "apart": "Келмегендер мен шеттетілгендер", "reason": "Себебі",
        "hash": "Мазмұнның SHA-256 хэші", "head": "Аудит тізбегінің басы",
        "quotas": "Квота (I, II, III)", "overflow": "Тең балл салдарынан квотадан тыс",
        "page": "бет",
        "withheld": "Жарияланбайды: жариялауға келісім жоқ",
        "public": "Жария нұсқа: келісім бермегендердің аты-жөні мен мектебі көрсетілмейді; қол қойылған хаттама",
    },
    "ru": {
        "title": "Протокол результатов олимпиады",
        "ciphered": "шифрованный", "named": "итоговый",
        "grade": "класс", "round": "тур", "version": "версия",
        "rank": "Место", "cipher": "Шифр", "name": "ФИО участника", "school": "Школа",
        "district": "Район", "task": "Задача", "total": "Итого", "award": "Награда",
        "apart": "Не явились и дисквалифицированы", "reason": "Причина",
        "hash": "SHA-256 содержимого", "head": "Голова журнала аудита",
        "quotas": "Квота (I, II, III)", "overflow": "Сверх квоты из-за равенства баллов",
        "page": "стр.",
        "withheld": "Не публикуется: нет согласия на публикацию",
        "public": "Публичная версия: ФИО и школа не давших согласия скрыты; подписанный протокол",
    },
}  # fmt: skip


@dataclass(frozen=True)
class Heading:
    event: str
    subject: str
    content_sha256: str
    chain_head: str


def _table(content: dict[str, Any], lang: str) -> list[list[str]]:
    words = LABELS[lang]
    named = content["kind"] == "named"
    header = [words["rank"], words["cipher"]]
    if named:
        header += [words["name"], words["school"], words["district"]]
    header += [f"{words['task']} {n}" for n in content["tasks"]] + [words["total"], words["award"]]
    rows = [header]
    for row in content["rows"]:
        line = [str(row["rank"]), row["cipher"]]
        if named:
            line += [row["name"] or words["withheld"], row[f"school_{lang}"] or "",
                     row[f"district_{lang}"] or ""]  # fmt: skip
        line += [*row["tasks"], row["total"], row["award"] or ""]
        rows.append(line)
    return rows


def _widths(content: dict[str, Any]) -> list[float]:
    """Column widths given, not measured: measuring 5,000 rows costs more than drawing them."""
    usable = 273.0
    named = [60.0, 50.0, 35.0] if content["kind"] == "named" else []
    fixed = [14.0, 22.0, *named]
    tail = [20.0, 20.0]
    tasks = len(content["tasks"]) or 1
    each = min(22.0, (usable - sum(fixed) - sum(tail)) / tasks)
    return [w * mm for w in [*fixed, *([each] * len(content["tasks"])), *tail]]


@dataclass(frozen=True)
class _Styles:
    title: ParagraphStyle
    body: ParagraphStyle
    cell: ParagraphStyle


def _styles() -> _Styles:
    return _Styles(
        title=ParagraphStyle("t", fontName=FONT_BOLD, fontSize=14, leading=18),
        body=ParagraphStyle("b", fontName=FONT, fontSize=9, leading=12),
        cell=ParagraphStyle("c", fontName=FONT, fontSize=8, leading=10),
    )


def _heading(content: dict[str, Any], heading: Heading, lang: str, styles: _Styles) -> list[Any]:
    words = LABELS[lang]
    kind = words["named"] if content["kind"] == "named" else words["ciphered"]
    story: list[Any] = [
        Paragraph(f"{words['title']} ({kind})", styles.title),
        Paragraph(heading.event, styles.body),
        Paragraph(
            f"{heading.subject} · {content['round']}-{words['round']} · "
            f"{content['grade']} {words['grade']} · {words['version']} {content['version']}",
            styles.body,
        ),
    ]
    if content.get("redacted_from"):
        story.append(Paragraph(f"{words['public']}: {content['redacted_from']}", styles.body))
    return [*story, Spacer(1, 4 * mm)]


def _ranking(content: dict[str, Any], lang: str, styles: _Styles) -> LongTable:
    rows = _table(content, lang)
    # Plain strings draw fast (5,000 rows in about a second); only the columns that may need to
    # wrap (names, schools, districts, and the header) are paragraphs.
    wrapped = {2, 3, 4} if content["kind"] == "named" else set()
    data = [[Paragraph(str(v), styles.cell) for v in rows[0]]] + [
        [Paragraph(str(v), styles.cell) if i in wrapped else str(v) for i, v in enumerate(row)]
        for row in rows[1:]
    ]
    table = LongTable(data, repeatRows=1, colWidths=_widths(content))
    table.setStyle(
        TableStyle([
            ("FONTNAME", (0, 0), (-1, -1), FONT),
            ("FONTSIZE", (0, 0), (-1, -1), 8),
            ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f6")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ])
    )  # fmt: skip
    return table


def _after_ranking(content: dict[str, Any], lang: str, styles: _Styles) -> list[Any]:
    """The quotas and their overflow, and the absent and disqualified listed apart."""
    words = LABELS[lang]
    story: list[Any] = []
    if content.get("quotas"):
        story += [Spacer(1, 3 * mm),
                  Paragraph(f"{words['quotas']}: {', '.join(map(str, content['quotas']))}", styles.body)]  # fmt: skip
    if content.get("overflow"):
        extra = ", ".join(f"{k}: {v}" for k, v in content["overflow"].items())
        story.append(Paragraph(f"{words['overflow']}: {extra}", styles.body))
    if content.get("apart"):
        story += [Spacer(1, 4 * mm), Paragraph(words["apart"], styles.title)]
        apart = [[words["name"], words["school"], words["reason"]]] + [
            [p["name"] or words["withheld"], p[f"school_{lang}"] or "", p["reason"] or p["status"]]
            for p in content["apart"]
        ]
        listing = LongTable(
            [[Paragraph(str(v), styles.cell) for v in r] for r in apart], repeatRows=1
        )
        listing.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.3, colors.grey)]))
        story.append(listing)
    return story


def pdf(content: dict[str, Any], heading: Heading, lang: str) -> bytes:
    """A4 landscape; the table repeats its header on every page; hash and chain head in the
    footer of every page."""
    register_fonts()
    words = LABELS[lang]
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out, pagesize=landscape(A4), leftMargin=12 * mm, rightMargin=12 * mm,
        topMargin=12 * mm, bottomMargin=16 * mm, title=words["title"], author="Integrity",
        creator="Integrity",
    )  # fmt: skip
    styles = _styles()
    story = [
        *_heading(content, heading, lang, styles),
        _ranking(content, lang, styles),
        *_after_ranking(content, lang, styles),
    ]

    def footer(canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7)
        canvas.drawString(12 * mm, 9 * mm, f"{words['hash']}: {heading.content_sha256}")
        canvas.drawString(12 * mm, 5.5 * mm, f"{words['head']}: {heading.chain_head}")
        canvas.drawRightString(285 * mm, 5.5 * mm, f"{words['page']} {document.page}")
        canvas.restoreState()

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()


def xlsx(content: dict[str, Any], heading: Heading, lang: str) -> bytes:
    words = LABELS[lang]
    rows: Sequence[Sequence[str]] = _table(content, lang)
    footer = [[], [words["hash"], heading.content_sha256], [words["head"], heading.chain_head]]
    if content.get("redacted_from"):
        footer.append([words["public"], content["redacted_from"]])
    return spreadsheets.xlsx_bytes([(words["title"], [*rows, *footer])])
