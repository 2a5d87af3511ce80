"""The code corners of a scanned page cut out for a person: where each is, and which carry print."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

from integrity.scans.domain.corners import corner_box, corner_jpeg, inked_corners
from integrity.scans.domain.layout import Corner

A4_200DPI = (1654, 2339)


def _page(inked: list[Corner], size: tuple[int, int] = A4_200DPI) -> bytes:
    image = Image.new("L", size, 255)
    draw = ImageDraw.Draw(image)
    for corner in inked:
        left, top, _right, _bottom = corner_box(corner, *size)
        draw.rectangle((left + 60, top + 60, left + 180, top + 180), fill=0)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG")
    return buffer.getvalue()


def test_a_corner_box_is_the_masked_area_scaled_to_the_scan_and_turns_with_a_landscape_page() -> (
    None
):
    # 78 x 30 mm at 200 dpi (7.88 px a mm), in the top right corner of a portrait page.
    assert corner_box(Corner.TOP_RIGHT, *A4_200DPI) == (1654 - 614, 0, 1654, 236)
    assert corner_box(Corner.BOTTOM_LEFT, *A4_200DPI) == (0, 2339 - 236, 614, 2339)
    # A page turned a quarter: the same area, standing.
    assert corner_box(Corner.TOP_LEFT, 2339, 1654) == (0, 0, 236, 614)


def test_only_the_corners_with_print_are_offered_and_a_blank_page_offers_all() -> None:
    printed = [Corner.TOP_RIGHT, Corner.BOTTOM_RIGHT, Corner.BOTTOM_LEFT]
    assert inked_corners(_page(printed)) == printed
    assert inked_corners(_page([])) == list(Corner)


def test_a_corner_is_cut_at_the_scans_own_resolution() -> None:
    cut = Image.open(io.BytesIO(corner_jpeg(_page([Corner.TOP_RIGHT]), Corner.TOP_RIGHT)))
    assert cut.size == (614, 236)
