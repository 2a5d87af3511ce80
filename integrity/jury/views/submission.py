"""A juror's final submission, confirmed on its own server-rendered page: the totals per task and
for the work as saved, and one button that submits exactly those points (works without script)."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from integrity.accounts.domain import Role
from integrity.extensions import db
from integrity.jury.forms import criterion_field, marked_units, marking_form
from integrity.jury.services import marking, queries
from integrity.jury.views.blueprint import bp
from integrity.jury.views.juror import juror, work_page
from integrity.jury.views.totals import totals
from integrity.registry.domain.kinds import units_to_points
from integrity.web.access import roles
from integrity.web.forms import acting, perform


@bp.route("/works/<int:assignment_id>/submit")
@roles(Role.JUROR)
def confirm_submission(assignment_id: int) -> Any:
    """The saved draft's totals and the final button; a submitted work goes back to its page."""
    page = queries.work_page(db.session, juror(), assignment_id)
    if page.assignment.submitted_at is not None:
        return redirect(url_for(".work", assignment_id=assignment_id))
    values = {k: units_to_points(v) for k, v in page.saved.items()}
    return render_template(
        "jury/confirm.html",
        page=page,
        cipher=page.assignment.work.cipher,
        values=values,
        totals=totals(page.tasks, values),
        field_name=criterion_field,
        units_to_points=units_to_points,
    )


@bp.route("/works/<int:assignment_id>/submit", methods=["POST"])
@roles(Role.JUROR)
def submit_marks(assignment_id: int) -> Any:
    """The confirmed points submitted; a marking that is not complete goes back with its errors."""
    page = queries.work_page(db.session, juror(), assignment_id)
    form = marking_form(page.tasks, complete=True)
    if form.validate() and perform(
        form,
        lambda: marking.save(db.session, actor=acting(), assignment=page.assignment,
                             values=marked_units(form, page.tasks), submit=True),
    ):  # fmt: skip
        flash(_("Submitted. Thank you."), "success")
        return redirect(url_for(".work", assignment_id=assignment_id))
    return work_page(page, form)
