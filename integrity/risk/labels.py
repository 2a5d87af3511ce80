"""The words for the risk area's lights, states and kinds on its pages, in one place. (The printed
report has its own Kazakh and Russian wording: ``risk.domain.documents.words``.)"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from integrity.risk.models import AnalysisState, RecommendationStatus

LIGHT_NAMES = {
    "green": _l("green"),
    "amber": _l("amber"),
    "red": _l("red"),
    "none": _l("no data"),
    "few": _l("too few to judge"),
    "info": _l("for information"),
}
UNIT_NAMES = {"%": _l("per cent of the whole"), "count": _l("a count")}
STATE_NAMES = {
    AnalysisState.DRAFT: _l("draft"),
    AnalysisState.IN_REVIEW: _l("in review"),
    AnalysisState.SIGNED: _l("signed"),
    AnalysisState.PUBLISHED: _l("published"),
}
STATUS_NAMES = {
    RecommendationStatus.PLANNED: _l("planned"),
    RecommendationStatus.IN_PROGRESS: _l("in progress"),
    RecommendationStatus.DONE: _l("done"),
}
LEVEL_NAMES = {"low": _l("low"), "medium": _l("medium"), "high": _l("high")}
ROLE_NAMES = {"chair": _l("chair"), "member": _l("member"), "secretary": _l("secretary")}
