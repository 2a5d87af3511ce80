"""Places: districts, schools, venues with their rooms and observers."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from integrity.extensions import db
from integrity.registry.forms import DistrictForm, ObserverForm, RoomForm, SchoolForm, VenueForm
from integrity.registry.models import District, Room, School, Venue
from integrity.registry.services import places, queries
from integrity.registry.views.blueprint import CATALOGUE_READERS, EDITORS, bp
from integrity.web.access import roles
from integrity.web.forms import acting, attempt, choice_list
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
                actor=acting(),
                name_kk=form.name_kk.data or "",
                name_ru=form.name_ru.data or "",
                kato=form.kato.data,
            ),
        ):
            flash(_("District added."), "success")
            return redirect(url_for("registry.districts"))
    return render_template(
        "registry/districts.html",
        districts=queries.districts(db.session),
        counts=queries.schools_per_district(db.session),
        form=form,
        can_edit=current_user.has_role(*EDITORS),
    )


def _add_school(form: SchoolForm) -> School:
    """The form's school, added (the service refuses what is wrong)."""
    district = db.session.get(District, form.district_id.data) or abort(400)
    return places.add_school(
        db.session,
        actor=acting(),
        district=district,
        name_kk=form.name_kk.data or "",
        name_ru=form.name_ru.data or "",
        bin_=form.bin.data,
    )


@bp.route("/schools", methods=["GET", "POST"])
@roles(*CATALOGUE_READERS)
def schools() -> str | Response:
    form = SchoolForm()
    form.district_id.choices = choice_list((d.id, d.name_kk) for d in queries.districts(db.session))
    if current_user.has_role(*EDITORS) and form.validate_on_submit():
        if attempt(form, lambda: _add_school(form)):
            flash(_("School added."), "success")
            return redirect(url_for("registry.schools"))
    text = request.args.get("q", "").strip()
    rows, page = queries.schools(db.session, text, Page.from_request)
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
                actor=acting(),
                name=form.name.data or "",
                address=form.address.data,
            ),
        )
        if venue is not None:
            flash(_("Venue added."), "success")
            return redirect(url_for("registry.venue", venue_id=venue.id))
    return render_template(
        "registry/venues.html",
        venues=queries.venues(db.session),
        form=form,
        can_edit=current_user.has_role(*EDITORS),
    )


def _venue_page(
    venue: Venue, room_form: RoomForm | None = None, observer_form: ObserverForm | None = None
) -> str:
    """The venue's page; a refused change shows its form again, with the problem."""
    return render_template(
        "registry/venue.html",
        venue=venue,
        room_form=room_form or RoomForm(prefix="room"),
        observer_form=observer_form or ObserverForm(prefix="observer"),
        can_edit=current_user.has_role(*EDITORS),
    )


@bp.route("/venues/<int:venue_id>")
@roles(*CATALOGUE_READERS)
def venue(venue_id: int) -> str:
    return _venue_page(db.session.get(Venue, venue_id) or abort(404))


@bp.route("/venues/<int:venue_id>/rooms", methods=["POST"])
@roles(*EDITORS)
def add_room(venue_id: int) -> str | Response:
    venue = db.session.get(Venue, venue_id) or abort(404)
    form = RoomForm(prefix="room")
    if form.validate_on_submit() and attempt(
        form,
        lambda: places.add_room(
            db.session,
            actor=acting(),
            venue=venue,
            name=form.name.data or "",
            capacity=form.capacity.data or 0,
            camera_stream_url=form.camera_stream_url.data,
            recording_url=form.recording_url.data,
        ),
    ):
        flash(_("Room added."), "success")
        return redirect(url_for("registry.venue", venue_id=venue.id))
    return _venue_page(venue, room_form=form)


@bp.route("/venues/<int:venue_id>/observers", methods=["POST"])
@roles(*EDITORS)
def add_room_observer(venue_id: int) -> str | Response:
    venue = db.session.get(Venue, venue_id) or abort(404)
    form = ObserverForm(prefix="observer")
    if form.validate_on_submit():
        room = db.session.get(Room, request.form.get("room_id", type=int) or 0)
        if room is None or room.venue_id != venue.id:
            abort(400)
        if attempt(
            form,
            lambda: places.add_room_observer(
                db.session,
                actor=acting(),
                room=room,
                full_name=form.full_name.data or "",
                organisation=form.organisation.data,
            ),
        ):
            flash(_("Observer added."), "success")
            return redirect(url_for("registry.venue", venue_id=venue.id))
    return _venue_page(venue, observer_form=form)
