"""The director's dashboard, the working group's analysis pages, the report downloads, and the
public check page of a signed report."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response

from integrity.accounts.domain import Role
from integrity.clock import local_today
from integrity.errors import InvalidInput
from integrity.extensions import db
from integrity.risk import domain, reports, services
from integrity.risk.domain import indicators
from integrity.risk.labels import LEVEL_NAMES, LIGHT_NAMES, ROLE_NAMES, STATE_NAMES, STATUS_NAMES
from integrity.risk.models import (
    Analysis,
    AnalysisState,
    Finding,
    FindingStatus,
    Recommendation,
    RecommendationStatus,
)
from integrity.settings import Settings, settings_of
from integrity.web import select_locale
from integrity.web.access import public, roles
from integrity.web.forms import acting, perform

bp = Blueprint("risk", __name__, url_prefix="/risk")
check_bp = Blueprint("report_check", __name__)

# The analysis is an internal document until published: observers (parents' committees, the
# press) see a report's public check, not the working group's drafts.
READERS = (Role.ADMIN, Role.DIRECTOR, Role.ORGANISER, Role.CHAIR)
EDITORS = (Role.ADMIN, Role.DIRECTOR, Role.ORGANISER)  # the working group's secretary and members
SIGNERS = (Role.ADMIN, Role.DIRECTOR)


def _settings() -> Settings:
    return settings_of(current_app)


def _today() -> dt.date:
    return local_today(_settings().zone)


def _year() -> tuple[dt.date, dt.date]:
    today = _today()
    return dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)


@bp.route("/")
@roles(*READERS)
def dashboard() -> str:
    page = services.dashboard(db.session, _settings(), today=_today(), locale=select_locale())
    return render_template(
        "risk/dashboard.html",
        **page.context(),
        light_names=LIGHT_NAMES,
        status_names=STATUS_NAMES,
        state_names=STATE_NAMES,
    )


@bp.route("/indicators/<string:code>")
@roles(*READERS)
def indicator(code: str) -> str:
    found = indicators.BY_CODE.get(code) or abort(404)
    start, end = _year()
    measured = services.measure(db.session, start, end, _settings())
    (reading,) = [r for r in measured if r.indicator.code == code]
    history = [
        (a, next((r for r in a.readings if r.code == code), None))
        for a in services.history(db.session, limit=10)
    ]
    return render_template(
        "risk/indicator.html",
        indicator=found,
        reading=reading,
        history=history,
        period=(start, end),
        light_names=LIGHT_NAMES,
    )


@bp.route("/analyses")
@roles(*READERS)
def analyses() -> str:
    return render_template(
        "risk/analyses.html",
        analyses=list(reversed(services.history(db.session, limit=50))),
        state_names=STATE_NAMES,
        can_edit=current_user.has_role(*EDITORS),
        year=_year(),
    )


@bp.route("/analyses", methods=["POST"])
@roles(*EDITORS)
def new_analysis() -> Response:
    made: list[Analysis] = []
    form = request.form

    def create() -> None:
        try:
            start = dt.date.fromisoformat(form.get("period_start", ""))
            end = dt.date.fromisoformat(form.get("period_end", ""))
        except ValueError:
            raise InvalidInput(_l("Dates are written YYYY-MM-DD."), field="period") from None
        previous = db.session.get(Analysis, int(form["previous"])) if form.get("previous") else None
        made.append(services.create(db.session, actor=acting(), period_start=start,
                                    period_end=end, order_number=form.get("order_number", ""),
                                    previous=previous))  # fmt: skip

    if perform(None, create):
        flash(_("The analysis is started."), "success")
        return redirect(url_for(".analysis", analysis_id=made[0].id))
    return redirect(url_for(".analyses"))


def _lines(text: str, parts: int) -> list[tuple[str, ...]]:
    rows = []
    for line in text.splitlines():
        if line.strip():
            cells = [c.strip() for c in line.split("|")]
            rows.append(tuple((cells + [""] * parts)[:parts]))
    return rows


def _date_field(form: Any, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(form.get(name, ""))
    except ValueError:
        raise InvalidInput(_l("Dates are written YYYY-MM-DD."), field=name) from None


def _status_field(form: Any) -> RecommendationStatus:
    try:
        return RecommendationStatus(form.get("status", "planned"))
    except ValueError:
        raise InvalidInput(_l("No such status."), field="status") from None


SCALES = ("direction", "likelihood", "impact", "likelihood_after", "impact_after")


def _finding_fields(form: Any) -> dict[str, Any]:
    """The finding's fields from the form: numbers as numbers, an empty "after" as none."""
    fields: dict[str, Any] = {}
    for key in services.FINDING_FIELDS:
        if key not in form:
            continue
        value = form[key].strip()
        if key in SCALES:
            fields[key] = int(value) if value.isdigit() else None
        else:
            fields[key] = value
    return fields


def _post(analysis: Analysis) -> None:
    """One form a request: ``action`` says which."""
    form, actor, session, settings = request.form, acting(), db.session, _settings()
    action = form.get("action", "")
    finding = session.get(Finding, int(form["finding_id"])) if form.get("finding_id") else None
    if finding is not None and finding.analysis_id != analysis.id:
        abort(404)
    steps: dict[str, Any] = {
        "compute": lambda: services.compute(session, actor=actor, settings=settings,
                                            analysis=analysis),
        "review": lambda: services.submit_for_review(session, actor=actor, analysis=analysis),
        "reopen": lambda: services.reopen(session, actor=actor, analysis=analysis,
                                          reason=form.get("reason", "")),
        "close": lambda: services.close_finding(session, actor=actor, finding=finding or abort(404),
                                                note=form.get("reason", "")),
        "members": lambda: services.set_members(
            session, actor=actor, analysis=analysis,
            members=[(n, p, r or "member") for n, p, r in _lines(form.get("members", ""), 3)]),
        "positions": lambda: services.set_positions(
            session, actor=actor, analysis=analysis,
            rows=list(_lines(form.get("positions", ""), 3))),  # type: ignore[arg-type]
        "texts": lambda: services.set_texts(
            session, actor=actor, analysis=analysis,
            **{k: v for k, v in form.items() if k.startswith(("examined_", "conclusions_",
               "legal_basis_", "order_", "analysis_", "matrix_"))}),
        "sources": lambda: services.set_sources(
            session, actor=actor, analysis=analysis,
            sources={n: (form.get(f"used_{n}") == "on", form.get(f"note_{n}", ""),
                         form.get(f"evidence_{n}", "")) for n in range(1, len(domain.SOURCES) + 1)}),
        "finding": lambda: services.save_finding(
            session, actor=actor, analysis=analysis, finding=finding, **_finding_fields(form)),
        "dismiss": lambda: services.dismiss_finding(session, actor=actor, finding=finding or abort(404),
                                                    reason=form.get("reason", "")),
        "recommendation": lambda: services.save_recommendation(
            session, actor=actor, analysis=analysis,
            recommendation=session.get(Recommendation, int(form["rec_id"])) if form.get("rec_id", "").isdigit() else None,
            measure=form.get("measure", ""), responsible=form.get("responsible", ""),
            deadline=_date_field(form, "deadline"),
            risk=form.get("risk", ""), note=form.get("note", ""),
            status=_status_field(form)),
    }  # fmt: skip
    signing = {
        "sign": lambda: services.sign(session, actor=actor, settings=settings, analysis=analysis),
        "publish": lambda: services.publish(session, actor=actor, analysis=analysis),
    }
    if action == "reopen" and analysis.state in (AnalysisState.SIGNED, AnalysisState.PUBLISHED):
        signing["reopen"] = steps.pop("reopen")  # undoing a signature is the signer's act
    if action in signing:
        if not current_user.has_role(*SIGNERS):
            abort(403)
        step = signing[action]
    elif action in steps:
        step = steps[action]
    else:
        abort(400)
    if perform(None, step):
        flash(_("Saved."), "success")


@bp.route("/analyses/<int:analysis_id>", methods=["POST"])
@roles(*EDITORS)
def analysis_action(analysis_id: int) -> Response:
    analysis = db.session.get(Analysis, analysis_id) or abort(404)
    _post(analysis)
    anchor = request.form.get("anchor", "")
    return redirect(
        url_for(".analysis", analysis_id=analysis.id) + (anchor if anchor.startswith("#") else "")
    )


# What the analysis page shows beside the analysis itself: the fixed vocabulary and the words.
ANALYSIS_PAGE_WORDS: dict[str, Any] = {
    "directions": list(domain.Direction),
    "sources": domain.SOURCES,
    "registry": indicators.REGISTRY,
    "FindingStatus": FindingStatus,
    "AnalysisState": AnalysisState,
    "RecommendationStatus": RecommendationStatus,
    "light_names": LIGHT_NAMES,
    "state_names": STATE_NAMES,
    "status_names": STATUS_NAMES,
    "role_names": ROLE_NAMES,
    "level_names": LEVEL_NAMES,
}


@bp.route("/analyses/<int:analysis_id>")
@roles(*READERS)
def analysis(analysis_id: int) -> str:
    analysis = db.session.get(Analysis, analysis_id) or abort(404)
    return render_template(
        "risk/analysis.html",
        analysis=analysis,
        **services.analysis_page(analysis).context(),
        **ANALYSIS_PAGE_WORDS,
        today=_today(),
        can_edit=current_user.has_role(*EDITORS),
        can_sign=current_user.has_role(*SIGNERS),
    )


@bp.route("/analyses/<int:analysis_id>/report.<string:fmt>")
@roles(*READERS)
def report(analysis_id: int, fmt: str) -> Response:
    analysis = db.session.get(Analysis, analysis_id) or abort(404)
    lang = request.args.get("lang", "kk")
    if fmt not in ("docx", "pdf") or lang not in ("kk", "ru"):
        abort(404)
    data = reports.render(db.session, analysis, settings=_settings(), lang=lang, fmt=fmt)
    response = make_response(data)
    response.headers["Content-Type"] = (
        "application/pdf" if fmt == "pdf"
        else "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )  # fmt: skip
    name = f"risk-analysis-{analysis.period_start:%Y}-v{analysis.version}-{lang}.{fmt}"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@check_bp.route("/r/<string:digest>")
@public
def check(digest: str) -> Response:
    """What a signed report's QR code opens: whether this hash is a signed version, and which."""
    version = services.version_by_hash(db.session, digest) if len(digest) == 64 else None
    latest = version.analysis.versions[-1] if version else None
    response = make_response(
        render_template("risk/check.html", version=version, latest=latest, digest=digest)
    )
    response.headers["X-Robots-Tag"] = "noindex"
    return response
