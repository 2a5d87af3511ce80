"""The analysis's use cases. Services flush and record an audit event; callers commit.

A signed analysis does not change: ``reopen`` (with a reason) makes it a draft again, and signing
it once more freezes a new version, so every signed version stays as it was signed.

``analyses``: making and editing one; ``findings``: its risks and recommendations; ``measuring``:
the indicators; ``signing``: its states and the signed snapshot; ``pages``: what the pages read.
The settings (zone, deadlines, thresholds, organisation) are passed in.
"""

from integrity.risk.services.analyses import (
    create,
    matrix,
    set_members,
    set_positions,
    set_sources,
    set_texts,
)
from integrity.risk.services.findings import (
    FINDING_FIELDS,
    close_finding,
    dismiss_finding,
    save_finding,
    save_recommendation,
)
from integrity.risk.services.measuring import (
    compute,
    measure,
    measure_with_facts,
    thresholds_overrides,
)
from integrity.risk.services.pages import (
    AnalysisPage,
    Dashboard,
    IndicatorPage,
    analysis_page,
    dashboard,
    history,
    indicator_page,
)
from integrity.risk.services.signing import (
    SNAPSHOT_FORMAT,
    number,
    previous_readings,
    publish,
    published_heads,
    reopen,
    sign,
    snapshot,
    submit_for_review,
    version_by_hash,
)

__all__ = [
    "FINDING_FIELDS",
    "SNAPSHOT_FORMAT",
    "AnalysisPage",
    "Dashboard",
    "IndicatorPage",
    "analysis_page",
    "close_finding",
    "compute",
    "create",
    "dashboard",
    "dismiss_finding",
    "history",
    "indicator_page",
    "matrix",
    "measure",
    "measure_with_facts",
    "number",
    "previous_readings",
    "publish",
    "published_heads",
    "reopen",
    "save_finding",
    "save_recommendation",
    "set_members",
    "set_positions",
    "set_sources",
    "set_texts",
    "sign",
    "snapshot",
    "submit_for_review",
    "thresholds_overrides",
    "version_by_hash",
]
