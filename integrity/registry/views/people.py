"""Participants, their entries and jurors: lists, pages, and one POST route per change."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from integrity.extensions import db
from integrity.registry.domain.kinds import EntryStatus, OrganisationKind, RelationKind
from integrity.registry.forms import (
    ConsentForm,
    DeclarationForm,
    EnterForm,
    EntryStatusForm,
    JurorForm,
    ParticipantForm,
    RelationForm,
)
from integrity.registry.labels import RELATION_KINDS
from integrity.registry.models import Entry, Event, Juror, Participant, Round, School
from integrity.registry.services import people, queries
from integrity.registry.views.blueprint import EDITORS, JUROR_READERS, PEOPLE_READERS, bp
from integrity.settings import settings_of
from integrity.web import select_locale as current_locale
from integrity.web.access import roles
from integrity.web.forms import acting, attempt, choice_list, perform
from integrity.web.pagination import Page


@bp.route("/participants")
@roles(*PEOPLE_READERS)
def participants() -> str:
    text = request.args.get("q", "")
    rows, page = queries.participants(db.session, text, Page.from_request)
    return render_template(
        "registry/participants.html",
        participants=rows,
        page=page,
        q=text,
        can_edit=current_user.has_role(*EDITORS),
    )


@bp.route("/participants/new", methods=["GET", "POST"])
@roles(*EDITORS)
def new_participant() -> str | Response:
    form = ParticipantForm()
    form.school_id.choices = choice_list(queries.school_choices(db.session))
    if form.validate_on_submit():
        school = db.session.get(School, form.school_id.data) or abort(400)
        participant = attempt(
            form,
            lambda: people.register_participant(
                db.session,
                actor=acting(),
                iin=form.iin.data or "",
                surname=form.surname.data or "",
                given_name=form.given_name.data or "",
                patronymic=form.patronymic.data,
                grade=form.grade.data or 0,
                school=school,
                supervisor=form.supervisor.data,
            ),
        )
        if participant is not None:
            flash(_("Participant registered."), "success")
            return redirect(url_for("registry.participant", participant_id=participant.id))
    return render_template("registry/participant_new.html", form=form)


def _consent_form(participant: Participant) -> ConsentForm:
    return ConsentForm(
        prefix="consent",
        consent_by=participant.consent_by,
        consent_date=participant.consent_date,
        consent_public=participant.consent_public,
    )


def _enter_form() -> EnterForm:
    form = EnterForm(prefix="enter")
    locale = current_locale()
    form.round_id.choices = choice_list(
        (r.id, f"{r.subject.event.title(locale)} — {r.subject.name(locale)} — {r.number}")
        for r in queries.rounds_newest_first(db.session)
    )
    return form


def _participant_page(
    participant: Participant, consent: ConsentForm | None = None, enter: EnterForm | None = None
) -> str:
    """The participant's page; a refused change shows its form again, with the problem."""
    return render_template(
        "registry/participant.html",
        participant=participant,
        entries=queries.entries_of(db.session, participant),
        consent=consent or _consent_form(participant),
        enter=enter or _enter_form(),
        can_edit=current_user.has_role(*EDITORS),
    )


@bp.route("/participants/<int:participant_id>")
@roles(*PEOPLE_READERS)
def participant(participant_id: int) -> str:
    return _participant_page(db.session.get(Participant, participant_id) or abort(404))


@bp.route("/participants/<int:participant_id>/consent", methods=["POST"])
@roles(*EDITORS)
def record_consent(participant_id: int) -> str | Response:
    participant = db.session.get(Participant, participant_id) or abort(404)
    form = _consent_form(participant)
    if form.validate_on_submit() and perform(
        form,
        lambda: people.record_consent(
            db.session,
            actor=acting(),
            participant=participant,
            consent_by=form.consent_by.data or "",
            consent_date=form.consent_date.data,
            consent_public=bool(form.consent_public.data),
            zone=settings_of(current_app).zone,
        ),
    ):
        flash(_("Consent recorded."), "success")
        return redirect(url_for("registry.participant", participant_id=participant.id))
    return _participant_page(participant, consent=form)


@bp.route("/participants/<int:participant_id>/entries", methods=["POST"])
@roles(*EDITORS)
def enter_participant(participant_id: int) -> str | Response:
    participant = db.session.get(Participant, participant_id) or abort(404)
    form = _enter_form()
    if form.validate_on_submit():
        round_ = db.session.get(Round, form.round_id.data) or abort(400)
        if perform(
            form,
            lambda: people.enter_participant(
                db.session, actor=acting(), round_=round_, participant=participant
            ),
        ):
            flash(_("Entered."), "success")
            return redirect(url_for("registry.participant", participant_id=participant.id))
    return _participant_page(participant, enter=form)


@bp.route("/events/<int:event_id>/participants")
@roles(*PEOPLE_READERS)
def event_participants(event_id: int) -> str:
    event = db.session.get(Event, event_id) or abort(404)
    text = request.args.get("q", "")
    status = request.args.get("status", "")
    rows, page = queries.event_entries(db.session, event, text, status, Page.from_request)
    return render_template(
        "registry/event_participants.html",
        event=event,
        entries=rows,
        page=page,
        q=text,
        status=status,
        can_edit=current_user.has_role(*EDITORS),
    )


@bp.route("/entries/<int:entry_id>", methods=["GET", "POST"])
@roles(*EDITORS)
def entry(entry_id: int) -> str | Response:
    entry = db.session.get(Entry, entry_id) or abort(404)
    form = EntryStatusForm(
        status=entry.status.value, reason=entry.status_reason, evidence_url=entry.evidence_url
    )
    if form.validate_on_submit():
        if perform(
            form,
            lambda: people.set_entry_status(
                db.session,
                actor=acting(),
                entry=entry,
                status=EntryStatus(form.status.data),
                reason=form.reason.data,
                evidence_url=form.evidence_url.data,
            ),
        ):
            flash(_("Status saved."), "success")
            return redirect(url_for("registry.participant", participant_id=entry.participant_id))
    return render_template("registry/entry.html", entry=entry, form=form)


@bp.route("/jurors")
@roles(*JUROR_READERS)
def jurors() -> str:
    text = request.args.get("q", "").strip()
    rows, page = queries.jurors(db.session, text, Page.from_request)
    return render_template(
        "registry/jurors.html",
        jurors=rows,
        page=page,
        q=text,
        can_edit=current_user.has_role(*EDITORS),
    )


def _juror_form() -> JurorForm:
    form = JurorForm()
    form.school_id.choices = choice_list([(0, "—"), *queries.school_choices(db.session)])
    districts = ((d.id, d.name_kk) for d in queries.districts(db.session))
    form.district_id.choices = choice_list([(0, "—"), *districts])
    return form


def _register_juror(form: JurorForm) -> Juror:
    """The form's juror, registered (the service refuses what is wrong)."""
    school = db.session.get(School, form.school_id.data) if form.school_id.data else None
    return people.register_juror(
        db.session,
        actor=acting(),
        surname=form.surname.data or "",
        given_name=form.given_name.data or "",
        patronymic=form.patronymic.data,
        organisation_kind=OrganisationKind(form.organisation_kind.data),
        organisation=form.organisation.data or "",
        school=school,
        district_id=form.district_id.data or None,
        iin=form.iin.data,
        email=form.email.data,
        phone=form.phone.data,
    )


@bp.route("/jurors/new", methods=["GET", "POST"])
@roles(*EDITORS)
def new_juror() -> str | Response:
    form = _juror_form()
    if form.validate_on_submit():
        juror = attempt(form, lambda: _register_juror(form))
        if juror is not None:
            flash(_("Juror registered."), "success")
            return redirect(url_for("registry.juror", juror_id=juror.id))
    return render_template("registry/juror_new.html", form=form)


def _declaration_form() -> DeclarationForm:
    form = DeclarationForm(prefix="declaration")
    events = queries.events_newest_first(db.session)
    form.event_id.choices = choice_list((e.id, e.title(current_locale())) for e in events)
    return form


def _juror_page(
    juror: Juror,
    relation: RelationForm | None = None,
    declaration: DeclarationForm | None = None,
) -> str:
    """The juror's page; a refused change shows its form again, with the problem."""
    return render_template(
        "registry/juror.html",
        juror=juror,
        relation=relation or RelationForm(prefix="relation"),
        declaration=declaration or _declaration_form(),
        subjects=queries.subjects_newest_first(db.session),
        held=queries.juror_subject_ids(db.session, juror),
        events={e.id: e for e in queries.events_newest_first(db.session)},
        can_edit=current_user.has_role(*EDITORS),
        relation_labels=RELATION_KINDS,
    )


@bp.route("/jurors/<int:juror_id>")
@roles(*JUROR_READERS)
def juror(juror_id: int) -> str:
    return _juror_page(db.session.get(Juror, juror_id) or abort(404))


@bp.route("/jurors/<int:juror_id>/relations", methods=["POST"])
@roles(*EDITORS)
def declare_relation(juror_id: int) -> str | Response:
    juror = db.session.get(Juror, juror_id) or abort(404)
    form = RelationForm(prefix="relation")
    if form.validate_on_submit() and attempt(
        form,
        lambda: people.declare_relation(
            db.session,
            actor=acting(),
            juror=juror,
            kind=RelationKind(form.kind.data),
            full_name=form.full_name.data or "",
            iin=form.iin.data,
            note=form.note.data,
        ),
    ):
        flash(_("Relation declared."), "success")
        return redirect(url_for("registry.juror", juror_id=juror.id))
    return _juror_page(juror, relation=form)


@bp.route("/jurors/<int:juror_id>/declarations", methods=["POST"])
@roles(*EDITORS)
def sign_declaration(juror_id: int) -> str | Response:
    juror = db.session.get(Juror, juror_id) or abort(404)
    form = _declaration_form()
    if form.validate_on_submit():
        event = db.session.get(Event, form.event_id.data) or abort(400)
        if attempt(
            form,
            lambda: people.sign_declaration(db.session, actor=acting(), juror=juror, event=event),
        ):
            flash(_("Declaration recorded."), "success")
            return redirect(url_for("registry.juror", juror_id=juror.id))
    return _juror_page(juror, declaration=form)


@bp.route("/jurors/<int:juror_id>/subjects", methods=["POST"])
@roles(*EDITORS)
def set_juror_subjects(juror_id: int) -> str | Response:
    juror = db.session.get(Juror, juror_id) or abort(404)
    picked = {int(v) for v in request.form.getlist("subject_ids") if v.isdigit()}
    chosen = [s for s in queries.subjects_newest_first(db.session) if s.id in picked]
    if perform(
        None,
        lambda: people.set_juror_subjects(db.session, actor=acting(), juror=juror, subjects=chosen),
    ):
        flash(_("Subjects saved."), "success")
        return redirect(url_for("registry.juror", juror_id=juror.id))
    return _juror_page(juror)
