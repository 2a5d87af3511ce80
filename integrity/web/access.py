"""Who may use which route. Every view declares it; undeclared routes are refused.

A test walks the whole URL map to check that each endpoint carries a declaration and that each
role is refused what it must not see.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Flask, abort, current_app, redirect, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from integrity.accounts.domain import Role

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Access:
    public: bool = False
    roles: frozenset[Role] = frozenset()  # empty and not public: any signed-in user

    def allows(self, user: Any) -> bool:
        if self.public:
            return True
        if not getattr(user, "is_authenticated", False):
            return False
        return not self.roles or bool(self.roles & user.roles)


def public(view: F) -> F:
    view.access = Access(public=True)  # type: ignore[attr-defined]
    return view


def signed_in(view: F) -> F:
    view.access = Access()  # type: ignore[attr-defined]
    return view


def roles(*allowed: Role) -> Callable[[F], F]:
    if not allowed:
        raise ValueError("name at least one role, or use @signed_in")

    def decorate(view: F) -> F:
        view.access = Access(roles=frozenset(allowed))  # type: ignore[attr-defined]
        return view

    return decorate


# Flask's own endpoint for /static has no decorator of ours.
PUBLIC_ENDPOINTS = frozenset({"static"})


def access_of(app: Flask, endpoint: str) -> Access | None:
    if endpoint in PUBLIC_ENDPOINTS:
        return Access(public=True)
    view = app.view_functions.get(endpoint)
    return getattr(view, "access", None)


def enforce_access() -> BaseResponse | None:
    endpoint = request.endpoint
    if endpoint is None:  # no route matched: the 404/405 handlers answer
        return None
    access = access_of(current_app, endpoint)
    if access is None:
        current_app.logger.error("route %s declares no access rule; refused", endpoint)
        abort(403)
    if access.allows(current_user):
        return None
    if not current_user.is_authenticated:
        if request.accept_mimetypes.best == "application/json" or request.path.startswith("/api/"):
            abort(401)
        return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
    abort(403)
