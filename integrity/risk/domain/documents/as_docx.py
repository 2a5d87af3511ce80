"""The report as an editable DOCX, for the official signature."""

from __future__ import annotations

import io
from typing import Any

from integrity.risk.domain.documents.outline import (
    PageBreak,
    Para,
    Seal,
    blocks_for,
    fit_widths,
    seal_line,
)
from integrity.risk.domain.documents.words import LABELS


def _estimate(text: str, bold: bool) -> float:
    """A text's width in millimetres at 11 pt, near enough for Word to lay the table out."""
    return len(text) * (2.1 if bold else 1.95)


def render_docx(snap: dict[str, Any], lang: str, seal: Seal) -> bytes:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin = section.bottom_margin = Mm(18)
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(11)
    aligns = {"left": WD_ALIGN_PARAGRAPH.LEFT, "right": WD_ALIGN_PARAGRAPH.RIGHT,
              "centre": WD_ALIGN_PARAGRAPH.CENTER}  # fmt: skip
    width = 170.0
    for block in blocks_for(snap, lang, seal):
        if isinstance(block, PageBreak):
            document.add_page_break()  # type: ignore[no-untyped-call]
        elif isinstance(block, Para):
            if block.heading:
                p = document.add_heading(block.text, level=block.heading)
            else:
                p = document.add_paragraph()
                run = p.add_run(block.text)
                run.bold = block.bold
                run.font.size = Pt(block.size)
            p.alignment = aligns[block.align]
        else:
            table = document.add_table(rows=1, cols=len(block.headers))
            table.style = "Table Grid"
            for cell, header in zip(table.rows[0].cells, block.headers, strict=True):
                cell.text = header
                for run in cell.paragraphs[0].runs:
                    run.bold = True
            for index, row in enumerate(block.rows):
                cells = table.add_row().cells
                for cell, text in zip(cells, row, strict=True):
                    cell.text = text
                    if index in block.bold_rows:
                        for run in cell.paragraphs[0].runs:
                            run.bold = True
            widths = fit_widths(block, width, _estimate, 2.5) or [width / len(block.headers)] * len(
                block.headers
            )
            for column, mm in zip(table.columns, widths, strict=True):
                for cell in column.cells:
                    cell.width = Mm(mm)
    footer = section.footer.paragraphs[0]
    footer.text = f"{seal_line(seal, lang)} · {LABELS[lang]['check']}: {seal.link}"
    for run in footer.runs:
        run.font.size = Pt(7)
    out = io.BytesIO()
    document.core_properties.title = LABELS[lang]["title"]
    document.save(out)
    return out.getvalue()
