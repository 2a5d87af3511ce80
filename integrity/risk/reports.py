"""Rendering an analysis's report: a signed version as it was signed, or the current draft marked
as unsigned. Reads only."""

from __future__ import annotations

import hashlib
import json

from flask import current_app
from flask_babel import lazy_gettext as _l

from integrity.audit.chain import canonical_json
from integrity.audit.services import chain_head
from integrity.clock import local_today
from integrity.db import AnySession
from integrity.errors import NotFound
from integrity.risk import services
from integrity.risk.domain import documents
from integrity.risk.models import Analysis, ReportVersion
from integrity.settings import settings_of


def check_link(digest: str) -> str:
    host = str(settings_of(current_app).public_host).lower()
    return f"https://{host}/r/{digest}"


def render(
    session: AnySession, analysis: Analysis, *, lang: str, fmt: str, number: int | None = None
) -> bytes:
    version: ReportVersion | None
    if number is not None:
        version = next((v for v in analysis.versions if v.number == number), None)
        if version is None:
            raise NotFound(_l("This analysis has no signed version %(n)d.", n=number))
    else:
        version = analysis.versions[-1] if analysis.versions else None
    if version is not None:
        snap = json.loads(version.content)
        seal = documents.Seal(version.number, version.content_sha256, version.chain_head,
                              check_link(version.content_sha256))  # fmt: skip
    else:
        snap = services.snapshot(analysis, today=local_today(settings_of(current_app).zone))
        digest = hashlib.sha256(canonical_json(snap).encode()).hexdigest()
        seal = documents.Seal(0, digest, chain_head(session)[1], check_link(digest))
    render_ = documents.render_docx if fmt == "docx" else documents.render_pdf
    return render_(snap, lang, seal)
