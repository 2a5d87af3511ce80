"""Straightening and masking a page, and keeping it as a plain JPEG."""

from __future__ import annotations

import io
import math
from collections.abc import Sequence

from PIL import Image, ImageDraw

from integrity.scans.domain.layout import (
    PAGE_HEIGHT_MM,
    PAGE_WIDTH_MM,
    PRINTED_CORNERS,
    Box,
    mask_box,
)

MASKED_JPEG_QUALITY = 82
# Counter-clockwise quarter turns, exact (no resampling).
_QUARTER_TURNS = {
    1: Image.Transpose.ROTATE_90,
    2: Image.Transpose.ROTATE_180,
    3: Image.Transpose.ROTATE_270,
}


def turn_upright(image: Image.Image, rotation: float) -> tuple[Image.Image, float]:
    """Undo whole quarter turns exactly (no resampling); return the image and the skew left over.

    The skew of a few degrees is left in the pixels: resampling a 200-dpi page costs more than
    everything else a page needs, and a juror reads a page turned by 2° as easily as the paper.
    """
    quarter = round(rotation / 90) % 4
    residual = rotation - round(rotation / 90) * 90
    if quarter:
        image = image.transpose(_QUARTER_TURNS[quarter])
    return image, residual


def mask_codes(
    image: Image.Image, skew: float = 0.0, *, extra: Sequence[Box] = (), in_place: bool = False
) -> Image.Image:
    """Paint over every code corner and the text beside it, following the page's skew, so that
    what a juror sees holds no code (a test runs the reader over every masked page to check)."""
    masked = image if in_place else image.copy()
    draw = ImageDraw.Draw(masked)
    scale_x = masked.width / PAGE_WIDTH_MM
    scale_y = masked.height / PAGE_HEIGHT_MM
    cx, cy = masked.width / 2, masked.height / 2
    cos_a, sin_a = math.cos(math.radians(skew)), math.sin(math.radians(skew))

    def place(x_mm: float, y_mm: float) -> tuple[float, float]:
        dx, dy = x_mm * scale_x - cx, y_mm * scale_y - cy
        return cx + cos_a * dx - sin_a * dy, cy + sin_a * dx + cos_a * dy

    for box in extra:
        draw.polygon(
            [
                place(box.left - 3, box.top - 3),
                place(box.right + 3, box.top - 3),
                place(box.right + 3, box.bottom + 3),
                place(box.left - 3, box.bottom + 3),
            ],
            fill=245,
        )
    for corner in PRINTED_CORNERS:
        box = mask_box(corner)
        # Grow the box past the page edge, so a turned page leaves no sliver of code uncovered.
        left = box.left - (8 if box.left == 0 else 0)
        right = box.right + (8 if box.right >= PAGE_WIDTH_MM else 0)
        top = box.top - (8 if box.top == 0 else 0)
        bottom = box.bottom + (8 if box.bottom >= PAGE_HEIGHT_MM else 0)
        corners = [place(left, top), place(right, top), place(right, bottom), place(left, bottom)]
        draw.polygon(corners, fill=245)
    return masked


def to_jpeg(image: Image.Image, quality: int = MASKED_JPEG_QUALITY) -> bytes:
    """Plain JPEG bytes: no EXIF, no comment, no file name: pixels only. (Pillow carries a source
    JPEG's comment over unless told otherwise, and scanners write user and job names there.)"""
    buffer = io.BytesIO()
    image.save(
        buffer, "JPEG", quality=quality, optimize=False, progressive=False, comment=b"", exif=b""
    )
    return buffer.getvalue()


def thumbnail(jpeg: bytes, width: int) -> bytes:
    """A smaller JPEG of a page, at most ``width`` wide (and twice that high), for a list."""
    image = Image.open(io.BytesIO(jpeg))
    image.thumbnail((width, width * 2))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()
