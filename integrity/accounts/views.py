"""Signing in and out, the language, the account page, and the administrator's user pages."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from integrity.accounts import services
from integrity.accounts.domain import Role
from integrity.accounts.forms import LanguageForm, LoginForm, UserForm, UserRolesForm
from integrity.accounts.labels import role_labels
from integrity.accounts.models import User
from integrity.accounts.sessions import sessions_of
from integrity.extensions import address_and, address_limit, db, limiter
from integrity.settings import settings_of
from integrity.web import LANGUAGES
from integrity.web.access import public, roles, signed_in
from integrity.web.forms import acting, attempt, choice_list, perform

bp = Blueprint("accounts", __name__)


def safe_next(target: str | None, fallback: str) -> str:
    """Only same-site relative paths: an open redirect would let a phishing link borrow our name."""
    if not target:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    return target


def _login_limit() -> str:
    return str(settings_of(current_app).login_rate_limit)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], key_func=lambda: address_and("username"))
@limiter.limit(address_limit, methods=["POST"])
@public
def login() -> str | Response:
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = services.authenticate(db.session, form.username.data or "", form.password.data or "")
        if user is None:
            current_app.logger.info("login refused", extra={"fields": {"event": "login_failed"}})
            flash(_("Wrong username or password."), "error")
        else:
            chosen = session.get("locale")  # chosen on this page before signing in
            session.clear()
            session["sid"] = sessions_of(current_app).start(db.session, user)
            login_user(user)
            services.record_login(db.session, user=user)
            if chosen in LANGUAGES:  # the latest explicit choice wins, and the account keeps it
                session["locale"] = chosen
                services.set_locale(db.session, actor=acting(), user=user, locale=chosen)
            db.session.commit()
            return redirect(safe_next(form.next.data, url_for("public.home")))
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@signed_in
def logout() -> Response:
    sessions_of(current_app).end(db.session, session.get("sid"), reason="signed_out")
    services.record_logout(db.session, user=current_user)
    db.session.commit()
    logout_user()
    session.clear()
    return redirect(url_for("public.home"))


@bp.route("/language", methods=["POST"])
@public
def language() -> Response:
    form = LanguageForm()
    if not form.validate_on_submit():
        abort(400)
    locale = form.locale.data or "kk"
    session["locale"] = locale
    if current_user.is_authenticated:
        services.set_locale(db.session, actor=acting(), user=current_user, locale=locale)
        db.session.commit()
    return redirect(safe_next(form.next.data, url_for("public.home")))


@bp.route("/account")
@signed_in
def account() -> str:
    return render_template("accounts/account.html")


@bp.route("/admin/users", methods=["GET", "POST"])
@roles(Role.ADMIN)
def users() -> str | Response:
    form = UserForm()
    form.roles.choices = choice_list(role_labels().items())
    if form.validate_on_submit():
        user = attempt(
            form,
            lambda: services.create_user(
                db.session,
                actor=acting(),
                username=form.username.data or "",
                display_name=form.display_name.data or "",
                password=form.password.data or "",
                roles=[Role(r) for r in form.roles.data or []],
            ),
        )
        if user is not None:
            flash(_("User %(name)s created.", name=user.username), "success")
            return redirect(url_for("accounts.users"))
    rows = services.users_by_name(db.session)
    return render_template("accounts/users.html", form=form, users=rows, role_labels=role_labels())


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@roles(Role.ADMIN)
def edit_user(user_id: int) -> str | Response:
    user = db.session.get(User, user_id) or abort(404)
    form = UserRolesForm(roles=sorted(r.value for r in user.roles), active=user.active)
    form.roles.choices = choice_list(role_labels().items())
    if form.validate_on_submit() and perform(
        None,  # every refusal is flashed, as the page always did
        lambda: services.update_user(
            db.session,
            actor=acting(),
            user=user,
            roles=[Role(r) for r in form.roles.data or []],
            active=bool(form.active.data),
            sessions=sessions_of(current_app),
        ),
    ):
        flash(_("Saved."), "success")
        return redirect(url_for("accounts.users"))
    return render_template("accounts/edit_user.html", form=form, user=user)
