"""A protocol version as a printable PDF (Kazakh or Russian) and as XLSX. Pure: content in, bytes out.

Every page carries the content's SHA-256 and the audit chain head, so a printed protocol can be
checked against the public page and the audit log. As the centre's own protocols, it gives the
place and date under its title and ends with the signatures of the jury's chair and members: both
from the ``signing`` block its freezing confirmed (blank lines to fill by hand when a version has
none), so a frozen protocol prints the same for ever.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors  # type: ignore[import-untyped]
from reportlab.lib.enums import TA_RIGHT  # type: ignore[import-untyped]
from reportlab.lib.pagesizes import A4, landscape  # type: ignore[import-untyped]
from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.pdfbase.pdfmetrics import stringWidth  # type: ignore[import-untyped]
from reportlab.platypus import (  # type: ignore[import-untyped]
    KeepTogether,
    LongTable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from integrity import spreadsheets
from integrity.registry.domain.dates import official_date
from integrity.scans.domain.kits import FONT, FONT_BOLD, register_fonts

# Official headings in Kazakh and Russian (the centre's documents say "хаттама" / "протокол").
LABELS = {
    "kk": {
        "title": "Олимпиада нәтижелерінің хаттамасы",
        "ciphered": "шифрланған", "named": "қорытынды",
        "grade": "сынып", "round": "тур", "version": "нұсқа",
        "rank": "Орын", "cipher": "Шифр", "name": "Қатысушының аты-жөні", "school": "Мектеп",
        "district": "Аудан", "task": "Есеп", "tasks": "Есептер", "total": "Барлығы",
        "award": "Марапат",
        "apart": "Келмегендер мен шеттетілгендер", "reason": "Себебі",
        "hash": "Мазмұнның SHA-256 хэші", "head": "Аудит тізбегінің басы",
        "quotas": "Квота (I, II, III)", "overflow": "Тең балл салдарынан квотадан тыс",
        "page": "бет",
        "withheld": "Жарияланбайды: жариялауға келісім жоқ",
        "public": "Жария нұсқа: келісім бермегендердің аты-жөні мен мектебі көрсетілмейді; қол қойылған хаттама",
        "chair": "Қазылар алқасының төрағасы", "members": "Қазылар алқасының мүшелері",
        "blank_date": "20___ жылғы «___» ______________",
    },
    "ru": {
        "title": "Протокол результатов олимпиады",
        "ciphered": "шифрованный", "named": "итоговый",
        "grade": "класс", "round": "тур", "version": "версия",
        "rank": "Место", "cipher": "Шифр", "name": "ФИО участника", "school": "Школа",
        "district": "Район", "task": "Задача", "tasks": "Задачи", "total": "Итого",
        "award": "Награда",
        "apart": "Не явились и дисквалифицированы", "reason": "Причина",
        "hash": "SHA-256 содержимого", "head": "Голова журнала аудита",
        "quotas": "Квота (I, II, III)", "overflow": "Сверх квоты из-за равенства баллов",
        "page": "стр.",
        "withheld": "Не публикуется: нет согласия на публикацию",
        "public": "Публичная версия: ФИО и школа не давших согласия скрыты; подписанный протокол",
        "chair": "Председатель жюри", "members": "Члены жюри",
        "blank_date": "«___» ______________ 20___ г.",
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


PAD = 3.0  # points of padding each side of a cell
USABLE = 273 * mm - 12  # A4 landscape less the margins and the frame's padding
CELL_SIZE = 8.0
# The shares of the space left over that the named protocol's name, school and district take.
SHARES = (0.42, 0.36, 0.22)


def _fits(texts: Sequence[str], font: str = FONT) -> float:
    """The narrowest column that shows each of ``texts`` with no word broken."""
    words = {word for text in texts for word in str(text).split()} or {""}
    return float(max(stringWidth(word, font, CELL_SIZE) for word in words)) + 2 * PAD + 1


def _widths(rows: list[list[str]], content: dict[str, Any], lang: str) -> list[float]:
    """Column widths from what they hold: every column at least as wide as its longest word
    (header or value), so no word is broken ("Зада|ча"); the space left goes to the named
    protocol's name, school and district, which wrap between words. Each distinct value is
    measured once, so 5,000 rows cost little more than ten."""
    words = LABELS[lang]
    tasks = _task_columns(content)
    # Each column's values, and its heading: a task's number (the tasks' shared heading, in the
    # first task's cell, is measured against all of them below).
    columns = [{row[i] for row in rows[2:]} for i in range(len(rows[0]))]
    widths = [_fits([rows[1 if i in tasks else 0][i], *columns[i]]) for i in range(len(rows[0]))]
    if tasks:
        group = _fits([words["tasks"]], FONT_BOLD)
        short = group - sum(widths[i] for i in tasks)
        for i in tasks:
            widths[i] += max(0.0, short) / len(tasks)
    if content["kind"] == "named":
        free = USABLE - sum(w for i, w in enumerate(widths) if i not in (2, 3, 4))
        for i, share in zip((2, 3, 4), SHARES, strict=True):
            widths[i] = max(widths[i], free * share)
    return widths


def _task_columns(content: dict[str, Any]) -> range:
    first = 5 if content["kind"] == "named" else 2
    return range(first, first + len(content["tasks"]))


@dataclass(frozen=True)
class _Styles:
    title: ParagraphStyle
    body: ParagraphStyle
    cell: ParagraphStyle
    head: ParagraphStyle
    right: ParagraphStyle


def _styles() -> _Styles:
    return _Styles(
        title=ParagraphStyle("t", fontName=FONT_BOLD, fontSize=14, leading=18),
        body=ParagraphStyle("b", fontName=FONT, fontSize=9, leading=12),
        cell=ParagraphStyle("c", fontName=FONT, fontSize=CELL_SIZE, leading=10),
        head=ParagraphStyle("h", fontName=FONT, fontSize=CELL_SIZE, leading=10),
        right=ParagraphStyle("r", fontName=FONT, fontSize=9, leading=12, alignment=TA_RIGHT),
    )


def _heading(content: dict[str, Any], heading: Heading, lang: str, styles: _Styles) -> list[Any]:
    words = LABELS[lang]
    kind = words["named"] if content["kind"] == "named" else words["ciphered"]
    story: list[Any] = [
        Paragraph(escape(f"{words['title']} ({kind})"), styles.title),
        Paragraph(escape(heading.event), styles.body),
        Paragraph(
            escape(
                f"{heading.subject} · {content['round']}-{words['round']} · "
                f"{content['grade']} {words['grade']} · {words['version']} {content['version']}"
            ),
            styles.body,
        ),
    ]
    if content.get("redacted_from"):
        story.append(
            Paragraph(escape(f"{words['public']}: {content['redacted_from']}"), styles.body)
        )
    return [*story, Spacer(1, 3 * mm), _place_and_date(content, lang, styles), Spacer(1, 3 * mm)]


def _header(content: dict[str, Any], lang: str) -> list[list[str]]:
    """Two header rows: the tasks under one "Задачи / Есептер" heading, each column headed by its
    number alone, so a narrow task column never breaks a word."""
    words = LABELS[lang]
    first = [words["rank"], words["cipher"]]
    if content["kind"] == "named":
        first += [words["name"], words["school"], words["district"]]
    tasks = [str(n) for n in content["tasks"]]
    return [
        [*first, *([words["tasks"]] + [""] * (len(tasks) - 1) if tasks else []),
         words["total"], words["award"]],
        [*[""] * len(first), *tasks, "", ""],
    ]  # fmt: skip


def _ranking(content: dict[str, Any], lang: str, styles: _Styles) -> LongTable:
    rows = [*_header(content, lang), *_table(content, lang)[1:]]
    widths = _widths(rows, content, lang)
    # Plain strings draw fast (5,000 rows in about a second); only the columns that may need to
    # wrap (names, schools, districts, and the header) are paragraphs.
    wrapped = {2, 3, 4} if content["kind"] == "named" else set()
    # Paragraphs read a markup of their own: names and schools are text, never markup ("&", "<").
    data = [[Paragraph(escape(str(v)), styles.head) for v in row] for row in rows[:2]] + [
        [
            Paragraph(escape(str(v)), styles.cell) if i in wrapped else str(v)
            for i, v in enumerate(row)
        ]
        for row in rows[2:]
    ]
    tasks = _task_columns(content)
    spans = [("SPAN", (i, 0), (i, 1)) for i in range(len(rows[0])) if i not in tasks]
    if tasks:
        spans.append(("SPAN", (tasks.start, 0), (tasks.stop - 1, 0)))
    table = LongTable(data, repeatRows=2, colWidths=widths)
    table.setStyle(
        TableStyle([
            ("FONTNAME", (0, 0), (-1, -1), FONT),
            ("FONTSIZE", (0, 0), (-1, -1), CELL_SIZE),
            ("LEFTPADDING", (0, 0), (-1, -1), PAD),
            ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
            ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 1), colors.HexColor("#eef2f6")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("VALIGN", (0, 0), (-1, 1), "MIDDLE"),
            *spans,
        ])
    )  # fmt: skip
    return table


def _place_and_date(content: dict[str, Any], lang: str, styles: _Styles) -> Table:
    """The place at the left and the date at the right, as the centre's documents begin."""
    words, signing = LABELS[lang], content.get("signing") or {}
    place = signing.get("place") or "______________________________"
    day = signing.get("date")
    when = official_date(dt.date.fromisoformat(day), lang) if day else words["blank_date"]
    line = Table(
        [[Paragraph(escape(place), styles.body), Paragraph(when, styles.right)]],
        colWidths=[USABLE * 0.6, USABLE * 0.4],
    )
    line.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0),
                              ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))  # fmt: skip
    return line


def _signatures(content: dict[str, Any], lang: str, styles: _Styles) -> list[Any]:
    """The chair and each member: their role, a line to sign on and their name (blank lines to
    fill by hand when the version names nobody); kept on one page."""
    words, signing = LABELS[lang], content.get("signing") or {}
    members = list(signing.get("members") or []) or ["", "", ""]
    people = [(words["chair"], signing.get("chair") or "")] + [
        (words["members"] if n == 0 else "", name) for n, name in enumerate(members)
    ]
    line = "_" * 24
    rows = [
        [
            Paragraph(role, styles.body),
            Paragraph(line, styles.body),
            Paragraph(escape(name) or line, styles.body),
        ]
        for role, name in people
    ]
    table = Table(rows, colWidths=[70 * mm, 55 * mm, 90 * mm], hAlign="LEFT")
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("TOPPADDING", (0, 0), (-1, -1), 5)]))  # fmt: skip
    return [Spacer(1, 8 * mm), KeepTogether([table])]


def _after_ranking(content: dict[str, Any], lang: str, styles: _Styles) -> list[Any]:
    """The quotas and their overflow, and the absent and disqualified listed apart."""
    words = LABELS[lang]
    story: list[Any] = []
    if content.get("quotas"):
        story += [Spacer(1, 3 * mm),
                  Paragraph(f"{words['quotas']}: {', '.join(map(str, content['quotas']))}", styles.body)]  # fmt: skip
    if content.get("overflow"):
        extra = ", ".join(f"{k}: {v}" for k, v in content["overflow"].items())
        story.append(Paragraph(escape(f"{words['overflow']}: {extra}"), styles.body))
    if content.get("apart"):
        story += [Spacer(1, 4 * mm), Paragraph(words["apart"], styles.title)]
        apart = [[words["name"], words["school"], words["reason"]]] + [
            [p["name"] or words["withheld"], p[f"school_{lang}"] or "", p["reason"] or p["status"]]
            for p in content["apart"]
        ]
        listing = LongTable(
            [[Paragraph(escape(str(v)), styles.cell) for v in r] for r in apart], repeatRows=1
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
        *_signatures(content, lang, styles),
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
    if signing := content.get("signing"):
        day = dt.date.fromisoformat(signing["date"])
        footer += [[], [signing["place"], official_date(day, lang)],
                   [words["chair"], signing["chair"]],
                   *[[words["members"] if n == 0 else "", name]
                     for n, name in enumerate(signing["members"])]]  # fmt: skip
    return spreadsheets.xlsx_bytes([(words["title"], [*rows, *footer])])
