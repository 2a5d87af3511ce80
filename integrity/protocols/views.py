"""Protocol screens: the chair freezes and publishes; the public results pages show every published
protocol with its versions, hashes and times."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
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
from werkzeug.wrappers import Response

from integrity import spreadsheets
from integrity.accounts.domain import Role
from integrity.db import utcnow
from integrity.extensions import address_and, address_limit, db, limiter
from integrity.jury.domain import format_sixtieths
from integrity.jury.labels import marking_state_labels
from integrity.jury.services import marking
from integrity.jury.views import private_jpeg
from integrity.protocols import services
from integrity.protocols.forms import AccessCodeForm, AppealForm, FreezeForm, decided_scores
from integrity.protocols.labels import outcome_labels, state_labels, version_reason
from integrity.protocols.models import Appeal, Protocol, ProtocolState, ProtocolVersion
from integrity.protocols.services import appeals, queries, signing
from integrity.protocols.services.unsealing import check_unsealable, unseal_round
from integrity.registry.domain.kinds import units_to_points
from integrity.registry.models import Event, Round
from integrity.scans.models import Work
from integrity.settings import settings_of
from integrity.vault.forms import UnsealForm
from integrity.web.access import public, roles
from integrity.web.forms import acting, attempt, perform, submitted

bp = Blueprint("protocols", __name__, url_prefix="/protocols")
results_bp = Blueprint("results", __name__, url_prefix="/results")

ACTORS = (Role.ADMIN, Role.CHAIR)
READERS = (Role.ADMIN, Role.CHAIR, Role.ORGANISER, Role.DIRECTOR, Role.OBSERVER)


@bp.route("/rounds/<int:round_id>")
@roles(*READERS)
def round_protocols(round_id: int) -> str:
    return _round_page(db.session.get(Round, round_id) or abort(404))


def _round_page(round_: Round, typed: dict[int, dict[str, str]] | None = None) -> str:
    """The round's protocols and appeals; ``typed`` refills an appeal's decision form that was
    refused (the score and reason as typed, never the password)."""
    page = queries.round_page(db.session, round_)
    return render_template(
        "protocols/round.html",
        round=round_,
        protocols=page.protocols,
        states=state_labels(),
        outcomes=outcome_labels(),
        can_act=current_user.has_role(*ACTORS),
        ProtocolState=ProtocolState,
        appeals=page.appeals,
        now=utcnow(),
        # For the commission: the score each task of the appealed work has now, and its members.
        current=page.current,
        members=page.members,
        markings=page.markings,
        pages=page.pages,
        units_to_points=units_to_points,
        marking_states=marking_state_labels(),
        format_sixtieths=format_sixtieths,
        typed=typed or {},
    )


def _protocol_step(round_id: int, step: Callable[..., object]) -> Response:
    """A step on the round's protocol of the grade posted, then back to the round's page."""
    round_ = db.session.get(Round, round_id) or abort(404)
    grade = request.form.get("grade", type=int)
    protocol = queries.protocol_for_grade(db.session, round_, grade) or abort(400)
    if perform(None, lambda: step(db.session, actor=acting(), protocol=protocol)):
        flash(_("Done."), "success")
    return redirect(url_for(".round_protocols", round_id=round_id))


@bp.route("/rounds/<int:round_id>/freeze", methods=["GET", "POST"])
@roles(*ACTORS)
def freeze_protocol(round_id: int) -> Response | str | tuple[str, int]:
    """The freeze step: the round page's button (or a link) opens the form, with the place, date
    and jury proposed; the form's own post freezes the protocol with them as confirmed. A refusal
    shows the form again as it was typed."""
    round_ = db.session.get(Round, round_id) or abort(404)
    grade = request.values.get("grade", type=int) or request.values.get("sign-grade", type=int)
    protocol = queries.protocol_for_grade(db.session, round_, grade)
    if protocol is None:  # no grade chosen: the round's page offers one button per grade
        return redirect(url_for(".round_protocols", round_id=round_id))
    form = FreezeForm()
    if not submitted(form):
        return _freeze_page(round_, protocol, _proposed_form(protocol))
    if form.validate() and perform(form, lambda: services.advance_freeze(
        db.session, actor=acting(), protocol=protocol,
        signing=signing.checked(form.place.data or "", form.date.data, form.chair.data or "",
                                form.members.data or ""),
    )):  # fmt: skip
        flash(_("Done."), "success")
        return redirect(url_for(".round_protocols", round_id=round_id))
    return _freeze_page(round_, protocol, form), 422


def _proposed_form(protocol: Protocol) -> FreezeForm:
    chair = current_user.display_name if current_user.has_role(Role.CHAIR) else ""
    proposed = signing.proposed(db.session, protocol, chair=chair)
    return FreezeForm(formdata=None, grade=protocol.grade, place=proposed.place,
                      date=proposed.date, chair=proposed.chair,
                      members=proposed.members_text)  # fmt: skip


def _freeze_page(round_: Round, protocol: Protocol, form: FreezeForm) -> str:
    return render_template(
        "protocols/freeze.html", round=round_, protocol=protocol, form=form,
        named=protocol.state is ProtocolState.UNSEALED,
    )  # fmt: skip


@bp.route("/rounds/<int:round_id>/publish", methods=["POST"])
@roles(*ACTORS)
def publish_protocol(round_id: int) -> Response:
    return _protocol_step(round_id, services.advance_publish)


@bp.route("/rounds/<int:round_id>/close-appeals", methods=["POST"])
@roles(*ACTORS)
def close_protocol_appeals(round_id: int) -> Response:
    zone = settings_of(current_app).zone  # a refusal states the window's end in local time
    return _protocol_step(round_id, partial(services.close_appeals, zone=zone))


@results_bp.route("/events/<int:event_id>")
@public
def event_results(event_id: int) -> str:
    event = db.session.get(Event, event_id) or abort(404)
    return render_template(
        "protocols/results.html",
        event=event,
        protocols=services.published_protocols(db.session, event.id),
        states=state_labels(),
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
        version_reason=version_reason,
        protocol=protocol,
        final=protocol.state is ProtocolState.FINAL_PUBLISHED,  # awards no longer provisional
        all_columns=request.args.get("columns") == "all",
        version=version,
        content=content,
        public_sha256=services.public_sha256(content) if content.get("redacted_from") else None,
        rendering=services.latest_rendering(db.session, protocol),
        states=state_labels(),
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
        work = attempt(
            form,
            lambda: appeals.find_work(db.session, form.code.data or "", settings_of(current_app)),
        )
        if work is not None:
            session[APPEAL_SESSION_KEY] = work.id
            return redirect(url_for(".appeal_work"))
    return render_template("protocols/appeal_start.html", form=form)


def _appeal_work() -> Work:
    work_id = session.get(APPEAL_SESSION_KEY)
    work = db.session.get(Work, work_id) if work_id else None
    if work is None:
        abort(404)
    return work


@appeal_bp.route("/work")
@public
def appeal_work() -> str:
    work = _appeal_work()
    return _appeal_page(work, queries.appeal_page(db.session, work), AppealForm())


def _appeal_page(work: Work, page: queries.AppealPage, form: AppealForm) -> str:
    return render_template(
        "protocols/appeal_work.html",
        work=work,
        protocol=page.protocol,
        tasks=page.tasks,
        page_urls=[url_for(".appeal_page", number=n) for n in range(1, page.pages + 1)],
        appeal=page.appeal,
        outcomes=outcome_labels(),
        form=form,
        units_to_points=units_to_points,
        open=page.open,
    )


@appeal_bp.route("/work", methods=["POST"])
@public
def file_appeal() -> Any:
    work, form = _appeal_work(), AppealForm()
    page = queries.appeal_page(db.session, work)
    if (
        form.validate()
        and page.appeal is None
        and perform(form, lambda: appeals.file_appeal(db.session, work=work,
                                                      reason=form.reason.data or "",
                                                      filed_as=form.filed_as.data))
    ):  # fmt: skip
        flash(_("Your appeal is filed."), "success")
        return redirect(url_for(".appeal_work"))
    return _appeal_page(work, page, form)


@appeal_bp.route("/work/pages/<int:number>.jpg")
@public
def appeal_page(number: int) -> Response:
    settings = settings_of(current_app)
    return private_jpeg(marking.masked_page(db.session, _appeal_work(), number, settings=settings))


@bp.route("/appeals/<int:appeal_id>/decide", methods=["POST"])
@roles(*ACTORS)
def decide_appeal(appeal_id: int) -> Response | tuple[str, int]:
    appeal = db.session.get(Appeal, appeal_id) or abort(404)
    round_ = appeal.protocol.round
    scores = decided_scores(request.form, round_.tasks)
    if scores is None:
        flash(_("Whole or half points, e.g. 3 or 3.5."), "error")
    elif perform(None, lambda: appeals.decide(db.session, actor=acting(), appeal=appeal,
                                              scores=scores, reason=request.form.get("reason", ""),
                                              password=request.form.get("password", ""))):  # fmt: skip
        flash(_("The appeal is decided."), "success")
        return redirect(url_for(".round_protocols", round_id=round_.id))
    typed = {k: v for k, v in request.form.items() if k.startswith("task-") or k == "reason"}
    return _round_page(round_, {appeal.id: typed}), 422


@bp.route("/appeals/<int:appeal_id>/pages/<int:number>.jpg")
@roles(*ACTORS)
def appeal_work_page(appeal_id: int, number: int) -> Response:
    """A page of the appealed work, ciphered and masked as its markers saw it, for the
    commission."""
    appeal = db.session.get(Appeal, appeal_id) or abort(404)
    settings = settings_of(current_app)
    return private_jpeg(marking.masked_page(db.session, appeal.work, number, settings=settings))


UNSEAL_CONFIRMED = "unseal"  # the confirmation page's button posts confirm=unseal


@bp.route("/rounds/<int:round_id>/unseal")
@roles(Role.CHAIR)
def confirm_unseal(round_id: int) -> Any:
    """Unsealing cannot be undone: a page says what it does and asks for the key; only its
    button unseals. For a round that cannot be unsealed now, the page says why."""
    round_ = db.session.get(Round, round_id) or abort(404)
    vault_url = url_for("vault.event_vault", event_id=round_.subject.event_id)
    # A refusal is flashed on this page, which then offers no form, only the way back.
    sealed = attempt(
        None, lambda: check_unsealable(db.session, round_, actor=acting(), attempted=False)
    )
    return render_template(
        "protocols/confirm_unseal.html",
        round=round_,
        sealed=sealed,
        form=UnsealForm(),
        confirmed=UNSEAL_CONFIRMED,
        vault_url=vault_url,
    )


@bp.route("/rounds/<int:round_id>/unseal", methods=["POST"])
@roles(Role.CHAIR)
def unseal(round_id: int) -> Response:
    """The chair unseals a round from its confirmation page (see
    ``integrity.protocols.services.unsealing``); any other POST goes to that page first."""
    round_ = db.session.get(Round, round_id) or abort(404)
    form = UnsealForm()
    if request.form.get("confirm") != UNSEAL_CONFIRMED:
        return redirect(url_for(".confirm_unseal", round_id=round_id))
    if form.validate_on_submit():
        lines = [line.strip() for line in (form.shares.data or "").splitlines() if line.strip()]
        count = attempt(None, lambda: unseal_round(db.session, actor=acting(), round_=round_,
                                                   passphrase=form.passphrase.data or None,
                                                   shares=lines))  # fmt: skip
        if count is None:
            return redirect(url_for(".confirm_unseal", round_id=round_id))
        flash(_("%(n)d works unsealed.", n=count), "success")
    return redirect(url_for("vault.event_vault", event_id=round_.subject.event_id))
