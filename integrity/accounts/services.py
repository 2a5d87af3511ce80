"""Account use cases. Each flushes and records exactly one audit event (``update_user``: one
for each use case it runs); callers commit."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from integrity.accounts.domain import Role, password_problem, username_problem
from integrity.accounts.models import User, UserRole
from integrity.accounts.sessions import SessionStore
from integrity.audit.domain.chain import Actor
from integrity.audit.services import record_event
from integrity.db import AnySession
from integrity.errors import Conflict, DomainError, InvalidInput

# scrypt is memory-hard (N=2**15, r=8: 32 MiB a hash), which makes stolen hashes slow to crack.
PASSWORD_METHOD = "scrypt:32768:8:1"  # noqa: S105  (a hashing method, not a password)
# Verifying against this when the user does not exist keeps both answers equally slow.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method=PASSWORD_METHOD)

USERNAME_PROBLEMS = {
    "length": _l("A username has 3 to 64 characters."),
    "characters": _l(
        "A username may hold only Latin lowercase letters, digits, dot, dash and underscore."
    ),
}
PASSWORD_PROBLEMS = {
    "short": _l("The password must have at least 10 characters."),
    "same_as_username": _l("The password must differ from the username."),
}


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=PASSWORD_METHOD)


def find_user(session: AnySession, username: str) -> User | None:
    return session.execute(
        select(User).where(User.username == username.strip().lower())
    ).scalar_one_or_none()


def authenticate(session: AnySession, username: str, password: str) -> User | None:
    user = find_user(session, username)
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    return user


def create_user(
    session: AnySession,
    *,
    actor: Actor,
    username: str,
    display_name: str,
    password: str,
    roles: Iterable[Role],
    locale: str | None = None,
) -> User:
    username = username.strip().lower()
    problem = username_problem(username)
    if problem:
        raise InvalidInput(USERNAME_PROBLEMS[problem], field="username")
    problem = password_problem(password, username=username)
    if problem:
        raise InvalidInput(PASSWORD_PROBLEMS[problem], field="password")
    role_set = sorted({Role(r) for r in roles})
    if not role_set:
        raise InvalidInput(_l("Choose at least one role."), field="roles")
    taken = session.scalar(select(func.count()).select_from(User).where(User.username == username))
    if taken:
        raise Conflict(_l("The username %(name)s is taken.", name=username), field="username")
    user = User(
        username=username,
        display_name=display_name.strip() or username,
        password_hash=hash_password(password),
        locale=locale,
        role_rows=[UserRole(role=r.value) for r in role_set],
    )
    session.add(user)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="accounts.create_user",
        subject=f"user:{user.id}",
        data={"username": username, "roles": [r.value for r in role_set]},
    )
    return user


def set_roles(
    session: AnySession,
    *,
    actor: Actor,
    user: User,
    roles: Iterable[Role],
    sessions: SessionStore,
) -> None:
    """Give ``user`` exactly ``roles``; a change ends every session of the user."""
    wanted = {Role(r) for r in roles}
    if not wanted:
        raise InvalidInput(_l("Choose at least one role."), field="roles")
    if wanted == user.roles:
        return
    before = sorted(r.value for r in user.roles)
    user.role_rows = [r for r in user.role_rows if Role(r.role) in wanted]
    for role in sorted(wanted - user.roles):
        user.role_rows.append(UserRole(role=role.value))
    session.flush()
    sessions.end_all_of(session, user, reason="roles_changed")
    record_event(
        session,
        actor=actor,
        action="accounts.set_roles",
        subject=f"user:{user.id}",
        data={"before": before, "after": sorted(r.value for r in wanted)},
    )


def set_password(
    session: AnySession,
    *,
    actor: Actor,
    user: User,
    password: str,
    sessions: SessionStore,
    keep: str | None = None,
) -> None:
    """Set a new password and end the user's other sessions (``keep``: the session of the user
    changing their own password, which goes on)."""
    problem = password_problem(password, username=user.username)
    if problem:
        raise InvalidInput(PASSWORD_PROBLEMS[problem], field="password")
    user.password_hash = hash_password(password)
    session.flush()
    sessions.end_all_of(session, user, reason="password_changed", keep=keep)
    record_event(session, actor=actor, action="accounts.set_password", subject=f"user:{user.id}")


def set_active(
    session: AnySession, *, actor: Actor, user: User, active: bool, sessions: SessionStore
) -> None:
    """Activate or deactivate ``user``; deactivation ends every session of the user."""
    if user.active == active:
        return
    user.active = active
    session.flush()
    if not active:
        sessions.end_all_of(session, user, reason="deactivated")
    record_event(
        session,
        actor=actor,
        action="accounts.set_active",
        subject=f"user:{user.id}",
        data={"active": active},
    )


def update_user(
    session: AnySession,
    *,
    actor: Actor,
    user: User,
    roles: Iterable[Role],
    active: bool,
    sessions: SessionStore,
) -> None:
    """The administrator's edit of a user: its roles, then whether it is active (one audit event
    each, for what changed). Nobody deactivates their own account: no one could undo it."""
    if user.id == actor.id and not active:
        raise DomainError(_l("You cannot deactivate your own account."))
    set_roles(session, actor=actor, user=user, roles=roles, sessions=sessions)
    set_active(session, actor=actor, user=user, active=active, sessions=sessions)


def users_by_name(session: AnySession) -> Sequence[User]:
    """Every account, by username (the administrator's list)."""
    return session.execute(select(User).order_by(User.username)).scalars().all()


def set_locale(session: AnySession, *, actor: Actor, user: User, locale: str) -> None:
    if locale not in ("kk", "ru", "en"):
        raise InvalidInput(_l("Unknown language."), field="locale")
    if user.locale == locale:
        return
    user.locale = locale
    session.flush()
    record_event(
        session,
        actor=actor,
        action="accounts.set_locale",
        subject=f"user:{user.id}",
        data={"locale": locale},
    )


def record_login(session: AnySession, *, user: User) -> None:
    record_event(session, actor=user.as_actor(), action="accounts.login", subject=f"user:{user.id}")


def record_logout(session: AnySession, *, user: User) -> None:
    record_event(
        session, actor=user.as_actor(), action="accounts.logout", subject=f"user:{user.id}"
    )
