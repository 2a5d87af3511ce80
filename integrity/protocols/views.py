"""Protocol screens: the chair freezes and publishes; the public results pages show every published
protocol with its versions, hashes and times."""

from __future__ import annotations

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
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from integrity import spreadsheets
from integrity.accounts.domain import Role
from integrity.audit.chain import Actor
from integrity.db import utcnow
from integrity.errors import DomainError
from integrity.extensions import address_and, address_limit, db, limiter
from integrity.jury.domain import format_sixtieths
from integrity.jury.services import marking
from integrity.jury.views import private_jpeg
from integrity.protocols import appeals, services
from integrity.protocols.forms import AccessCodeForm, AppealForm
from integrity.protocols.models import Appeal, Protocol, ProtocolState, ProtocolVersion
from integrity.protocols.unsealing import unseal_round
from integrity.registry.domain.kinds import points_to_units, units_to_points
from integrity.registry.models import Event, Juror, Round
from integrity.scans.models import Work
from integrity.settings import settings_of
from integrity.vault.forms import UnsealForm
from integrity.web.access import public, roles
from integrity.web.forms import perform

bp = Blueprint("protocols", __name__, url_prefix="/protocols")
results_bp = Blueprint("results", __name__, url_prefix="/results")

ACTORS = (Role.ADMIN, Role.CHAIR)
READERS = (Role.ADMIN, Role.CHAIR, Role.ORGANISER, Role.DIRECTOR, Role.OBSERVER)
STEPS = {
    "freeze": services.advance_freeze,
    "publish": services.advance_publish,
    "close": services.close_appeals,
}


@bp.route("/rounds/<int:round_id>", methods=["GET", "POST"])
@roles(*READERS)
def round_protocols(round_id: int) -> Any:
    round_ = db.session.get(Round, round_id) or abort(404)
    found = services.protocols_of(db.session, round_)
    if request.method == "POST":
        if not current_user.has_role(*ACTORS):
            abort(403)
        protocol = next((p for p in found if str(p.grade) == request.form.get("grade")), None)
        step = STEPS.get(request.form.get("step", ""))
        if protocol is None or step is None:
            abort(400)
        actor = Actor(current_user.id, current_user.username)
        if perform(None, lambda: step(db.session, actor=actor, protocol=protocol)):
            flash(_("Done."), "success")
        return redirect(url_for(".round_protocols", round_id=round_id))
    return _round_page(round_)


def _round_page(round_: Round, typed: dict[int, dict[str, str]] | None = None) -> str:
    """The round's protocols and appeals; ``typed`` refills an appeal's decision form that was
    refused (the score and reason as typed, never the password)."""
    found = services.protocols_of(db.session, round_)
    listed = {p.grade: appeals.pending(db.session, p) if p.id else [] for p in found}
    every = [a for group in listed.values() for a in group]
    scores = services.effective_scores(db.session, [a.work for a in every])
    members = {a.id: [db.session.get(Juror, j) for j in a.commission_ids] for a in every}
    return render_template(
        "protocols/round.html",
        round=round_,
        protocols=found,
        states=services.state_labels(),
        can_act=current_user.has_role(*ACTORS),
        ProtocolState=ProtocolState,
        appeals=listed,
        now=utcnow(),
        # For the commission: the score each task of the appealed work has now, and its members.
        current={a.id: scores[a.work_id] for a in every},
        members=members,
        format_sixtieths=format_sixtieths,
        typed=typed or {},
    )


@results_bp.route("/events/<int:event_id>")
@public
def event_results(event_id: int) -> str:
    event = db.session.get(Event, event_id) or abort(404)
    return render_template(
        "protocols/results.html",
        event=event,
        protocols=services.published_protocols(db.session, event.id),
        states=services.state_labels(),
    )


def _published(protocol_id: int) -> Protocol:
    protocol = db.session.get(Protocol, protocol_id) or abort(404)
    if protocol.state in (ProtocolState.DRAFT, ProtocolState.FROZEN) or protocol.current is None:
        abort(404)
    return protocol


def _shown_version(protocol: Protocol) -> ProtocolVersion:
    """The named version only once it is published; the ciphered one until then."""
    versions = protocol.versions
    if protocol.state is not ProtocolState.FINAL_PUBLISHED:
        versions = [v for v in versions if not v.named]
    return versions[-1]


@results_bp.route("/protocols/<int:protocol_id>")
@public
def protocol_page(protocol_id: int) -> str:
    protocol = _published(protocol_id)
    version = _shown_version(protocol)
    content = services.public_content(db.session, version)
    return render_template(
        "protocols/protocol.html",
        version_reason=services.version_reason,
        protocol=protocol,
        version=version,
        content=content,
        public_sha256=services.public_sha256(content) if content.get("redacted_from") else None,
        rendering=services.latest_rendering(db.session, protocol),
        states=services.state_labels(),
    )


MEDIA = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@results_bp.route("/protocols/<int:protocol_id>.<any(pdf, xlsx):doc>")
@public
def protocol_document(protocol_id: int, doc: str) -> Response:
    protocol = _published(protocol_id)
    version = _shown_version(protocol)
    lang = request.args.get("lang", "kk")
    if lang not in ("kk", "ru"):
        abort(404)
    public = services.public_content(db.session, version)
    response = make_response(services.document(version, doc, lang, public=public))
    response.headers["Content-Type"] = MEDIA[doc]
    response.headers["Content-Disposition"] = (
        f'attachment; filename="protocol-{protocol.id}-v{version.number}-{lang}.{doc}"'
    )
    return response


@results_bp.route("/protocols/<int:protocol_id>.csv")
@public
def protocol_csv(protocol_id: int) -> Response:
    protocol = _published(protocol_id)
    version = _shown_version(protocol)
    public = services.public_content(db.session, version)
    response = make_response(spreadsheets.csv_bytes(services.csv_rows(version, public)))
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="protocol-{protocol.id}-v{version.number}.csv"'
    )
    return response


# -- appeals ---------------------------------------------------------------------------------------

appeal_bp = Blueprint("appeal", __name__, url_prefix="/appeal")
APPEAL_SESSION_KEY = "appeal_work"


def _code_limit() -> str:
    return str(settings_of(current_app).access_code_rate_limit)


@appeal_bp.route("/", methods=["GET", "POST"])
@limiter.limit(_code_limit, methods=["POST"], key_func=lambda: address_and("code"))
@limiter.limit(address_limit, methods=["POST"])
@public
def appeal_start() -> Any:
    """The participant (or their supervisor) types the access code from the kit's stub."""
    form = AccessCodeForm()
    if form.validate_on_submit():
        try:
            work = appeals.find_work(db.session, form.code.data or "")
        except DomainError as exc:
            current_app.logger.info(
                "access code refused", extra={"fields": {"event": "access_code_miss"}}
            )
            form.code.errors = [*form.code.errors, str(exc.message)]
        else:
            session[APPEAL_SESSION_KEY] = work.id
            return redirect(url_for(".appeal_work"))
    return render_template("protocols/appeal_start.html", form=form)


def _appeal_work() -> Work:
    work_id = session.get(APPEAL_SESSION_KEY)
    work = db.session.get(Work, work_id) if work_id else None
    if work is None:
        abort(404)
    return work


@appeal_bp.route("/work", methods=["GET", "POST"])
@public
def appeal_work() -> Any:
    work = _appeal_work()
    form = AppealForm()
    existing = db.session.execute(
        select(Appeal).where(Appeal.work_id == work.id)
    ).scalar_one_or_none()
    if form.validate_on_submit() and existing is None:
        if perform(
            form,
            lambda: appeals.file_appeal(
                db.session, work=work, reason=form.reason.data or "", filed_as=form.filed_as.data
            ),
        ):
            flash(_("Your appeal is filed."), "success")
            return redirect(url_for(".appeal_work"))
    protocol = appeals.protocol_of(db.session, work)
    return render_template(
        "protocols/appeal_work.html",
        work=work,
        protocol=protocol,
        tasks=appeals.work_view(db.session, work),
        page_urls=[
            url_for(".appeal_page", number=n)
            for n in range(1, len(marking.pages_of(db.session, work)) + 1)
        ],
        appeal=existing,
        form=form,
        units_to_points=units_to_points,
        open=protocol is not None
        and protocol.state is ProtocolState.PUBLISHED
        and protocol.appeals_until is not None
        and utcnow() <= protocol.appeals_until,
    )


@appeal_bp.route("/work/pages/<int:number>.jpg")
@public
def appeal_page(number: int) -> Response:
    try:
        return private_jpeg(marking.masked_page(db.session, _appeal_work(), number))
    except DomainError:
        abort(404)


@bp.route("/appeals/<int:appeal_id>/decide", methods=["POST"])
@roles(*ACTORS)
def decide_appeal(appeal_id: int) -> Response | tuple[str, int]:
    appeal = db.session.get(Appeal, appeal_id) or abort(404)
    round_ = appeal.protocol.round
    typed = {k: v for k, v in request.form.items() if k.startswith("task-") or k == "reason"}
    scores: dict[int, int] = {}
    for task in round_.tasks:
        raw = (request.form.get(f"task-{task.id}") or "").strip()
        if raw:
            try:
                scores[task.id] = points_to_units(raw)
            except ValueError:
                flash(_("Whole or half points, e.g. 3 or 3.5."), "error")
                return _round_page(round_, {appeal.id: typed}), 422
    actor = Actor(current_user.id, current_user.username)
    if perform(
        None,
        lambda: appeals.decide(
            db.session,
            actor=actor,
            appeal=appeal,
            scores=scores,
            reason=request.form.get("reason", ""),
            password=request.form.get("password", ""),
        ),
    ):
        flash(_("The appeal is decided."), "success")
        return redirect(url_for(".round_protocols", round_id=round_.id))
    return _round_page(round_, {appeal.id: typed}), 422


@bp.route("/rounds/<int:round_id>/unseal", methods=["POST"])
@roles(Role.CHAIR)
def unseal(round_id: int) -> Response:
    """The chair unseals a round from the vault's page (see ``integrity.protocols.unsealing``)."""
    round_ = db.session.get(Round, round_id) or abort(404)
    form = UnsealForm()
    if form.validate_on_submit():
        lines = [line.strip() for line in (form.shares.data or "").splitlines() if line.strip()]
        try:
            count = unseal_round(
                db.session,
                actor=current_user.as_actor(),
                round_=round_,
                passphrase=form.passphrase.data or None,
                shares=lines,
            )
        except DomainError as exc:
            db.session.rollback()
            flash(str(exc.message), "error")
        else:
            db.session.commit()
            flash(_("%(n)d works unsealed.", n=count), "success")
    return redirect(url_for("vault.event_vault", event_id=round_.subject.event_id))
