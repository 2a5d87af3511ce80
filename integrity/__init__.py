"""Integrity: an olympiad and competition integrity platform.

``create_app`` is the one wiring list: configuration, extensions, and then, in the order of the
flow, every blueprint, menu entry, background job kind, hook and command group. Nothing else
lists them.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(
    overrides: dict[str, Any] | None = None, *, instance_path: str | None = None
) -> Flask:
    app = Flask(
        __name__,
        instance_path=instance_path or os.environ.get("INTEGRITY_INSTANCE_PATH") or None,
        instance_relative_config=True,
        template_folder="templates",  # inside the package, so that an installed wheel has them
        static_folder="static",
    )
    _configure(app, overrides or {})
    _extensions(app)
    _blueprints(app)
    _jobs_and_hooks(app)
    _commands(app)
    return app


def _configure(app: Flask, overrides: dict[str, Any]) -> None:
    from integrity import config, settings
    from integrity.risk.domain import parse_thresholds

    values = config.load_settings(Path(app.instance_path), overrides=overrides)
    try:  # the risk area's own setting, checked at start-up like the others
        parse_thresholds(str(values["RISK_THRESHOLDS"]))
    except ValueError as exc:
        raise config.ConfigError(f"RISK_THRESHOLDS: {exc}") from None
    app.config.from_mapping(config.flask_config(values))
    # The one settings object: views, commands and jobs read it and pass it on (integrity.settings).
    settings.install(app, settings.Settings.from_values(values))
    # Overrides that are not our settings are Flask keys (tests switch off CSRF this way).
    app.config.update({k: v for k, v in overrides.items() if k not in values})
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    settings.settings_of(app).data_dir.mkdir(parents=True, exist_ok=True)


def _extensions(app: Flask) -> None:
    from integrity import logs, web
    from integrity.accounts import sessions
    from integrity.extensions import babel, csrf, db, limiter, login_manager, migrate
    from integrity.settings import settings_of

    app.jinja_env.add_extension("jinja2.ext.do")
    logs.configure(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    babel.init_app(app, locale_selector=web.select_locale)
    app.extensions[sessions.EXTENSION] = sessions.open_sessions(settings_of(app).session_store_url)
    from integrity import models  # noqa: F401  (registers every table on the metadata)


def _blueprints(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from integrity import web
    from integrity.accounts.views import bp as accounts_bp
    from integrity.audit.views import bp as audit_bp
    from integrity.diplomas.views import bp as diplomas_bp
    from integrity.diplomas.views import verify_bp
    from integrity.jury.views import bp as jury_bp
    from integrity.jury.views import public_bp as draws_bp
    from integrity.protocols.views import appeal_bp, results_bp
    from integrity.protocols.views import bp as protocols_bp
    from integrity.public.ledger import bp as ledger_bp
    from integrity.public.views import bp as public_bp
    from integrity.registry.views import bp as registry_bp
    from integrity.risk.views import bp as risk_bp
    from integrity.risk.views import check_bp as report_check_bp
    from integrity.scans.views import bp as scans_bp
    from integrity.uploads import web as uploads
    from integrity.vault.views import bp as vault_bp

    for blueprint in (public_bp, accounts_bp, audit_bp, registry_bp, scans_bp, ledger_bp, vault_bp,
                      jury_bp, draws_bp, protocols_bp, results_bp, appeal_bp, diplomas_bp,
                      verify_bp, risk_bp, report_check_bp):  # fmt: skip
        app.register_blueprint(blueprint)
    # The main menu: each entry is shown to whoever its route's own access declaration admits.
    menu = (
        web.MenuEntry("registry.events", _l("Events")),
        web.MenuEntry("registry.participants", _l("Participants")),
        web.MenuEntry("registry.jurors", _l("Jurors")),
        web.MenuEntry("registry.schools", _l("Schools")),
        web.MenuEntry("registry.venues", _l("Venues")),
        web.MenuEntry("scans.index", _l("Scans")),
        web.MenuEntry("jury.home", _l("My works")),
        web.MenuEntry("risk.dashboard", _l("Integrity dashboard")),
        web.MenuEntry("audit.log", _l("Audit log")),
        web.MenuEntry("accounts.users", _l("Users")),
    )
    web.init_app(app, menu=menu)
    uploads.init_app(app, purposes=_upload_purposes())


def _upload_purposes() -> tuple[Any, ...]:
    from integrity.scans.tasks import SCANS_UPLOAD

    return (SCANS_UPLOAD,)


def _jobs_and_hooks(app: Flask) -> None:
    from integrity import jobs
    from integrity.audit.wiring import (
        register_head_sources,
        register_subject_namers,
        register_value_words,
    )
    from integrity.audit_names import NAMERS as AUDIT_NAMERS
    from integrity.audit_names import value_words as audit_value_words
    from integrity.diplomas.services.keys import published_heads as status_list_heads
    from integrity.diplomas.tasks import RENDER
    from integrity.jury.services.conflicts import FREEZE_STEP
    from integrity.jury.services.draws import published_heads as draw_heads
    from integrity.protocols.services import published_heads as protocol_heads
    from integrity.protocols.tasks import REFRESH_RENDERINGS
    from integrity.registry.tasks import APPLY_IMPORT, CHECK_IMPORT
    from integrity.risk.services import published_heads as report_heads
    from integrity.scans import wiring as scans_wiring
    from integrity.scans.services.queue import published_heads as ledger_heads
    from integrity.scans.tasks import INGEST
    from integrity.uploads.tasks import EXPIRE as EXPIRE_UPLOADS
    from integrity.uploads.tasks import FINISH as FINISH_UPLOAD

    # Every kind of background job; in tests a job runs in the request that submits it.
    jobs.init_app(
        app,
        kinds=(CHECK_IMPORT, APPLY_IMPORT, FINISH_UPLOAD, EXPIRE_UPLOADS, INGEST, RENDER,
               REFRESH_RENDERINGS, jobs.PRUNE),
    )  # fmt: skip
    # What later areas do at a round's scan freeze (the jury writes down each work's conflicts).
    app.extensions[scans_wiring.EXTENSION] = (FREEZE_STEP,)
    # Every chain head recorded at a publication, which `integrity audit verify` checks.
    register_head_sources(
        app, (ledger_heads, draw_heads, protocol_heads, status_list_heads, report_heads)
    )
    # The names and pages of the records audit events are about, for the audit log.
    register_subject_namers(app, AUDIT_NAMERS)
    register_value_words(app, audit_value_words)


def _commands(app: Flask) -> None:
    from integrity.accounts.cli import users
    from integrity.audit.cli import audit
    from integrity.demo.cli import demo
    from integrity.diplomas.cli import diplomas
    from integrity.jobs.cli import jobs as jobs_command
    from integrity.jury.cli import jury
    from integrity.ops.cli import backup, restore, serve
    from integrity.protocols.cli import protocols, unseal_command
    from integrity.registry.cli import registry
    from integrity.risk.cli import risk
    from integrity.scans.cli import kits, scans
    from integrity.vault.cli import vault

    # Every command group, in the order of the flow.
    for command in (users, audit, registry, kits, scans, vault, jury, protocols, diplomas, risk,
                    jobs_command, demo, backup, restore, serve):  # fmt: skip
        app.cli.add_command(command)
    vault.add_command(unseal_command)  # `integrity vault unseal`: a protocols use case, see there
