"""Ingest: store an upload (``storing``), then read it page by page (``reading``) and give every
booklet's work a fresh cipher (``pages``). The knobs (``reading.CHECKPOINT_EVERY``, ``TASK_PAGES``,
``TASK_SECONDS``, ``default_workers``) live where they are read."""

from integrity.scans.domain import reader
from integrity.scans.services.ingest.pages import IngestReport, PageIngest, PageLine
from integrity.scans.services.ingest.reading import mark_failed, process_upload
from integrity.scans.services.ingest.storing import FILE_PROBLEMS, create_upload, refusal

__all__ = [
    "FILE_PROBLEMS",
    "IngestReport",
    "PageIngest",
    "PageLine",
    "create_upload",
    "mark_failed",
    "process_upload",
    "reader",
    "refusal",
]
