"""Answer-sheet kits as one printable PDF: per participant a cover sheet, then the answer pages.

The cover is the only place the participant's name appears; its tear-off stub carries the appeal
access code. Every page identifies itself by a QR code and the same payload in print in the three
``layout.PRINTED_CORNERS``. Everything else keeps out of the codes' quiet zones, and the ruled
answer area keeps out of the mask boxes, so masking never erases an answer. Pure: reportlab and
qrcode only.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import BinaryIO

from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]

from integrity.registry.domain.dates import official_date
from integrity.scans.domain.codes import (
    CodeType,
    access_code_valid,
    format_access_code,
    format_serial,
    normalise_crockford,
)
from integrity.scans.domain.kits.pen import (
    CENTRE_MM,
    CONTENT_LEFT_MM,
    CONTENT_WIDTH_MM,
    FONT,
    FONT_BOLD,
    PT_PER_MM,
    QUIET_MM,
    Pen,
    fit,
    register_fonts,
    text_width,
)
from integrity.scans.domain.layout import (
    BOOKLET_BOX,
    COVER_TEAR_Y_MM,
    MARGIN_MM,
    PAGE_HEIGHT_MM,
    PAGE_WIDTH_MM,
    Box,
    Corner,
    qr_box,
)

PDF_TITLE = "Integrity answer-sheet kits"
HEADER_BASELINE_MM = 33.6  # below the top mask boxes (they end at 30 mm), above the answer area
# The cover's own content ends above the quiet zone of its two lower codes.
COVER_CONTENT_BOTTOM_MM = qr_box(Corner.BOTTOM_LEFT, cover=True).top - QUIET_MM - 2.0
# Where the invigilator writes the booklet serial on an extra sheet: top left, clear of the staple
# and of every mask box, so the attach queue (which shows masked pages) can read it.

INSTRUCTION_KK = (
    "Аты-жөніңізді және басқа жеке деректеріңізді жауап парақтарына жазбаңыз: жұмысыңыз "
    "жюриге тек шифрмен беріледі. Сканерлеу кезінде титул парағы жауап парақтарынан бөлінеді."
)
INSTRUCTION_RU = (
    "Не пишите фамилию, имя и другие личные данные на бланках ответов: жюри получает работу "
    "только под шифром. При сканировании титульный лист отделяется от бланков ответа."
)


@dataclass(frozen=True)
class KitHeader:
    event_title_kk: str
    event_title_ru: str
    subject_kk: str
    subject_ru: str
    round_number: int
    round_code: int
    held_on: datetime.date | None


@dataclass(frozen=True)
class KitSpec:
    header: KitHeader
    serial: int
    answer_pages: int
    participant_name: str
    school: str
    grade: int
    room: str | None
    seat: str | None
    access_code: str  # 11 Crockford symbols; printed with format_access_code


@dataclass(frozen=True)
class ExtraSheetSpec:
    header: KitHeader
    serial: int


def _subject(header: KitHeader) -> str:
    kk, ru = header.subject_kk.strip(), header.subject_ru.strip()
    return kk if kk == ru or not ru else f"{kk} / {ru}"


def _round_and_date(header: KitHeader) -> str:
    """The round and its date in the centre's words, both languages; a line to write the date on
    by hand when the round has none yet."""
    if header.held_on is None:
        held = "_______________"
    else:
        held = f"{official_date(header.held_on, 'kk')} / {official_date(header.held_on, 'ru')}"
    return f"Тур: {header.round_number}   ·   Күні / Дата: {held}"


def _draw_cover(pen: Pen, kit: KitSpec) -> None:
    h = kit.header
    # Sizes leave room for two-line event titles, schools and names above the lower codes.
    pen.text(CENTRE_MM, 38, "Титул парағы / Титульный лист", 18, FONT_BOLD, "centre")
    y = pen.block(47, h.event_title_kk, 10.5, FONT_BOLD)
    y = pen.block(y, h.event_title_ru, 10.5)
    y = pen.block(y + 1, f"Пән / Предмет: {_subject(h)}", 10.5, lines=1)
    y = pen.block(y, _round_and_date(h), 10.5, lines=1)

    # The participant: the only place the name is printed.
    x, inner = CONTENT_LEFT_MM + 6, CONTENT_WIDTH_MM - 12
    top = y + 1
    pen.label(x, top + 8, "Қатысушы / Участник")
    y = pen.block(top + 16, kit.participant_name, 19, FONT_BOLD, x=x, width=inner, align="left")
    pen.label(x, y, "Мектеп / Школа")
    y = pen.block(y + 6, kit.school, 11.5, x=x, width=inner, align="left")
    cells = (
        ("Сынып / Класс", str(kit.grade), 0.2),
        ("Аудитория", kit.room or "—", 0.22),
        ("Орын / Место", kit.seat or "—", 0.2),
        ("Кітапша нөмірі / Номер бланка", format_serial(kit.serial), 0.38),
    )
    for index, (label, value, share) in enumerate(cells):
        cell_x = x + inner * sum(cell[2] for cell in cells[:index])
        size, fitted = fit(label, FONT, 8.5, inner * share - 3, min_size=6)
        pen.label(cell_x, y + 1, fitted[0], size)
        size, fitted = fit(value, FONT_BOLD, 16, inner * share - 3)
        pen.text(cell_x, y + 8.5, fitted[0], size, FONT_BOLD)
    bottom = y + 14
    pen.rect(Box(CONTENT_LEFT_MM, top, CONTENT_WIDTH_MM, bottom - top), 0.8, radius=2)

    # The instruction.
    top = bottom + 7
    pen.text(x, top + 7, "Назар аударыңыз! / Внимание!", 11, FONT_BOLD)
    y = pen.block(top + 13, INSTRUCTION_KK, 9, lines=3, x=x, width=inner, align="left")
    y = pen.block(y + 1.5, INSTRUCTION_RU, 9, lines=3, x=x, width=inner, align="left")
    bottom = y - 1
    pen.rect(Box(CONTENT_LEFT_MM, top, CONTENT_WIDTH_MM, bottom - top), 0.5, radius=2)
    if bottom > COVER_CONTENT_BOTTOM_MM:
        raise AssertionError("the cover's content runs into its lower codes")
    _draw_stub(pen, kit)


def _draw_stub(pen: Pen, kit: KitSpec) -> None:
    """The tear line and, below it, the stub the participant keeps."""
    h, c, tear = kit.header, pen.c, COVER_TEAR_Y_MM
    scissors_x = qr_box(Corner.BOTTOM_LEFT, cover=True).right + QUIET_MM + 2
    c.setLineWidth(0.6)
    c.setDash(3, 2)
    c.line(*pen.xy(MARGIN_MM, tear), *pen.xy(scissors_x - 1, tear))
    c.line(*pen.xy(scissors_x + 6, tear), *pen.xy(PAGE_WIDTH_MM - MARGIN_MM, tear))
    c.setDash()
    pen.text(scissors_x, tear + 1.6, "✂", 13)

    heading = "Апелляцияға кіру коды / Код доступа для апелляции"
    pen.text(CENTRE_MM, tear + 12, heading, 12, FONT_BOLD, "centre")
    code = format_access_code(kit.access_code)
    size, spacing = 26.0, 4.5  # letter-spaced: easy to read out and to type back
    width = text_width(code, FONT_BOLD, size) + spacing * (len(code) - 1) / PT_PER_MM
    box = Box(CENTRE_MM - width / 2 - 7, tear + 17, width + 14, 16.0)
    pen.rect(box, 1.2, radius=2)
    c.saveState()  # keeps the character spacing to this text
    text = c.beginText(*pen.xy(CENTRE_MM - width / 2, box.top + 11.3))
    text.setFont(FONT_BOLD, size)
    text.setCharSpace(spacing)
    text.textOut(code)
    c.drawText(text)
    c.restoreState()

    y = pen.block(box.bottom + 8, f"Пән / Предмет: {_subject(h)}", 11, lines=1)
    y = pen.block(y, h.event_title_kk, 9, lines=1)
    y = pen.block(y, _round_and_date(h), 9, lines=1)
    keep = "Бұл үзіндіні сақтаңыз / Сохраните этот корешок"
    pen.text(CENTRE_MM, y + 3, keep, 12, FONT_BOLD, "centre")
    advice = "Кодты басқаларға көрсетпеңіз / Не показывайте код другим"
    pen.label(CENTRE_MM, y + 8.5, advice, 9, "centre")


def _draw_answer_page(pen: Pen, kit: KitSpec, page: int) -> None:
    parts = (
        ("Жауап парағы / Бланк ответа", FONT_BOLD),
        ("   ·   ", FONT),
        (kit.header.subject_kk, FONT),
        ("   ·   ", FONT),
        (f"Бет / Стр. {page} / {kit.answer_pages}", FONT_BOLD),
    )
    pen.segments(HEADER_BASELINE_MM, parts, 10.5)
    pen.answer_area()


def _draw_extra_sheet(pen: Pen, extra: ExtraSheetSpec) -> None:
    parts = (
        ("Қосымша жауап парағы / Дополнительный бланк ответа", FONT_BOLD),
        ("   ·   ", FONT),
        (extra.header.subject_kk, FONT),
    )
    pen.segments(HEADER_BASELINE_MM, parts, 10.5)
    box = BOOKLET_BOX
    pen.rect(box, 0.6)
    pen.text(box.left + 2, box.top + 4, "Кітапша нөмірі / Номер бланка:", 7.5)
    cell, gap = 6.0, 4.0  # eight digit cells with a dash after the fourth, as format_serial
    x = box.left + (box.width - 8 * cell - gap) / 2
    for index in range(8):
        if index == 4:
            pen.text(x + gap / 2, box.top + 12.5, "–", 10, FONT, "centre")
            x += gap
        pen.rect(Box(x, box.top + 7, cell, 9), 0.4)
        x += cell
    pen.answer_area()


def _check_kit(kit: KitSpec) -> None:
    if not 1 <= kit.answer_pages <= 99:
        raise ValueError("a kit has 1 to 99 answer pages")
    code = kit.access_code
    if len(code) != 11 or normalise_crockford(code) != code or not access_code_valid(code):
        raise ValueError("the access code must be 11 upper-case Crockford symbols, checked")


def render_kits(
    kits: Iterable[KitSpec], out: BinaryIO, *, extra_sheets: Iterable[ExtraSheetSpec] = ()
) -> int:
    """Write one PDF: for each kit its cover then its answer pages 1..N; then the extra sheets.

    Returns the page count. Raises ValueError for a kit that cannot be printed as specified, and
    when there is nothing to print.
    """
    register_fonts()
    size = (PAGE_WIDTH_MM * PT_PER_MM, PAGE_HEIGHT_MM * PT_PER_MM)
    c = Canvas(out, pagesize=size, invariant=True, pageCompression=1)
    c.setTitle(PDF_TITLE)
    c.setAuthor("Integrity")
    c.setCreator("Integrity")
    c.setSubject("Answer-sheet kits")
    pen, pages = Pen(c), 0
    for kit in kits:
        _check_kit(kit)
        round_code = kit.header.round_code
        pen.codes(CodeType.COVER, round_code, kit.serial, 0)
        _draw_cover(pen, kit)
        c.showPage()
        for page in range(1, kit.answer_pages + 1):
            pen.codes(CodeType.ANSWER, round_code, kit.serial, page)
            _draw_answer_page(pen, kit, page)
            c.showPage()
        pages += 1 + kit.answer_pages
    for extra in extra_sheets:
        pen.codes(CodeType.EXTRA, extra.header.round_code, extra.serial, 1)
        _draw_extra_sheet(pen, extra)
        c.showPage()
        pages += 1
    if pages == 0:
        raise ValueError("nothing to print: no kits and no extra sheets")
    c.save()
    return pages
