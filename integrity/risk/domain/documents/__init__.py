"""The analytical report (талдамалық анықтама) as DOCX and PDF, in Kazakh or Russian. Pure: the
signed snapshot in, bytes out.

One outline (a list of blocks) is built from the snapshot and written twice: as an editable DOCX
for the official signature, and as a PDF whose every page carries the version, the content hash,
the audit chain head and a QR code linking to the public check page. The order of the sections is
the model rules' form, as the centre's own 2025 report follows it.
"""

from integrity.risk.domain.documents.as_docx import render_docx
from integrity.risk.domain.documents.as_pdf import render_pdf
from integrity.risk.domain.documents.outline import (
    Block,
    PageBreak,
    Para,
    Seal,
    Table,
    blocks_for,
    fit_widths,
    outline,
)
from integrity.risk.domain.documents.words import LABELS

__all__ = [
    "LABELS",
    "Block",
    "PageBreak",
    "Para",
    "Seal",
    "Table",
    "blocks_for",
    "fit_widths",
    "outline",
    "render_docx",
    "render_pdf",
]
