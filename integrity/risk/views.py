"""The director's dashboard, the working group's analysis pages, the report downloads, and the
public check page of a signed report."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
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
from integrity.risk import domain, services
from integrity.risk.domain import indicators
from integrity.risk.labels import (
    LEVEL_NAMES,
    LIGHT_NAMES,
    ROLE_NAMES,
    STATE_NAMES,
    STATUS_NAMES,
    UNIT_NAMES,
)
from integrity.risk.models import (
    Analysis,
    AnalysisState,
    Finding,
    FindingStatus,
    Recommendation,
    RecommendationStatus,
)
from integrity.risk.services import reports
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
    if code not in indicators.BY_CODE:
        abort(404)
    page = services.indicator_page(
        db.session, _settings(), code, today=_today(), locale=select_locale()
    )
    return render_template(
        "risk/indicator.html", **page.context(), light_names=LIGHT_NAMES, unit_names=UNIT_NAMES
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


def _change(analysis_id: int, step: Callable[[Analysis], object]) -> Response:
    """One change of the analysis: commit it or show the refusal, then back to its section."""
    analysis = db.session.get(Analysis, analysis_id) or abort(404)
    if perform(None, lambda: step(analysis)):
        flash(_("Saved."), "success")
    anchor = request.form.get("anchor", "")
    return redirect(
        url_for(".analysis", analysis_id=analysis.id) + (anchor if anchor.startswith("#") else "")
    )


def _finding(analysis: Analysis) -> Finding | None:
    """The finding the form names, which must be this analysis's."""
    form = request.form
    finding = db.session.get(Finding, int(form["finding_id"])) if form.get("finding_id") else None
    if finding is not None and finding.analysis_id != analysis.id:
        abort(404)
    return finding


@bp.route("/analyses/<int:analysis_id>/compute", methods=["POST"])
@roles(*EDITORS)
def compute(analysis_id: int) -> Response:
    return _change(analysis_id, lambda analysis: services.compute(
        db.session, actor=acting(), settings=_settings(), analysis=analysis
    ))  # fmt: skip


@bp.route("/analyses/<int:analysis_id>/review", methods=["POST"])
@roles(*EDITORS)
def review(analysis_id: int) -> Response:
    return _change(analysis_id, lambda analysis: services.submit_for_review(
        db.session, actor=acting(), analysis=analysis
    ))  # fmt: skip


@bp.route("/analyses/<int:analysis_id>/sign", methods=["POST"])
@roles(*SIGNERS)
def sign(analysis_id: int) -> Response:
    return _change(analysis_id, lambda analysis: services.sign(
        db.session, actor=acting(), settings=_settings(), analysis=analysis
    ))  # fmt: skip


@bp.route("/analyses/<int:analysis_id>/publish", methods=["POST"])
@roles(*SIGNERS)
def publish(analysis_id: int) -> Response:
    return _change(analysis_id, lambda analysis: services.publish(
        db.session, actor=acting(), analysis=analysis
    ))  # fmt: skip


@bp.route("/analyses/<int:analysis_id>/reopen", methods=["POST"])
@roles(*EDITORS)
def reopen(analysis_id: int) -> Response:
    analysis = db.session.get(Analysis, analysis_id) or abort(404)
    signed = analysis.state in (AnalysisState.SIGNED, AnalysisState.PUBLISHED)
    if signed and not current_user.has_role(*SIGNERS):
        abort(403)  # undoing a signature is the signer's act
    return _change(analysis_id, lambda analysis: services.reopen(
        db.session, actor=acting(), analysis=analysis, reason=request.form.get("reason", "")
    ))  # fmt: skip


@bp.route("/analyses/<int:analysis_id>/findings", methods=["POST"])
@roles(*EDITORS)
def save_finding(analysis_id: int) -> Response:
    """Add a finding, or edit (and so accept) the one the form names."""
    return _change(analysis_id, lambda analysis: services.save_finding(
        db.session, actor=acting(), analysis=analysis, finding=_finding(analysis),
        **_finding_fields(request.form),
    ))  # fmt: skip


@bp.route("/analyses/<int:analysis_id>/findings/dismiss", methods=["POST"])
@roles(*EDITORS)
def dismiss_finding(analysis_id: int) -> Response:
    return _change(analysis_id, lambda analysis: services.dismiss_finding(
        db.session, actor=acting(), finding=_finding(analysis) or abort(404),
        reason=request.form.get("reason", ""),
    ))  # fmt: skip


@bp.route("/analyses/<int:analysis_id>/findings/close", methods=["POST"])
@roles(*EDITORS)
def close_finding(analysis_id: int) -> Response:
    return _change(analysis_id, lambda analysis: services.close_finding(
        db.session, actor=acting(), finding=_finding(analysis) or abort(404),
        note=request.form.get("reason", ""),
    ))  # fmt: skip


@bp.route("/analyses/<int:analysis_id>/recommendations", methods=["POST"])
@roles(*EDITORS)
def save_recommendation(analysis_id: int) -> Response:
    """Add a recommendation, or change the one the form names (its status, mostly)."""
    form = request.form

    def save(analysis: Analysis) -> object:
        recommendation = (
            db.session.get(Recommendation, int(form["rec_id"]))
            if form.get("rec_id", "").isdigit()
            else None
        )
        return services.save_recommendation(
            db.session, actor=acting(), analysis=analysis, recommendation=recommendation,
            measure=form.get("measure", ""), responsible=form.get("responsible", ""),
            deadline=_date_field(form, "deadline"), risk=form.get("risk", ""),
            note=form.get("note", ""), status=_status_field(form),
        )  # fmt: skip

    return _change(analysis_id, save)


@bp.route("/analyses/<int:analysis_id>/members", methods=["POST"])
@roles(*EDITORS)
def set_members(analysis_id: int) -> Response:
    """The working group, one "name | position | role" line each (the role may be left out)."""
    rows = [(n, p, r or "member") for n, p, r in _lines(request.form.get("members", ""), 3)]
    return _change(analysis_id, lambda analysis: services.set_members(
        db.session, actor=acting(), analysis=analysis, members=rows
    ))  # fmt: skip


@bp.route("/analyses/<int:analysis_id>/positions", methods=["POST"])
@roles(*EDITORS)
def set_positions(analysis_id: int) -> Response:
    """The appendix, one "position | competence | risk" line each."""
    rows = _lines(request.form.get("positions", ""), 3)
    return _change(analysis_id, lambda analysis: services.set_positions(
        db.session, actor=acting(), analysis=analysis, rows=rows  # type: ignore[arg-type]
    ))  # fmt: skip


TEXT_FIELDS = ("examined_", "conclusions_", "legal_basis_", "order_", "analysis_", "matrix_")


@bp.route("/analyses/<int:analysis_id>/texts", methods=["POST"])
@roles(*EDITORS)
def set_texts(analysis_id: int) -> Response:
    texts = {k: v for k, v in request.form.items() if k.startswith(TEXT_FIELDS)}
    return _change(analysis_id, lambda analysis: services.set_texts(
        db.session, actor=acting(), analysis=analysis, **texts
    ))  # fmt: skip


@bp.route("/analyses/<int:analysis_id>/sources", methods=["POST"])
@roles(*EDITORS)
def set_sources(analysis_id: int) -> Response:
    """The sources checklist, every source in one step: used or not, a note, evidence."""
    form = request.form
    sources = {
        n: (form.get(f"used_{n}") == "on", form.get(f"note_{n}", ""), form.get(f"evidence_{n}", ""))
        for n in range(1, len(domain.SOURCES) + 1)
    }
    return _change(analysis_id, lambda analysis: services.set_sources(
        db.session, actor=acting(), analysis=analysis, sources=sources
    ))  # fmt: skip


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
        **services.analysis_page(analysis, select_locale()).context(),
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
