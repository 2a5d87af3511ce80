"""Protocols: build from reconciled scores, freeze (hash and chain head), publish, close appeals,
name once unsealed; the public rendering; exports and checks. Flush and audit only.

The ciphered protocol shows cipher, score per task, total, rank and provisional award. Its content
is canonical JSON; freezing stores its SHA-256 and the audit chain head of that moment. The use
cases live in the modules below by topic (``content``, ``lifecycle``, ``public``, ``records``);
``appeals`` and ``unsealing`` are imported by name, as they stand on these.
"""

from __future__ import annotations

from integrity.protocols.services.content import (
    FORMAT,
    build_ciphered,
    build_named,
    canonical,
    effective_scores,
    grades_of,
    protocols_of,
)
from integrity.protocols.services.lifecycle import (
    advance_freeze,
    advance_grades,
    advance_publish,
    close_appeals,
    freeze,
    freeze_final,
    mark_unsealed,
    new_version,
    publish,
    publish_final,
    set_policy,
)
from integrity.protocols.services.public import (
    PERSONAL,
    latest_rendering,
    public_content,
    public_sha256,
    refresh_public_renderings,
    store_public_rendering,
)
from integrity.protocols.services.records import (
    VersionCheck,
    check_versions,
    csv_rows,
    document,
    published_heads,
    published_protocols,
)

__all__ = [
    "FORMAT",
    "PERSONAL",
    "VersionCheck",
    "advance_freeze",
    "advance_grades",
    "advance_publish",
    "build_ciphered",
    "build_named",
    "canonical",
    "check_versions",
    "close_appeals",
    "csv_rows",
    "document",
    "effective_scores",
    "freeze",
    "freeze_final",
    "grades_of",
    "latest_rendering",
    "mark_unsealed",
    "new_version",
    "protocols_of",
    "public_content",
    "public_sha256",
    "publish",
    "publish_final",
    "published_heads",
    "published_protocols",
    "refresh_public_renderings",
    "set_policy",
    "store_public_rendering",
]
