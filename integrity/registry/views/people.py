from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from integrity.extensions import db
from integrity.registry.domain import name_key
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
from integrity.registry.models import (
    District,
    Entry,
    Event,
    Juror,
    JurorSubject,
    Participant,
    Round,
    School,
    Subject,
)
from integrity.registry.services import people
from integrity.registry.views.blueprint import EDITORS, JUROR_READERS, PEOPLE_READERS, bp
from integrity.settings import settings_of
from integrity.web import select_locale as current_locale
from integrity.web.access import roles
from integrity.web.forms import attempt, choice_list, perform, submitted
from integrity.web.pagination import Page


def _search_participants(query: Select[Any], text: str) -> Select[Any]:
    text = text.strip()
    if not text:
        return query
    if text.isascii() and text.isdigit():
        return query.where(Participant.iin.startswith(text))
    key = name_key(text)
    # autoescape: a typed % or _ is a character to find, not a LIKE wildcard
    return query.where(
        or_(
            Participant.search_key.contains(key, autoescape=True),
            Participant.school_id.in_(
                select(School.id).where(
                    or_(
                        func.lower(School.name_kk).contains(key, autoescape=True),
                        func.lower(School.name_ru).contains(key, autoescape=True),
                    )
                )
            ),
        )
    )


def school_choices() -> list[tuple[int, str]]:
    rows = db.session.execute(
        select(School).options(joinedload(School.district)).order_by(School.name_kk)
    ).scalars()
    return [(s.id, f"{s.name_kk} — {s.district.name_kk}") for s in rows]


@bp.route("/participants")
@roles(*PEOPLE_READERS)
def participants() -> str:
    text = request.args.get("q", "")
    query = _search_participants(select(Participant), text)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    page = Page.from_request(total)
    rows = (
        db.session.execute(
            query.options(joinedload(Participant.school))
            .order_by(Participant.sort_key, Participant.id)
            .limit(page.size)
            .offset(page.offset)
        )
        .scalars()
        .all()
    )
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
    form.school_id.choices = choice_list(school_choices())
    if form.validate_on_submit():
        school = db.session.get(School, form.school_id.data) or abort(400)
        participant = attempt(
            form,
            lambda: people.register_participant(
                db.session,
                actor=current_user.as_actor(),
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


@bp.route("/participants/<int:participant_id>", methods=["GET", "POST"])
@roles(*PEOPLE_READERS)
def participant(participant_id: int) -> str | Response:
    participant = db.session.get(Participant, participant_id) or abort(404)
    consent = ConsentForm(
        prefix="consent",
        consent_by=participant.consent_by,
        consent_date=participant.consent_date,
        consent_public=participant.consent_public,
    )
    enter = EnterForm(prefix="enter")
    locale = current_locale()
    rounds = (
        db.session.execute(
            select(Round)
            .join(Subject)
            .join(Event)
            .order_by(Event.id.desc(), Subject.code, Round.number)
        )
        .scalars()
        .all()
    )
    enter.round_id.choices = choice_list(
        [
            (r.id, f"{r.subject.event.title(locale)} — {r.subject.name(locale)} — {r.number}")
            for r in rounds
        ]
    )
    editor = current_user.has_role(*EDITORS)
    if editor and submitted(consent) and consent.validate_on_submit():
        if perform(
            consent,
            lambda: people.record_consent(
                db.session,
                actor=current_user.as_actor(),
                participant=participant,
                consent_by=consent.consent_by.data or "",
                consent_date=consent.consent_date.data,
                consent_public=bool(consent.consent_public.data),
                zone=settings_of(current_app).zone,
            ),
        ):
            flash(_("Consent recorded."), "success")
            return redirect(url_for("registry.participant", participant_id=participant.id))
    if editor and submitted(enter) and enter.validate_on_submit():
        round_ = db.session.get(Round, enter.round_id.data) or abort(400)
        if perform(
            enter,
            lambda: people.enter_participant(
                db.session, actor=current_user.as_actor(), round_=round_, participant=participant
            ),
        ):
            flash(_("Entered."), "success")
            return redirect(url_for("registry.participant", participant_id=participant.id))
    entries = (
        db.session.execute(
            select(Entry).where(Entry.participant_id == participant.id).order_by(Entry.id)
        )
        .scalars()
        .all()
    )
    return render_template(
        "registry/participant.html",
        participant=participant,
        entries=entries,
        consent=consent,
        enter=enter,
        can_edit=editor,
    )


@bp.route("/events/<int:event_id>/participants")
@roles(*PEOPLE_READERS)
def event_participants(event_id: int) -> str:
    event = db.session.get(Event, event_id) or abort(404)
    text = request.args.get("q", "")
    status = request.args.get("status", "")
    query = (
        select(Entry)
        .join(Round, Entry.round_id == Round.id)
        .join(Subject, Round.subject_id == Subject.id)
        .join(Participant, Entry.participant_id == Participant.id)
        .where(Subject.event_id == event.id)
    )
    query = _search_participants(query, text)
    if status in {s.value for s in EntryStatus}:
        query = query.where(Entry.status == EntryStatus(status))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    page = Page.from_request(total)
    rows = (
        db.session.execute(
            query.options(
                joinedload(Entry.participant).joinedload(Participant.school),
                joinedload(Entry.round),
            )
            .order_by(Subject.code, Participant.sort_key, Entry.id)
            .limit(page.size)
            .offset(page.offset)
        )
        .scalars()
        .all()
    )
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
                actor=current_user.as_actor(),
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
    query = select(Juror)
    if text:
        key = name_key(text)
        query = query.where(
            or_(
                Juror.search_key.contains(key, autoescape=True),
                func.lower(Juror.organisation).contains(key, autoescape=True),
            )
        )
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    page = Page.from_request(total)
    rows = (
        db.session.execute(
            query.options(joinedload(Juror.district))
            .order_by(Juror.sort_key)
            .limit(page.size)
            .offset(page.offset)
        )
        .scalars()
        .all()
    )
    return render_template(
        "registry/jurors.html",
        jurors=rows,
        page=page,
        q=text,
        can_edit=current_user.has_role(*EDITORS),
    )


def _district_choices() -> list[tuple[int, str]]:
    rows = db.session.execute(select(District).order_by(District.name_kk)).scalars()
    return [(0, "—"), *((d.id, d.name_kk) for d in rows)]


@bp.route("/jurors/new", methods=["GET", "POST"])
@roles(*EDITORS)
def new_juror() -> str | Response:
    form = JurorForm()
    form.school_id.choices = choice_list([(0, "—"), *school_choices()])
    form.district_id.choices = choice_list(_district_choices())
    if form.validate_on_submit():
        school = db.session.get(School, form.school_id.data) if form.school_id.data else None
        juror = attempt(
            form,
            lambda: people.register_juror(
                db.session,
                actor=current_user.as_actor(),
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
            ),
        )
        if juror is not None:
            flash(_("Juror registered."), "success")
            return redirect(url_for("registry.juror", juror_id=juror.id))
    return render_template("registry/juror_new.html", form=form)


@bp.route("/jurors/<int:juror_id>", methods=["GET", "POST"])
@roles(*JUROR_READERS)
def juror(juror_id: int) -> str | Response:
    juror = db.session.get(Juror, juror_id) or abort(404)
    relation = RelationForm(prefix="relation")
    declaration = DeclarationForm(prefix="declaration")
    events = db.session.execute(select(Event).order_by(Event.id.desc())).scalars().all()
    declaration.event_id.choices = choice_list((e.id, e.title(current_locale())) for e in events)
    subjects = (
        db.session.execute(select(Subject).join(Event).order_by(Event.id.desc(), Subject.code))
        .scalars()
        .all()
    )
    editor = current_user.has_role(*EDITORS)
    if editor and request.method == "POST":
        actor = current_user.as_actor()
        if submitted(relation) and relation.validate_on_submit():
            if attempt(
                relation,
                lambda: people.declare_relation(
                    db.session,
                    actor=actor,
                    juror=juror,
                    kind=RelationKind(relation.kind.data),
                    full_name=relation.full_name.data or "",
                    iin=relation.iin.data,
                    note=relation.note.data,
                ),
            ):
                flash(_("Relation declared."), "success")
                return redirect(url_for("registry.juror", juror_id=juror.id))
        elif submitted(declaration) and declaration.validate_on_submit():
            event = db.session.get(Event, declaration.event_id.data) or abort(400)
            if attempt(
                declaration,
                lambda: people.sign_declaration(db.session, actor=actor, juror=juror, event=event),
            ):
                flash(_("Declaration recorded."), "success")
                return redirect(url_for("registry.juror", juror_id=juror.id))
        elif "subjects-submit" in request.form:
            picked = {int(v) for v in request.form.getlist("subject_ids") if v.isdigit()}
            chosen = [s for s in subjects if s.id in picked]
            if perform(
                None,
                lambda: people.set_juror_subjects(
                    db.session, actor=actor, juror=juror, subjects=chosen
                ),
            ):
                flash(_("Subjects saved."), "success")
                return redirect(url_for("registry.juror", juror_id=juror.id))
    held = {
        js.subject_id
        for js in db.session.execute(
            select(JurorSubject).where(JurorSubject.juror_id == juror.id)
        ).scalars()
    }
    return render_template(
        "registry/juror.html",
        juror=juror,
        relation=relation,
        declaration=declaration,
        subjects=subjects,
        held=held,
        events={e.id: e for e in events},
        can_edit=editor,
        relation_labels=RELATION_KINDS,
    )
