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
from markupsafe import Markup
from sqlalchemy import select
from werkzeug.wrappers import Response

from integrity.accounts.domain import Role
from integrity.audit.chain import Actor
from integrity.audit.services import chain_head
from integrity.clock import local_today
from integrity.errors import InvalidInput
from integrity.extensions import db
from integrity.risk import domain, reports, services
from integrity.risk.domain import charts, indicators
from integrity.risk.domain.documents import localise_detail
from integrity.risk.labels import LEVEL_NAMES, LIGHT_NAMES, ROLE_NAMES, STATE_NAMES, STATUS_NAMES
from integrity.risk.models import (
    Analysis,
    AnalysisState,
    Finding,
    FindingStatus,
    Recommendation,
    RecommendationStatus,
)
from integrity.settings import settings_of
from integrity.web import select_locale
from integrity.web.access import public, roles
from integrity.web.forms import perform

bp = Blueprint("risk", __name__, url_prefix="/risk")
check_bp = Blueprint("report_check", __name__)

# The analysis is an internal document until published: observers (parents' committees, the
# press) see a report's public check, not the working group's drafts.
READERS = (Role.ADMIN, Role.DIRECTOR, Role.ORGANISER, Role.CHAIR)
EDITORS = (Role.ADMIN, Role.DIRECTOR, Role.ORGANISER)  # the working group's secretary and members
SIGNERS = (Role.ADMIN, Role.DIRECTOR)


def _actor() -> Actor:
    return Actor(current_user.id, current_user.username)


def _year() -> tuple[dt.date, dt.date]:
    today = local_today(settings_of(current_app).zone)
    return dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)


def _history(limit: int = 4) -> list[Analysis]:
    """The last analyses by period, oldest first."""
    rows = db.session.execute(
        select(Analysis).order_by(Analysis.period_end.desc(), Analysis.id.desc()).limit(limit)
    ).scalars()
    return list(reversed(list(rows)))


def _trend(value: float | None, before: float | None) -> str:
    if value is None or before is None:
        return ""
    return "↑" if value > before else "↓" if value < before else "→"


@bp.route("/")
@roles(*READERS)
def dashboard() -> str:
    start, end = _year()
    live, found = services.measure_with_facts(db.session, start, end)
    history = _history()
    previous = history[-1] if history else None
    rows = []
    for reading in live:
        code = reading.indicator.code
        past = [
            (f"{a.period_start:%Y}", r.value, r.light)
            for a in history
            for r in a.readings
            if r.code == code and a.period_end < start
        ]
        before = past[-1][1] if past else None
        rows.append({
            "reading": reading,
            "before": before,
            "trend": _trend(reading.value.value, before),
            "detail": localise_detail(reading.value.detail, select_locale()),
            # charts.trend escapes every text it draws.
            "chart": Markup(charts.trend(  # noqa: S704
                [*past, (f"{start:%Y}", reading.value.value, reading.light.value)],
                amber=None if reading.indicator.informative else reading.thresholds.amber,
                red=None if reading.indicator.informative else reading.thresholds.red,
                title=reading.indicator.name(select_locale()),
            )),
        })  # fmt: skip
    counts = {light: sum(1 for r in live if r.light.value == light) for light in LIGHT_NAMES}
    today = local_today(settings_of(current_app).zone)
    open_recs = (
        [r for r in previous.recommendations if r.status is not RecommendationStatus.DONE]
        if previous
        else []
    )

    return render_template(
        "risk/dashboard.html",
        rows=rows,
        counts=counts,
        period=(start, end),
        latest=previous,
        open_recs=open_recs,
        overdue=[r for r in open_recs if r.overdue(today)],
        today=today,
        chain_ok=found.chain_ok,
        head=chain_head(db.session),
        light_names=LIGHT_NAMES,
        status_names=STATUS_NAMES,
        state_names=STATE_NAMES,
    )


@bp.route("/indicators/<string:code>")
@roles(*READERS)
def indicator(code: str) -> str:
    found = indicators.BY_CODE.get(code) or abort(404)
    start, end = _year()
    (reading,) = [r for r in services.measure(db.session, start, end) if r.indicator.code == code]
    history = [
        (a, next((r for r in a.readings if r.code == code), None)) for a in _history(limit=10)
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
        analyses=list(reversed(_history(limit=50))),
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
        made.append(services.create(db.session, actor=_actor(), period_start=start,
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
    form, actor, session = request.form, _actor(), db.session
    action = form.get("action", "")
    finding = session.get(Finding, int(form["finding_id"])) if form.get("finding_id") else None
    if finding is not None and finding.analysis_id != analysis.id:
        abort(404)
    steps: dict[str, Any] = {
        "compute": lambda: services.compute(session, actor=actor, analysis=analysis),
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
        "sign": lambda: services.sign(session, actor=actor, analysis=analysis),
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


@bp.route("/analyses/<int:analysis_id>")
@roles(*READERS)
def analysis(analysis_id: int) -> str:
    analysis = db.session.get(Analysis, analysis_id) or abort(404)
    today = local_today(settings_of(current_app).zone)
    by_direction = {
        d: [f for f in analysis.findings if f.direction == d.value] for d in domain.Direction
    }
    return render_template(
        "risk/analysis.html",
        analysis=analysis,
        directions=list(domain.Direction),
        by_direction=by_direction,
        notes={n.direction: n for n in analysis.examined},
        sources=domain.SOURCES,
        readings={r.code: r for r in analysis.readings},
        registry=indicators.REGISTRY,
        matrix=services.matrix(analysis),
        FindingStatus=FindingStatus,
        AnalysisState=AnalysisState,
        RecommendationStatus=RecommendationStatus,
        today=today,
        can_edit=current_user.has_role(*EDITORS),
        can_sign=current_user.has_role(*SIGNERS),
        light_names=LIGHT_NAMES,
        state_names=STATE_NAMES,
        status_names=STATUS_NAMES,
        role_names=ROLE_NAMES,
        level_names=LEVEL_NAMES,
        members_text="\n".join(
            f"{m.name} | {m.position} | {m.role.value}" for m in analysis.members
        ),
        positions_text="\n".join(
            f"{p.position} | {p.competence} | {p.risk}" for p in analysis.positions
        ),
    )


@bp.route("/analyses/<int:analysis_id>/report.<string:fmt>")
@roles(*READERS)
def report(analysis_id: int, fmt: str) -> Response:
    analysis = db.session.get(Analysis, analysis_id) or abort(404)
    lang = request.args.get("lang", "kk")
    if fmt not in ("docx", "pdf") or lang not in ("kk", "ru"):
        abort(404)
    data = reports.render(db.session, analysis, lang=lang, fmt=fmt)
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
