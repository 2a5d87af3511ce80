"""The report as a PDF whose every page carries the version, the content hash, the audit chain
head and a QR code linking to the public check page."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from integrity.risk.domain.documents.outline import Block, PageBreak, Para, Seal, blocks_for
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


def _flow(blocks: list[Block], width: float) -> list[Any]:
    """The blocks as ReportLab flowables: paragraphs in their styles, tables that repeat their
    header row on every page."""
    from reportlab.lib import colors  # type: ignore[import-untyped]
    from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped]
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        LongTable,
        Paragraph,
        Spacer,
        TableStyle,
    )
    from reportlab.platypus import (
        PageBreak as RLPageBreak,
    )

    from integrity.scans.domain.kits import FONT, FONT_BOLD

    aligns = {"left": 0, "centre": 1, "right": 2}
    cell = ParagraphStyle("cell", fontName=FONT, fontSize=8, leading=10)
    cell_bold = ParagraphStyle("cellb", parent=cell, fontName=FONT_BOLD)
    flow: list[Any] = []
    for block in blocks:
        if isinstance(block, PageBreak):
            flow.append(RLPageBreak())
        elif isinstance(block, Para):
            size = 13 if block.heading == 1 else 12 if block.heading == 2 else block.size
            style = ParagraphStyle(
                "p", fontName=FONT_BOLD if block.bold or block.heading else FONT, fontSize=size,
                leading=size * 1.3, alignment=aligns[block.align],
                spaceBefore=8 if block.heading else 1, spaceAfter=4 if block.heading else 1,
            )  # fmt: skip
            flow.append(Paragraph(_text(block.text), style))
        else:
            data = [[Paragraph(_text(h), cell_bold) for h in block.headers]] + [
                [Paragraph(_text(c), cell_bold if i in block.bold_rows else cell) for c in row]
                for i, row in enumerate(block.rows)
            ]
            table = LongTable(data, colWidths=[width * s for s in block.widths], repeatRows=1)
            table.setStyle(TableStyle([
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.93, 0.95, 0.97)),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]))  # fmt: skip
            flow += [Spacer(1, 2 * mm), table, Spacer(1, 3 * mm)]
    return flow


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
