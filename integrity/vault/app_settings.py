"""Transitional: the running app's settings, for callers that do not pass them in yet.

Every view, command and job of the scans and vault areas passes its settings to the services.
Callers in files other sessions own still call without them: ``tests/factories.py``, the demo
(``integrity.demo``), the jury's draw and the diplomas' signing keys (``server_key(purpose)``) and
the appeals' access-code lookup (``appeal_tag(code)``). Once they pass ``settings``, the services'
``settings`` parameters become required and this module goes.
"""

from __future__ import annotations

from flask import current_app

from integrity.settings import Settings, settings_of


def given_or_app(settings: Settings | None) -> Settings:
    return settings if settings is not None else settings_of(current_app)
