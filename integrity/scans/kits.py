"""Answer-sheet kits as one printable PDF: per participant a cover sheet, then the answer pages.

The cover is the only place the participant's name appears; its tear-off stub carries the appeal
access code. Every page identifies itself by a QR code and the same payload in print in the three
``layout.PRINTED_CORNERS``. Everything else keeps out of the codes' quiet zones, and the ruled
answer area keeps out of the mask boxes, so masking never erases an answer. Pure: reportlab and
qrcode only.
"""

from __future__ import annotations

import datetime
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import qrcode
import qrcode.constants
from reportlab import rl_config  # type: ignore[import-untyped]
from reportlab.lib.utils import simpleSplit  # type: ignore[import-untyped]
from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped]
from reportlab.pdfbase.ttfonts import TTFont  # type: ignore[import-untyped]
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]

from integrity.scans.codes import (
    CodeType,
    PagePayload,
    access_code_valid,
    encode_payload,
    format_access_code,
    format_payload,
    format_serial,
    normalise_crockford,
)
from integrity.scans.layout import (
    ANSWER_AREA,
    BOOKLET_BOX,
    COVER_TEAR_Y_MM,
    MARGIN_MM,
    PAGE_HEIGHT_MM,
    PAGE_WIDTH_MM,
    PRINTED_CORNERS,
    QR_MODULE_MM,
    QR_MODULES,
    QR_QUIET_MODULES,
    TEXT_SIZE_PT,
    Box,
    Corner,
    qr_box,
    text_anchor,
)

PDF_TITLE = "Integrity answer-sheet kits"
FONT = "IntegrityDejaVuSans"
FONT_BOLD = "IntegrityDejaVuSans-Bold"
_FONT_DIR = Path(__file__).resolve().parent.parent / "assets" / "fonts"

PT_PER_MM = 72 / 25.4
RULE_GREY = 200 / 255  # #c8c8c8: plain to a writer, never mistaken for ink
RULE_SPACING_MM = 8.0
LABEL_GREY = 0.35
HEADER_BASELINE_MM = 33.6  # below the top mask boxes (they end at 30 mm), above the answer area
CENTRE_MM = PAGE_WIDTH_MM / 2
CONTENT_LEFT_MM = MARGIN_MM + 6
CONTENT_WIDTH_MM = PAGE_WIDTH_MM - 2 * CONTENT_LEFT_MM
QUIET_MM = QR_QUIET_MODULES * QR_MODULE_MM
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


_font_lock = threading.Lock()
_fonts_registered = False


def register_fonts() -> None:
    """Set up reportlab for every PDF of the platform, once per process: DejaVu Sans (regular and
    bold) registered, and binary page streams (reportlab's pure-Python ASCII85 step cost as much
    as drawing a diploma page; every PDF reader takes binary streams)."""
    global _fonts_registered
    with _font_lock:
        if not _fonts_registered:
            rl_config.useA85 = 0
            pdfmetrics.registerFont(TTFont(FONT, str(_FONT_DIR / "DejaVuSans.ttf")))
            pdfmetrics.registerFont(TTFont(FONT_BOLD, str(_FONT_DIR / "DejaVuSans-Bold.ttf")))
            _fonts_registered = True


def qr_matrix(digits: str) -> list[list[bool]]:
    """The modules (True is dark) of one payload's QR code: version 1, level Q, no border."""
    qr = qrcode.QRCode(version=1, error_correction=qrcode.constants.ERROR_CORRECT_Q, border=0)
    qr.add_data(digits)
    qr.make(fit=False)
    matrix: list[list[bool]] = qr.get_matrix()
    if qr.version != 1 or len(matrix) != QR_MODULES or any(len(r) != QR_MODULES for r in matrix):
        raise AssertionError("a page payload must make a version 1 QR code (21 modules)")
    return matrix


def qr_rects(matrix: list[list[bool]]) -> list[tuple[int, int, int, int]]:
    """The dark modules as disjoint (column, row, width, height) rectangles in module units.

    The dark runs of a row are merged, and a run repeated exactly on the next rows grows down.
    """
    done: list[tuple[int, int, int, int]] = []
    open_runs: dict[tuple[int, int], int] = {}  # (first column, end column) -> first row
    for row_index, row in enumerate([*matrix, []]):
        runs: set[tuple[int, int]] = set()
        col = 0
        while col < len(row):
            if row[col]:
                start = col
                while col < len(row) and row[col]:
                    col += 1
                runs.add((start, col))
            col += 1
        for run in [run for run in open_runs if run not in runs]:
            first = open_runs.pop(run)
            done.append((run[0], first, run[1] - run[0], row_index - first))
        for run in runs:
            open_runs.setdefault(run, row_index)
    return sorted(done, key=lambda r: (r[1], r[0]))


def _width(text: str, font: str, size: float) -> float:
    """Width of ``text`` in mm."""
    return float(pdfmetrics.stringWidth(text, font, size)) / PT_PER_MM


def _fit(
    text: str, font: str, size: float, width: float, max_lines: int = 1, min_size: float = 7.0
) -> tuple[float, list[str]]:
    """The largest size (down to ``min_size``) at which ``text`` fits ``max_lines`` lines."""
    while True:
        lines: list[str] = simpleSplit(text, font, size, width * PT_PER_MM) or [""]
        if len(lines) <= max_lines and all(_width(ln, font, size) <= width for ln in lines):
            return size, lines
        if size - 0.5 < min_size:
            break
        size -= 0.5
    kept = lines[:max_lines]
    last = kept[-1]
    while last and _width(last + "…", font, size) > width:
        last = last[:-1]
    return size, [*kept[:-1], last.rstrip() + "…"]


class _Pen:
    """A reportlab canvas addressed in mm from the page's top-left corner."""

    def __init__(self, canvas: Canvas) -> None:
        self.c = canvas

    @staticmethod
    def xy(x: float, y: float) -> tuple[float, float]:
        return x * PT_PER_MM, (PAGE_HEIGHT_MM - y) * PT_PER_MM

    def text(
        self, x: float, y: float, text: str, size: float, font: str = FONT, align: str = "left"
    ) -> None:
        """One line of text, ``y`` its baseline; ``align`` is left, right or centre."""
        c = self.c
        c.setFont(font, size)
        draw = {"centre": c.drawCentredString, "right": c.drawRightString}.get(align, c.drawString)
        draw(*self.xy(x, y), text)

    def label(self, x: float, y: float, text: str, size: float = 8.5, align: str = "left") -> None:
        self.c.setFillGray(LABEL_GREY)
        self.text(x, y, text, size, FONT, align)
        self.c.setFillGray(0)

    def block(
        self,
        y: float,
        text: str,
        size: float,
        font: str = FONT,
        *,
        lines: int = 2,
        x: float = CENTRE_MM,
        width: float = CONTENT_WIDTH_MM,
        align: str = "centre",
    ) -> float:
        """``text`` wrapped (and shrunk) into ``lines`` lines, the first baseline at ``y``.

        Returns the baseline a next line would have.
        """
        size, fitted = _fit(text, font, size, width, lines)
        for line in fitted:
            self.text(x, y, line, size, font, align)
            y += size * 1.3 / PT_PER_MM
        return y

    def segments(self, y: float, parts: Sequence[tuple[str, str]], size: float) -> None:
        """One centred line of (text, font) pieces, shrunk to the answer area's width."""
        while size > 6 and sum(_width(t, f, size) for t, f in parts) > ANSWER_AREA.width:
            size -= 0.5
        x = CENTRE_MM - sum(_width(t, f, size) for t, f in parts) / 2
        for text, font in parts:
            self.text(x, y, text, size, font)
            x += _width(text, font, size)

    def rect(self, box: Box, line: float, radius: float = 0.0, grey: float = 0.0) -> None:
        c = self.c
        c.setLineWidth(line)
        c.setStrokeGray(grey)
        left, bottom = self.xy(box.left, box.bottom)
        w, h, r = box.width * PT_PER_MM, box.height * PT_PER_MM, radius * PT_PER_MM
        c.roundRect(left, bottom, w, h, r, stroke=1, fill=0)
        c.setStrokeGray(0)

    def qr(self, box: Box, matrix: list[list[bool]]) -> None:
        """Solid black vector modules: one path in module units, its y axis pointing down."""
        c = self.c
        c.saveState()
        c.setFillGray(0)
        side = QR_MODULE_MM * PT_PER_MM
        c.transform(side, 0, 0, -side, *self.xy(box.left, box.top))
        rects = " ".join(f"{x} {y} {w} {h} re" for x, y, w, h in qr_rects(matrix))
        c.addLiteral(f"n {rects} f")
        c.restoreState()

    def codes(self, code_type: CodeType, round_code: int, serial: int, page: int) -> None:
        cover = code_type is CodeType.COVER
        for corner in PRINTED_CORNERS:
            digits = encode_payload(PagePayload(code_type, round_code, serial, page, corner))
            self.qr(qr_box(corner, cover=cover), qr_matrix(digits))
            x, y, align = text_anchor(corner, cover=cover)
            self.text(x, y, format_payload(digits), TEXT_SIZE_PT, FONT, align)

    def answer_area(self) -> None:
        area = ANSWER_AREA
        self.rect(area, 0.5, grey=RULE_GREY)
        count = max(1, round(area.height / RULE_SPACING_MM))
        ys = [area.top + k * area.height / count for k in range(1, count)]
        self.c.setStrokeGray(RULE_GREY)
        self.c.lines([(*self.xy(area.left, y), *self.xy(area.right, y)) for y in ys])
        self.c.setStrokeGray(0)


def _subject(header: KitHeader) -> str:
    kk, ru = header.subject_kk.strip(), header.subject_ru.strip()
    return kk if kk == ru or not ru else f"{kk} / {ru}"


def _round_and_date(header: KitHeader) -> str:
    held = header.held_on.strftime("%d.%m.%Y") if header.held_on else "—"
    return f"Тур: {header.round_number}   ·   Күні / Дата: {held}"


def _draw_cover(pen: _Pen, kit: KitSpec) -> None:
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
        size, fitted = _fit(label, FONT, 8.5, inner * share - 3, min_size=6)
        pen.label(cell_x, y + 1, fitted[0], size)
        size, fitted = _fit(value, FONT_BOLD, 16, inner * share - 3)
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


def _draw_stub(pen: _Pen, kit: KitSpec) -> None:
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
    width = _width(code, FONT_BOLD, size) + spacing * (len(code) - 1) / PT_PER_MM
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
    y = pen.block(y, f"{h.event_title_kk}   ·   {_round_and_date(h)}", 9, lines=1)
    keep = "Бұл үзіндіні сақтаңыз / Сохраните этот корешок"
    pen.text(CENTRE_MM, y + 3, keep, 12, FONT_BOLD, "centre")
    advice = "Кодты басқаларға көрсетпеңіз / Не показывайте код другим"
    pen.label(CENTRE_MM, y + 8.5, advice, 9, "centre")


def _draw_answer_page(pen: _Pen, kit: KitSpec, page: int) -> None:
    parts = (
        ("Жауап парағы / Бланк ответа", FONT_BOLD),
        ("   ·   ", FONT),
        (kit.header.subject_kk, FONT),
        ("   ·   ", FONT),
        (f"Бет / Стр. {page} / {kit.answer_pages}", FONT_BOLD),
    )
    pen.segments(HEADER_BASELINE_MM, parts, 10.5)
    pen.answer_area()


def _draw_extra_sheet(pen: _Pen, extra: ExtraSheetSpec) -> None:
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
    pen, pages = _Pen(c), 0
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
