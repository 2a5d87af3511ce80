"""Reading scanned pages: extract, find the codes, straighten, mask. Pure (no Flask, no SQLAlchemy).

Every function here works on one page at a time, so a 2,000-page PDF never sits in memory whole,
and the work can be spread over processes (see ``read_page``).
"""

from integrity.scans.domain.reader.files import (
    MAX_PAGE_POINTS,
    MAX_PIXELS,
    RENDER_DPI,
    LoadedPage,
    SourceFile,
    UnreadableFile,
    load,
    load_page,
    open_source,
    reopening,
    sniff_kind,
)
from integrity.scans.domain.reader.finding import CodeRead, Reading, dpi_of, find_codes, interpret
from integrity.scans.domain.reader.imaging import (
    MASKED_JPEG_QUALITY,
    mask_codes,
    thumbnail,
    to_jpeg,
    turn_upright,
)
from integrity.scans.domain.reader.pages import PageResult, read_page, result_from_typed

__all__ = [
    "MASKED_JPEG_QUALITY",
    "MAX_PAGE_POINTS",
    "MAX_PIXELS",
    "RENDER_DPI",
    "CodeRead",
    "LoadedPage",
    "PageResult",
    "Reading",
    "SourceFile",
    "UnreadableFile",
    "dpi_of",
    "find_codes",
    "interpret",
    "load",
    "load_page",
    "mask_codes",
    "open_source",
    "read_page",
    "reopening",
    "result_from_typed",
    "sniff_kind",
    "thumbnail",
    "to_jpeg",
    "turn_upright",
]
