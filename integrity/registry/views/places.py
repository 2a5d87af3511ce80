from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from integrity.extensions import db
from integrity.registry.forms import DistrictForm, ObserverForm, RoomForm, SchoolForm, VenueForm
from integrity.registry.models import District, Room, School, Venue
from integrity.registry.services import places
from integrity.registry.views.blueprint import CATALOGUE_READERS, EDITORS, bp
from integrity.web.access import roles
from integrity.web.forms import attempt, choice_list, submitted
from integrity.web.pagination import Page


@bp.route("/districts", methods=["GET", "POST"])
@roles(*CATALOGUE_READERS)
def districts() -> str | Response:
    form = DistrictForm()
    if current_user.has_role(*EDITORS) and form.validate_on_submit():
        if attempt(
            form,
            lambda: places.add_district(
                db.session,
                actor=current_user.as_actor(),
                name_kk=form.name_kk.data or "",
                name_ru=form.name_ru.data or "",
                kato=form.kato.data,
            ),
        ):
            flash(_("District added."), "success")
            return redirect(url_for("registry.districts"))
    counts = dict(
        db.session.execute(
            select(School.district_id, func.count()).group_by(School.district_id)
        ).all()
    )
    rows = db.session.execute(select(District).order_by(District.name_kk)).scalars().all()
    return render_template(
        "registry/districts.html",
        districts=rows,
        counts=counts,
        form=form,
        can_edit=current_user.has_role(*EDITORS),
    )


@bp.route("/schools", methods=["GET", "POST"])
@roles(*CATALOGUE_READERS)
def schools() -> str | Response:
    form = SchoolForm()
    form.district_id.choices = choice_list(
        (d.id, d.name_kk)
        for d in db.session.execute(select(District).order_by(District.name_kk)).scalars()
    )
    if current_user.has_role(*EDITORS) and form.validate_on_submit():
        district = db.session.get(District, form.district_id.data) or abort(400)
        if attempt(
            form,
            lambda: places.add_school(
                db.session,
                actor=current_user.as_actor(),
                district=district,
                name_kk=form.name_kk.data or "",
                name_ru=form.name_ru.data or "",
                bin_=form.bin.data,
            ),
        ):
            flash(_("School added."), "success")
            return redirect(url_for("registry.schools"))
    text = request.args.get("q", "").strip()
    query = select(School)
    if text:
        key = text.lower()
        query = query.where(
            or_(
                func.lower(School.name_kk).contains(key, autoescape=True),
                func.lower(School.name_ru).contains(key, autoescape=True),
            )
        )
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    page = Page.from_request(total)
    rows = (
        db.session.execute(
            query.options(joinedload(School.district))
            .order_by(School.name_kk)
            .limit(page.size)
            .offset(page.offset)
        )
        .scalars()
        .all()
    )
    return render_template(
        "registry/schools.html",
        schools=rows,
        page=page,
        q=text,
        form=form,
        can_edit=current_user.has_role(*EDITORS),
    )


@bp.route("/venues", methods=["GET", "POST"])
@roles(*CATALOGUE_READERS)
def venues() -> str | Response:
    form = VenueForm()
    if current_user.has_role(*EDITORS) and form.validate_on_submit():
        venue = attempt(
            form,
            lambda: places.add_venue(
                db.session,
                actor=current_user.as_actor(),
                name=form.name.data or "",
                address=form.address.data,
            ),
        )
        if venue is not None:
            flash(_("Venue added."), "success")
            return redirect(url_for("registry.venue", venue_id=venue.id))
    rows = db.session.execute(select(Venue).order_by(Venue.name)).scalars().all()
    return render_template(
        "registry/venues.html", venues=rows, form=form, can_edit=current_user.has_role(*EDITORS)
    )


@bp.route("/venues/<int:venue_id>", methods=["GET", "POST"])
@roles(*CATALOGUE_READERS)
def venue(venue_id: int) -> str | Response:
    venue = db.session.get(Venue, venue_id) or abort(404)
    room_form = RoomForm(prefix="room")
    observer_form = ObserverForm(prefix="observer")
    editor = current_user.has_role(*EDITORS)
    if editor and submitted(room_form) and room_form.validate_on_submit():
        if attempt(
            room_form,
            lambda: places.add_room(
                db.session,
                actor=current_user.as_actor(),
                venue=venue,
                name=room_form.name.data or "",
                capacity=room_form.capacity.data or 0,
                camera_stream_url=room_form.camera_stream_url.data,
                recording_url=room_form.recording_url.data,
            ),
        ):
            flash(_("Room added."), "success")
            return redirect(url_for("registry.venue", venue_id=venue.id))
    if editor and submitted(observer_form) and observer_form.validate_on_submit():
        room = db.session.get(Room, request.form.get("room_id", type=int) or 0)
        if room is None or room.venue_id != venue.id:
            abort(400)
        if attempt(
            observer_form,
            lambda: places.add_room_observer(
                db.session,
                actor=current_user.as_actor(),
                room=room,
                full_name=observer_form.full_name.data or "",
                organisation=observer_form.organisation.data,
            ),
        ):
            flash(_("Observer added."), "success")
            return redirect(url_for("registry.venue", venue_id=venue.id))
    return render_template(
        "registry/venue.html",
        venue=venue,
        room_form=room_form,
        observer_form=observer_form,
        can_edit=editor,
    )
