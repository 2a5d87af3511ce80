"""The juror's own pages: their works, and each work's masked pages beside its marking scheme. A
juror's pages show ciphers and masked pixels only; any other id is simply not found.

Submitting is two steps: the marking is checked (every problem at once) and saved as a draft, then
a confirmation page (``submission``) shows the totals and takes the final submission."""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from integrity.accounts.domain import Role
from integrity.extensions import db
from integrity.jury.forms import marked_units, marking_form, typed_marks
from integrity.jury.services import marking, queries
from integrity.jury.views.blueprint import bp, private_jpeg
from integrity.jury.views.totals import totals
from integrity.registry.domain.kinds import units_to_points
from integrity.registry.models import Juror
from integrity.settings import settings_of
from integrity.web.access import roles
from integrity.web.forms import acting, perform


def juror() -> Juror | None:
    return marking.juror_of(db.session, current_user.id)


@bp.route("/")
@roles(Role.JUROR)
def home() -> str:
    """The juror's works, filtered by ``?show=todo|draft|submitted`` (all by default)."""
    me = juror()
    works = marking.works(db.session, me, request.args.get("show", "all")) if me else None
    return render_template("jury/home.html", works=works, juror=me, shows=marking.SHOWS)


@bp.route("/works/<int:assignment_id>")
@roles(Role.JUROR)
def work(assignment_id: int) -> str:
    page = queries.work_page(db.session, juror(), assignment_id)
    return work_page(page, marking_form(page.tasks))


def work_page(page: queries.WorkPage, form: FlaskForm) -> str:
    """The work and its scheme: the points as saved, or as just typed with every field's problem,
    and the running totals of what is there."""
    values: dict[tuple[int, int], Any] = {k: units_to_points(v) for k, v in page.saved.items()}
    if form.is_submitted():
        values.update(typed_marks(form, page.tasks))
    return render_template(
        "jury/work.html",
        page=page,
        assignment=page.assignment,
        cipher=page.assignment.work.cipher,
        round=page.round,
        tasks=page.tasks,
        values=values,
        totals=totals(page.tasks, values),
        problems={name: str(errors[0]) for name, errors in form.errors.items() if errors},
        page_urls=[
            url_for(".page_image", assignment_id=page.assignment.id, number=n)
            for n in range(1, page.pages + 1)
        ],
        units_to_points=units_to_points,
    )


@bp.route("/works/<int:assignment_id>", methods=["POST"])
@roles(Role.JUROR)
def save_marks(assignment_id: int) -> Any:
    """A draft saved; or, for a submission, the marking checked and saved, then confirmed on the
    next page (the button pressed says which)."""
    page = queries.work_page(db.session, juror(), assignment_id)
    submit = request.form.get("action") == "submit"
    form = marking_form(page.tasks, complete=submit)
    if form.validate() and perform(
        form,
        lambda: marking.save(db.session, actor=acting(), assignment=page.assignment,
                             values=marked_units(form, page.tasks), submit=False),
    ):  # fmt: skip
        if submit:
            return redirect(url_for(".confirm_submission", assignment_id=assignment_id))
        flash(_("Draft saved."), "success")
        return redirect(url_for(".work", assignment_id=assignment_id))
    return work_page(page, form)


@bp.route("/works/<int:assignment_id>/pages/<int:number>.jpg")
@roles(Role.JUROR)
def page_image(assignment_id: int, number: int) -> Response:
    assignment = marking.own_assignment(db.session, juror(), assignment_id)
    settings = settings_of(current_app)
    return private_jpeg(marking.masked_page(db.session, assignment.work, number, settings=settings))
