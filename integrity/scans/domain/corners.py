"""The code corners of a scanned page, cut out large for a person who types the printed digits.

A page in the queue is shown as scanned: it may be upside down or turned a quarter, so the four
corners of the image are candidates, each the size of the area a juror's copy masks (the QR with
the digits printed beside it, and a margin for a shifted scan). A corner with no ink (the staple
corner) is left out. Pure: Pillow only.
"""

from __future__ import annotations

import io

from PIL import Image

from integrity.scans.domain.layout import MASK_HEIGHT_MM, MASK_WIDTH_MM, PAGE_WIDTH_MM, Corner

CORNER_JPEG_QUALITY = 88
# A corner counts as printed when this share of it is dark (the QR alone covers about a tenth).
_INK_SHARE = 0.01
_DARK = 128


def corner_box(corner: Corner, width: int, height: int) -> tuple[int, int, int, int]:
    """The pixel box (left, top, right, bottom) of ``corner`` in a page image of this size.

    A landscape image is a page turned a quarter: the box turns with it."""
    portrait = width <= height
    scale = (width if portrait else height) / PAGE_WIDTH_MM
    box_w = round((MASK_WIDTH_MM if portrait else MASK_HEIGHT_MM) * scale)
    box_h = round((MASK_HEIGHT_MM if portrait else MASK_WIDTH_MM) * scale)
    box_w, box_h = min(box_w, width), min(box_h, height)
    left = 0 if corner in (Corner.TOP_LEFT, Corner.BOTTOM_LEFT) else width - box_w
    top = 0 if corner in (Corner.TOP_LEFT, Corner.TOP_RIGHT) else height - box_h
    return left, top, left + box_w, top + box_h


def _open(jpeg: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(jpeg))
    return image.convert("L") if image.mode != "L" else image


def inked_corners(jpeg: bytes) -> list[Corner]:
    """The corners of the page image that carry print, in the order of ``Corner``; all four
    when none does (a blank or blackened scan: the person looks for themselves)."""
    image = Image.open(io.BytesIO(jpeg))
    image.draft("L", (image.width // 4, image.height // 4))  # a JPEG decodes at a quarter: fast
    small = image.convert("L") if image.mode != "L" else image
    found = []
    for corner in Corner:
        histogram = small.crop(corner_box(corner, small.width, small.height)).histogram()
        if sum(histogram[:_DARK]) >= _INK_SHARE * max(1, sum(histogram)):
            found.append(corner)
    return found or list(Corner)


def corner_jpeg(jpeg: bytes, corner: Corner) -> bytes:
    """``corner`` of the page image, at the scan's own resolution (nothing is lost to scaling)."""
    image = _open(jpeg)
    buffer = io.BytesIO()
    image.crop(corner_box(corner, image.width, image.height)).save(
        buffer, "JPEG", quality=CORNER_JPEG_QUALITY
    )
    return buffer.getvalue()
