"""Answer-sheet kits as one printable PDF (``sheets``), drawn with the platform's pen, fonts and
vector QR codes (``pen``, which the other areas' documents share)."""

from __future__ import annotations

from integrity.scans.domain.kits.pen import FONT, FONT_BOLD, qr_matrix, qr_rects, register_fonts
from integrity.scans.domain.kits.sheets import (
    PDF_TITLE,
    ExtraSheetSpec,
    KitHeader,
    KitSpec,
    render_kits,
)
from integrity.scans.domain.layout import BOOKLET_BOX

__all__ = [
    "BOOKLET_BOX",
    "FONT",
    "FONT_BOLD",
    "PDF_TITLE",
    "ExtraSheetSpec",
    "KitHeader",
    "KitSpec",
    "qr_matrix",
    "qr_rects",
    "register_fonts",
    "render_kits",
]
