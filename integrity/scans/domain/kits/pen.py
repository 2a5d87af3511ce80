"""What every PDF of the platform draws with: its fonts, vector QR codes, and a reportlab canvas
addressed in mm from the page's top-left corner (kits, protocols, diplomas and risk reports share
it). Pure: reportlab and qrcode only.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

import qrcode
import qrcode.constants
from reportlab import rl_config  # type: ignore[import-untyped]
from reportlab.lib.utils import simpleSplit  # type: ignore[import-untyped]
from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped]
from reportlab.pdfbase.ttfonts import TTFont  # type: ignore[import-untyped]
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]

from integrity.scans.domain.codes import CodeType, PagePayload, encode_payload, format_payload
from integrity.scans.domain.layout import (
    ANSWER_AREA,
    MARGIN_MM,
    PAGE_HEIGHT_MM,
    PAGE_WIDTH_MM,
    PRINTED_CORNERS,
    QR_MODULE_MM,
    QR_MODULES,
    QR_QUIET_MODULES,
    TEXT_SIZE_PT,
    Box,
    qr_box,
    text_anchor,
)

FONT = "IntegrityDejaVuSans"
FONT_BOLD = "IntegrityDejaVuSans-Bold"
_FONT_DIR = Path(__file__).resolve().parents[3] / "assets" / "fonts"

PT_PER_MM = 72 / 25.4
RULE_GREY = 200 / 255  # #c8c8c8: plain to a writer, never mistaken for ink
RULE_SPACING_MM = 8.0
LABEL_GREY = 0.35
CENTRE_MM = PAGE_WIDTH_MM / 2
CONTENT_LEFT_MM = MARGIN_MM + 6
CONTENT_WIDTH_MM = PAGE_WIDTH_MM - 2 * CONTENT_LEFT_MM
QUIET_MM = QR_QUIET_MODULES * QR_MODULE_MM

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


def text_width(text: str, font: str, size: float) -> float:
    """Width of ``text`` in mm."""
    return float(pdfmetrics.stringWidth(text, font, size)) / PT_PER_MM


def fit(
    text: str, font: str, size: float, width: float, max_lines: int = 1, min_size: float = 7.0
) -> tuple[float, list[str]]:
    """The largest size (down to ``min_size``) at which ``text`` fits ``max_lines`` lines."""
    while True:
        lines: list[str] = simpleSplit(text, font, size, width * PT_PER_MM) or [""]
        if len(lines) <= max_lines and all(text_width(ln, font, size) <= width for ln in lines):
            return size, lines
        if size - 0.5 < min_size:
            break
        size -= 0.5
    kept = lines[:max_lines]
    last = kept[-1]
    while last and text_width(last + "…", font, size) > width:
        last = last[:-1]
    return size, [*kept[:-1], last.rstrip() + "…"]


class Pen:
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
        size, fitted = fit(text, font, size, width, lines)
        for line in fitted:
            self.text(x, y, line, size, font, align)
            y += size * 1.3 / PT_PER_MM
        return y

    def segments(self, y: float, parts: Sequence[tuple[str, str]], size: float) -> None:
        """One centred line of (text, font) pieces, shrunk to the answer area's width."""
        while size > 6 and sum(text_width(t, f, size) for t, f in parts) > ANSWER_AREA.width:
            size -= 0.5
        x = CENTRE_MM - sum(text_width(t, f, size) for t, f in parts) / 2
        for text, font in parts:
            self.text(x, y, text, size, font)
            x += text_width(text, font, size)

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
