"""The code corners of a queued page, cut out for a person who types the printed digits."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from integrity.errors import Conflict, NotFound
from integrity.scans.domain.corners import corner_jpeg, inked_corners
from integrity.scans.domain.layout import Corner
from integrity.scans.models import PageStatus, ScanPage
from integrity.scans.services.queue import queue_image
from integrity.settings import Settings

# Pages shown as scanned (their codes unmasked): a person reads the digits off them.
AS_SCANNED = (PageStatus.UNREADABLE, PageStatus.EXTRA)


def has_corners(page: ScanPage) -> bool:
    return page.status in AS_SCANNED and page.image_sha256 is not None


def code_corners(page: ScanPage, settings: Settings) -> list[int]:
    """The corners of the page's image that carry print (none for a page shown masked)."""
    if not has_corners(page):
        return []
    return [int(c) for c in inked_corners(queue_image(page, settings))]


def corner_image(page: ScanPage, corner: int, settings: Settings) -> bytes:
    if corner not in {int(c) for c in Corner}:
        raise NotFound(_l("No such corner."))
    if not has_corners(page):
        raise Conflict(_l("This page has no image to show."))
    return corner_jpeg(queue_image(page, settings), Corner(corner))
