"""Diplomas and certificates as printable PDF: A4 landscape, Kazakh or Russian. Pure: data in, bytes out.

The QR code is drawn as vector rectangles (no bitmap to blur), error correction Q, 36 mm square:
about 0.42 mm a module for the usual 85-module code, readable from a phone at arm's length and
from a 150 dpi scan. zxing-cpp encodes it (1.5 ms); the pure-Python qrcode package took 35 ms a
code, which alone would hold a batch under 30 documents a second.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import zxingcpp
from reportlab.lib.pagesizes import A4, landscape  # type: ignore[import-untyped]
from reportlab.lib.utils import simpleSplit  # type: ignore[import-untyped]
from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped]
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]

from integrity.diplomas.domain import DocType
from integrity.scans.domain.kits import FONT, FONT_BOLD, qr_rects, register_fonts

PT_PER_MM = 72 / 25.4
WIDTH_MM, HEIGHT_MM = 297.0, 210.0
QR_MM = 36.0
NAVY = (0.12, 0.23, 0.41)
GOLD = (0.69, 0.55, 0.18)
PDF_TITLE = {"kk": "Марапат құжаттары", "ru": "Наградные документы"}

# Official wording (the centre's documents say "дәрежелі диплом", "алғыс хат").
TITLES: dict[str, dict[DocType, tuple[str, str]]] = {
    "kk": {
        DocType.DIPLOMA_1: ("ДИПЛОМ", "I дәрежелі"),
        DocType.DIPLOMA_2: ("ДИПЛОМ", "II дәрежелі"),
        DocType.DIPLOMA_3: ("ДИПЛОМ", "III дәрежелі"),
        DocType.PARTICIPATION: ("СЕРТИФИКАТ", "қатысушы"),
        DocType.COMMENDATION: ("АЛҒЫС ХАТ", ""),
        DocType.SPECIAL_PRIZE: ("ДИПЛОМ", "Арнайы жүлде"),
    },
    "ru": {
        DocType.DIPLOMA_1: ("ДИПЛОМ", "I степени"),
        DocType.DIPLOMA_2: ("ДИПЛОМ", "II степени"),
        DocType.DIPLOMA_3: ("ДИПЛОМ", "III степени"),
        DocType.PARTICIPATION: ("СЕРТИФИКАТ", "участника"),
        DocType.COMMENDATION: ("БЛАГОДАРСТВЕННОЕ ПИСЬМО", ""),
        DocType.SPECIAL_PRIZE: ("ДИПЛОМ", "Специальный приз"),
    },
}
LABELS = {
    "kk": {
        "awarded": "марапатталады",
        "grade": "{grade}-сынып оқушысы",
        "subject": "Пән: {subject}",
        "date": "Берілген күні: {date}",
        "director": "Директор",
        "chair": "Қазылар алқасының төрағасы",
        "check": "Түпнұсқалығын тексеру: QR кодты сканерлеңіз немесе {host}/v",
    },
    "ru": {
        "awarded": "награждается",
        "grade": "ученик(ца) {grade} класса",
        "subject": "Предмет: {subject}",
        "date": "Дата выдачи: {date}",
        "director": "Директор",
        "chair": "Председатель жюри",
        "check": "Проверка подлинности: отсканируйте QR-код или {host}/v",
    },
}


@dataclass(frozen=True)
class Printable:
    serial: str
    doc_type: DocType
    language: str
    organisation: str
    event: str
    subject: str
    name: str
    grade: int
    school: str
    award_note: str
    date: str  # as printed, dd.mm.yyyy
    link: str  # the QR's text
    host: str


def qr_modules(text: str) -> list[list[bool]]:
    """The QR code's modules (True is dark), without the quiet zone."""
    code = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="Q")
    dark: list[list[bool]] = (
        np.asarray(code.to_image(scale=1, add_quiet_zones=False)) < 128
    ).tolist()
    return dark


class _Page:
    def __init__(self, canvas: Canvas) -> None:
        self.c = canvas

    @staticmethod
    def xy(x: float, y: float) -> tuple[float, float]:
        return x * PT_PER_MM, (HEIGHT_MM - y) * PT_PER_MM

    def text(
        self,
        y: float,
        text: str,
        size: float,
        *,
        bold: bool = False,
        x: float = WIDTH_MM / 2,
        align: str = "centre",
        width: float = 200.0,
        colour: tuple[float, float, float] = (0, 0, 0),
    ) -> None:
        font = FONT_BOLD if bold else FONT
        while size > 7 and pdfmetrics.stringWidth(text, font, size) > width * PT_PER_MM:
            size -= 0.5
        c = self.c
        c.setFillColorRGB(*colour)
        c.setFont(font, size)
        draw = {"centre": c.drawCentredString, "right": c.drawRightString}.get(align, c.drawString)
        draw(*self.xy(x, y), text)

    def lines(self, y: float, text: str, size: float, width: float, max_lines: int = 2) -> float:
        wrapped = simpleSplit(text, FONT, size, width * PT_PER_MM)
        while len(wrapped) > max_lines and size > 8:
            size -= 0.5
            wrapped = simpleSplit(text, FONT, size, width * PT_PER_MM)
        for line in wrapped[:max_lines]:
            self.text(y, line, size, width=width)
            y += size * 1.35 / PT_PER_MM
        return y

    def frame(self) -> None:
        c = self.c
        c.setStrokeColorRGB(*NAVY)
        c.setLineWidth(2.2)
        c.rect(
            *self.xy(8, HEIGHT_MM - 8), (WIDTH_MM - 16) * PT_PER_MM, (HEIGHT_MM - 16) * PT_PER_MM
        )
        c.setStrokeColorRGB(*GOLD)
        c.setLineWidth(0.8)
        c.rect(
            *self.xy(11.5, HEIGHT_MM - 11.5),
            (WIDTH_MM - 23) * PT_PER_MM,
            (HEIGHT_MM - 23) * PT_PER_MM,
        )
        c.setFillColorRGB(*GOLD)
        for x, y in ((11.5, 11.5), (WIDTH_MM - 11.5, 11.5), (11.5, HEIGHT_MM - 11.5),
                     (WIDTH_MM - 11.5, HEIGHT_MM - 11.5)):  # fmt: skip
            px, py = self.xy(x, y)
            d = 3.2 * PT_PER_MM
            path = c.beginPath()
            path.moveTo(px, py + d)
            path.lineTo(px + d, py)
            path.lineTo(px, py - d)
            path.lineTo(px - d, py)
            path.close()
            c.drawPath(path, stroke=0, fill=1)

    def qr(self, left: float, top: float, matrix: list[list[bool]]) -> None:
        c = self.c
        c.saveState()
        c.setFillGray(0)
        side = QR_MM / len(matrix) * PT_PER_MM
        c.transform(side, 0, 0, -side, *self.xy(left, top))
        rects = " ".join(f"{x} {y} {w} {h} re" for x, y, w, h in qr_rects(matrix))
        c.addLiteral(f"n {rects} f")
        c.restoreState()

    def signature(self, x: float, y: float, label: str) -> None:
        c = self.c
        c.setStrokeColorRGB(0.3, 0.3, 0.3)
        c.setLineWidth(0.5)
        c.line(*self.xy(x, y), *self.xy(x + 60, y))
        self.text(y + 4.5, label, 9, x=x, align="left", colour=(0.3, 0.3, 0.3))


def draw(page: _Page, doc: Printable) -> None:
    labels = LABELS[doc.language]
    title, degree = TITLES[doc.language][doc.doc_type]
    page.frame()
    page.text(26, doc.organisation, 11, colour=NAVY, width=230)
    page.lines(33, doc.event, 12, 230)
    page.text(24, f"№ {doc.serial}", 9.5, x=WIDTH_MM - 20, align="right", colour=(0.3, 0.3, 0.3))
    page.text(66, title, 40 if len(title) < 12 else 30, bold=True, colour=NAVY, width=240)
    if degree:
        page.text(78, degree, 20, bold=True, colour=GOLD)
    page.text(91, labels["awarded"], 11, colour=(0.3, 0.3, 0.3))
    page.text(106, doc.name, 26, bold=True, width=250)
    y = 116.0
    if doc.grade:
        page.text(y, labels["grade"].format(grade=doc.grade), 12)
        y += 6.5
    if doc.school:
        y = page.lines(y, doc.school, 12, 230) + 0.5
    page.text(y, labels["subject"].format(subject=doc.subject), 13, bold=True)
    y += 7
    if doc.award_note:
        page.lines(y, doc.award_note, 12, 200)
    page.signature(24, 172, labels["director"])
    page.signature(98, 172, labels["chair"])
    page.text(190, labels["date"].format(date=doc.date), 10, x=24, align="left")
    qr_left, qr_top = WIDTH_MM - 24 - QR_MM, 150.0
    page.qr(qr_left, qr_top, qr_modules(doc.link))
    page.text(qr_top + QR_MM + 5, doc.serial, 9.5, bold=True, x=qr_left + QR_MM / 2)
    page.text(
        196,
        labels["check"].format(host=doc.host),
        7.5,
        x=WIDTH_MM - 20,
        align="right",
        colour=(0.3, 0.3, 0.3),
        width=120,
    )


def render(documents: Iterable[Printable], *, language: str = "kk") -> bytes:
    """One PDF, a page per document."""
    register_fonts()
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=landscape(A4), pageCompression=1)
    canvas.setTitle(PDF_TITLE.get(language, PDF_TITLE["kk"]))
    canvas.setCreator("Integrity")
    page = _Page(canvas)
    drew = False
    for doc in documents:
        draw(page, doc)
        canvas.showPage()
        drew = True
    if not drew:
        raise ValueError("nothing to render")
    canvas.save()
    return out.getvalue()
