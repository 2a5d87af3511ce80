"""The words for the diplomas area's kinds and states, in one place (pages and forms alike)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from integrity.diplomas.models import AnnulKind, BatchState, DocumentStatus

TYPE_NAMES = {
    "D1": _l("Diploma of the I degree"),
    "D2": _l("Diploma of the II degree"),
    "D3": _l("Diploma of the III degree"),
    "CP": _l("Certificate of participation"),
    "AH": _l("Letter of commendation"),
    "SP": _l("Special prize"),
}
# What one person may issue alone, in the form's order: degree diplomas (D1–D3) come only from a
# protocol's approved batch.
INDIVIDUAL_TYPE_CODES = ("AH", "SP", "CP")
BATCH_STATES = {
    BatchState.REQUESTED: _l("waiting for approval"),
    BatchState.REJECTED: _l("rejected"),
    BatchState.APPROVED: _l("issued, PDFs being made"),
    BatchState.DONE: _l("issued, PDFs ready"),
    BatchState.FAILED: _l("PDFs failed"),
}
STATUS_NAMES = {
    DocumentStatus.VALID: _l("valid"),
    DocumentStatus.SUSPENDED: _l("suspended"),
    DocumentStatus.ANNULLED: _l("annulled"),
    DocumentStatus.SUPERSEDED: _l("superseded"),
}
# Why a document is annulled, as staff choose it (the public page says it in sentences).
ANNUL_KIND_NAMES = {
    AnnulKind.ERROR: _l("issued in error"),
    AnnulKind.REISSUED: _l("re-issued: another document replaces it"),
    AnnulKind.REVOKED: _l("revoked: the award is withdrawn"),
}
# A document's language, in its own words (not translated).
LANGUAGE_NAMES = {"kk": "Қазақша", "ru": "Русский"}
