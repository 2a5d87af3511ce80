"""Flask extensions, created unbound and initialised by the application factory."""

from __future__ import annotations

from flask import current_app, request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

from integrity import ratelimits  # noqa: F401  (registers the shared SQLite counters' scheme)
from integrity.db import db
from integrity.settings import settings_of

migrate = Migrate(render_as_batch=True, compare_type=True)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()


def _client_address() -> str:
    return get_remote_address() or request.remote_addr or "unknown"


def address_and(field: str) -> str:
    """The client's address and what the form names in ``field`` (an account, an access code, a
    serial): a school's computer lab behind one address is not locked out by one pupil's
    mistakes, while each account or code keeps its own limit."""
    typed = " ".join(str(request.form.get(field, "")).split()).casefold()[:100]
    return f"{_client_address()}|{field}:{typed}"


def address_limit() -> str:
    """All guarded attempts from one address together (``ADDRESS_RATE_LIMIT``)."""
    return str(settings_of(current_app).address_rate_limit)


limiter = Limiter(key_func=_client_address, default_limits=[])

__all__ = ["babel", "csrf", "db", "limiter", "login_manager", "migrate"]
