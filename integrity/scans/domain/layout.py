"""Where things are printed on a kit page, in millimetres from the top-left of an A4 portrait page.

The kit renderer draws to these numbers and the scan reader masks by them, so they live in one
place. Pure.

The staple corner (top left) is left free; each page carries the same code in the three other
corners, so a page that is stapled, torn or smudged in one corner still identifies itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

PAGE_WIDTH_MM = 210.0
PAGE_HEIGHT_MM = 297.0
MARGIN_MM = 8.0

# QR: version 1 (21 modules) at error correction Q holds the 19-digit payload.
QR_MODULE_MM = 0.75
QR_MODULES = 21
QR_QUIET_MODULES = 4
QR_SIZE_MM = QR_MODULE_MM * QR_MODULES  # 15.75 mm of black and white modules
QR_BLOCK_MM = QR_MODULE_MM * (QR_MODULES + 2 * QR_QUIET_MODULES)  # with its quiet zone
TEXT_GAP_MM = 1.5
TEXT_SIZE_PT = 7.0


class Corner(IntEnum):
    TOP_LEFT = 1
    TOP_RIGHT = 2
    BOTTOM_RIGHT = 3
    BOTTOM_LEFT = 4


PRINTED_CORNERS = (Corner.TOP_RIGHT, Corner.BOTTOM_RIGHT, Corner.BOTTOM_LEFT)


@dataclass(frozen=True)
class Box:
    """A rectangle: left, top, width, height in mm (top-left origin)."""

    left: float
    top: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.left + self.width

    @property
    def bottom(self) -> float:
        return self.top + self.height


# The cover sheet's tear-off stub (the appeal access code) is the band below this line; the
# cover's two lower codes sit just above it, so the cover still identifies itself once torn.
COVER_TEAR_Y_MM = 222.0


def qr_box(corner: Corner, *, cover: bool = False) -> Box:
    """The QR symbol (modules only, without quiet zone) printed in ``corner``."""
    left = (
        MARGIN_MM
        if corner in (Corner.TOP_LEFT, Corner.BOTTOM_LEFT)
        else PAGE_WIDTH_MM - MARGIN_MM - QR_SIZE_MM
    )
    bottom_edge = COVER_TEAR_Y_MM - 4.0 if cover else PAGE_HEIGHT_MM - MARGIN_MM
    top = MARGIN_MM if corner in (Corner.TOP_LEFT, Corner.TOP_RIGHT) else bottom_edge - QR_SIZE_MM
    return Box(left, top, QR_SIZE_MM, QR_SIZE_MM)


def text_anchor(corner: Corner, *, cover: bool = False) -> tuple[float, float, str]:
    """Where the printed payload text goes beside the QR: (x, baseline y, alignment).

    Beside the QR towards the middle of the page, on the QR's middle line.
    """
    box = qr_box(corner, cover=cover)
    y = box.top + box.height / 2 + TEXT_SIZE_PT * 0.35278 / 3
    if corner in (Corner.TOP_RIGHT, Corner.BOTTOM_RIGHT):
        return box.left - TEXT_GAP_MM - QR_QUIET_MODULES * QR_MODULE_MM, y, "right"
    return box.right + TEXT_GAP_MM + QR_QUIET_MODULES * QR_MODULE_MM, y, "left"


# What a juror must never see: each code corner, generously (a scan shifts a few mm and turns
# up to a few degrees), wide enough for the printed text beside the QR.
MASK_WIDTH_MM = 78.0
MASK_HEIGHT_MM = 30.0


def mask_box(corner: Corner) -> Box:
    left = 0.0 if corner in (Corner.TOP_LEFT, Corner.BOTTOM_LEFT) else PAGE_WIDTH_MM - MASK_WIDTH_MM
    top = 0.0 if corner in (Corner.TOP_LEFT, Corner.TOP_RIGHT) else PAGE_HEIGHT_MM - MASK_HEIGHT_MM
    return Box(left, top, MASK_WIDTH_MM, MASK_HEIGHT_MM)


# The answer area of an answer page, below the header line, clear of the code corners.
ANSWER_AREA = Box(
    MARGIN_MM + 4, 36.0, PAGE_WIDTH_MM - 2 * (MARGIN_MM + 4), PAGE_HEIGHT_MM - 36.0 - 34.0
)


# On an extra-answer sheet, where the invigilator writes the booklet's serial. A person reads it to
# attach the sheet; a juror's copy masks it (a serial is nobody's business on the jury side).
BOOKLET_BOX = Box(22.0, 9.0, 62.0, 18.0)
