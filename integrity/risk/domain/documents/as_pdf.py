"""The report as a PDF whose every page carries the version, the content hash, the audit chain
head and a QR code linking to the public check page."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from integrity.risk.domain.documents.outline import (
    Block,
    PageBreak,
    Para,
    Seal,
    Table,
    blocks_for,
    fit_widths,
)
from integrity.risk.domain.documents.words import LABELS


def render_pdf(snap: dict[str, Any], lang: str, seal: Seal) -> bytes:
    from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped]
    from reportlab.lib.units import mm  # type: ignore[import-untyped]
    from reportlab.platypus import SimpleDocTemplate  # type: ignore[import-untyped]

    from integrity.scans.domain.kits import register_fonts

    register_fonts()
    t = LABELS[lang]
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm,
                            topMargin=18 * mm, bottomMargin=30 * mm, title=t["title"],
                            author="Integrity")  # fmt: skip
    footer = _footer(seal, t)
    doc.build(_flow(blocks_for(snap, lang, seal), doc.width), onFirstPage=footer,
              onLaterPages=footer)  # fmt: skip
    return out.getvalue()


def _text(value: str) -> str:
    from xml.sax.saxutils import escape

    return escape(value).replace("\n", "<br/>")


CELL_SIZES = (8.0, 7.5, 7.0, 6.5)  # a table's text shrinks before a word would break
CELL_PADDING = 8.0  # the table's own padding (3 pt a side) and a little air


def _flow(blocks: list[Block], width: float) -> list[Any]:
    """The blocks as ReportLab flowables: paragraphs in their styles (a heading kept with what
    follows it), tables whose columns fit their content and repeat their header row on every
    page."""
    from reportlab.lib.units import mm
    from reportlab.platypus import CondPageBreak, KeepTogether, Paragraph, Spacer
    from reportlab.platypus import PageBreak as RLPageBreak

    from integrity.scans.domain.kits import FONT, FONT_BOLD

    flow: list[Any] = []
    soft_from = None  # where the rest of the document is kept together
    for n, block in enumerate(blocks):
        before_table = n + 1 < len(blocks) and isinstance(blocks[n + 1], Table)
        if isinstance(block, PageBreak):
            if block.soft:
                soft_from = len(flow)
                flow.append(Spacer(1, 10 * mm))
            else:
                flow.append(RLPageBreak())
        elif isinstance(block, Para):
            from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped]

            size = 13 if block.heading == 1 else 12 if block.heading == 2 else block.size
            style = ParagraphStyle(
                "p", fontName=FONT_BOLD if block.bold or block.heading else FONT, fontSize=size,
                leading=size * 1.3, alignment={"left": 0, "centre": 1, "right": 2}[block.align],
                spaceBefore=8 if block.heading else 1, spaceAfter=4 if block.heading else 1,
                keepWithNext=block.keep
                or (not before_table and (block.heading or (block.bold and block.align == "left"))),
            )  # fmt: skip
            if before_table:
                # A heading over a table: on a new page when the header and a few rows do not
                # fit under it (kept with the whole table it would leave half a page empty).
                flow.append(CondPageBreak(40 * mm))
            flow.append(Paragraph(_text(block.text), style))
        else:
            # Space as the table's own, so that a heading kept with the next flowable keeps
            # with the table itself.
            table = _table(block, width, FONT, FONT_BOLD)
            table.spaceBefore, table.spaceAfter = 2 * mm, 3 * mm
            flow.append(table)
    if soft_from is not None:
        # On this page when it fits whole, else from the top of the next one.
        flow[soft_from:] = [KeepTogether(flow[soft_from:])]
    return flow


def _table(block: Table, width: float, font: str, bold_font: str) -> Any:
    """A table at the largest text size at which its widest words and dates fit their columns
    whole; only a word wider than the page itself would still break."""
    from reportlab.lib import colors  # type: ignore[import-untyped]
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase.pdfmetrics import stringWidth  # type: ignore[import-untyped]
    from reportlab.platypus import LongTable, Paragraph, TableStyle

    for size in CELL_SIZES:

        def measure(text: str, bold: bool, size: float = size) -> float:
            return float(stringWidth(text, bold_font if bold else font, size))

        widths = fit_widths(block, width, measure, CELL_PADDING)
        if widths is not None:
            break
    else:
        widths = [width / len(block.headers)] * len(block.headers)
    cell = ParagraphStyle("cell", fontName=font, fontSize=size, leading=size * 1.25)
    cell_bold = ParagraphStyle("cellb", parent=cell, fontName=bold_font)
    data = [[Paragraph(_text(h), cell_bold) for h in block.headers]] + [
        [Paragraph(_text(c), cell_bold if i in block.bold_rows else cell) for c in row]
        for i, row in enumerate(block.rows)
    ]
    table = LongTable(data, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.93, 0.95, 0.97)),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]))  # fmt: skip
    return table


def _footer(seal: Seal, t: dict[str, str]) -> Callable[[Any, Any], None]:
    """What every page carries: the version, the hashes, the check link, and its QR code."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm

    from integrity.diplomas.domain.documents import qr_modules
    from integrity.scans.domain.kits import FONT, qr_rects

    matrix = qr_modules(seal.link)

    def footer(canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 6.5)
        canvas.setFillGray(0.3)
        # Short lines, left of the QR code: a draft's warning alone would run into it.
        lines = [
            t["draft"] if seal.version == 0 else t["version"].format(n=seal.version),
            f"{t['hash']}: {seal.sha256}",
            f"{t['head']}: {seal.chain_head}",
            f"{t['check']}: {seal.link}",
            f"{document.page} {t['page']}",
        ]
        for n, line in enumerate(lines):
            canvas.drawString(20 * mm, 22 * mm - n * 2.8 * mm, line)
        side = 20 * mm / len(matrix)
        canvas.setFillGray(0)
        canvas.translate(A4[0] - 20 * mm - 20 * mm, 26 * mm)
        canvas.scale(side, -side)
        rects = " ".join(f"{x} {y} {w} {h} re" for x, y, w, h in qr_rects(matrix))
        canvas.addLiteral(f"n {rects} f")
        canvas.restoreState()

    return footer
