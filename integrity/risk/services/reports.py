"""Rendering an analysis's report: a signed version as it was signed, or the current draft marked
as unsigned. Reads only; the public host, the zone and the organisation come in with the
settings."""

from __future__ import annotations

import hashlib
import json

from flask_babel import lazy_gettext as _l

from integrity.audit.domain.chain import canonical_json
from integrity.audit.services import chain_head
from integrity.clock import local_today
from integrity.config import DEFAULT_PUBLIC_HOST
from integrity.db import AnySession
from integrity.diplomas.services.rendering import placeholder_host
from integrity.errors import Conflict, NotFound
from integrity.risk import services
from integrity.risk.domain import documents
from integrity.risk.models import Analysis, ReportVersion
from integrity.settings import Settings


def check_link(host: str, digest: str) -> str:
    """The public check page of a report (``host``: ``Settings.host``)."""
    base = host.rstrip("/") if "://" in host else f"https://{host}"  # the demo's is http://…
    return f"{base}/r/{digest}"


def render(
    session: AnySession,
    analysis: Analysis,
    *,
    settings: Settings,
    lang: str,
    fmt: str,
    number: int | None = None,
) -> bytes:
    if placeholder_host(settings):  # its QR code would lead nowhere, as a diploma's would
        raise Conflict(
            _l("Reports are not printed while PUBLIC_HOST is the built-in default (%(host)s): "
               "their QR codes would lead nowhere. Set INTEGRITY_PUBLIC_HOST (or public_host in "
               "integrity.toml) to the address of this site's public pages.",
               host=DEFAULT_PUBLIC_HOST),
            code="placeholder_host",
        )  # fmt: skip
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
                              check_link(settings.host, version.content_sha256))  # fmt: skip
    else:
        snap = services.snapshot(analysis, today=local_today(settings.zone), settings=settings)
        digest = hashlib.sha256(canonical_json(snap).encode()).hexdigest()
        seal = documents.Seal(0, digest, chain_head(session)[1], check_link(settings.host, digest))
    render_ = documents.render_docx if fmt == "docx" else documents.render_pdf
    return render_(snap, lang, seal)
