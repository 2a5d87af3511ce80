from __future__ import annotations

import click

from integrity.extensions import db


@click.command("demo")
@click.option(
    "--reset", is_flag=True, help="Delete this instance's database, then rebuild the demo."
)
@click.option(
    "--if-empty", is_flag=True, help="Load the demo only when the database holds nothing yet."
)
@click.option("--yes", is_flag=True, help="Do not ask before --reset deletes data.")
@click.option(
    "--no-scans", is_flag=True, help="Skip the scan step (kits, simulated scans, a frozen round)."
)
@click.option(
    "--address", default="", help="Where the server will listen, to print whole links (http://…)."
)
def demo(reset: bool, if_empty: bool, yes: bool, no_scans: bool, address: str) -> None:
    """Load the generated demo event (600 participants, 30 jurors, an account per role)."""
    from flask_migrate import upgrade
    from sqlalchemy import func, select

    from integrity.accounts.models import User

    _serve_diplomas_at(address)
    if reset:
        if not yes:
            click.confirm("This deletes every record of this instance. Continue?", abort=True)
        _drop_everything()
    upgrade()
    if db.session.scalar(select(func.count()).select_from(User)):
        if not if_empty:
            raise click.ClickException(
                "the database is not empty; use `integrity demo --reset` to rebuild it"
            )
        click.echo("The demo is already loaded (rebuild it with `integrity demo --reset`).")
    else:
        _load(scans=not no_scans)
    _what_to_try(address)


def _serve_diplomas_at(address: str) -> None:
    """The demo's diplomas link to where the demo serves, so their QR codes open: with
    PUBLIC_HOST left at its built-in placeholder, ``address`` stands in for it (scripts/demo
    gives it, and exports the same as INTEGRITY_PUBLIC_HOST for the server it starts)."""
    from flask import current_app

    from integrity.config import DEFAULT_PUBLIC_HOST
    from integrity.settings import install, settings_of

    settings = settings_of(current_app)
    if settings.host == DEFAULT_PUBLIC_HOST and address:
        install(current_app, settings.replace(public_host=address.strip().rstrip("/")))


def _drop_everything() -> None:
    db.session.remove()
    db.drop_all()
    with db.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")


def _load(*, scans: bool) -> None:
    from flask import current_app

    from integrity.audit.domain import Actor
    from integrity.demo.loader import load_demo
    from integrity.demo.protocols import render_demo_batches
    from integrity.diplomas.services.rendering import placeholder_host
    from integrity.settings import settings_of

    if placeholder_host(settings_of(current_app)):  # checked before anything is loaded
        raise click.ClickException(
            "The demo's diplomas are printed with QR links, and PUBLIC_HOST is the built-in "
            "default: give --address http://<host>:<port> (where the demo serves) or set "
            "INTEGRITY_PUBLIC_HOST."
        )

    click.echo("Loading the demo (the scan step takes a minute)…" if scans else "Loading the demo…")
    event = load_demo(db.session, scans=scans)
    db.session.commit()
    render_demo_batches(Actor(None, "demo"))
    click.echo(f"Demo loaded: event {event.id}.")


def _what_to_try(address: str) -> None:
    """The accounts, and where each step of the demo shows (whole links when ``address`` is
    given)."""
    from integrity.demo.loader import DEMO_PASSWORD, demo_access_code, demo_accounts
    from integrity.demo.protocols import demo_diploma_path
    from integrity.demo.scans import DEMO_CHAIR_PASSPHRASE

    click.echo(f"Demo accounts, one per role (password for all: {DEMO_PASSWORD}):")
    for username, role in demo_accounts(db.session):
        click.echo(f"  {username:<10} {role}")
    click.echo(f"The jury chair's vault passphrase (demo only): {DEMO_CHAIR_PASSPHRASE}")
    click.echo(
        "Scans to upload: sign in as itspec, open Scans, then the round that offers demo scans."
    )
    click.echo(
        "Jury: sign in as chair and open Events → a round → Jury draw (one round is drawn and "
        "being marked, another is ready for a draw by hand); the juror above has works to mark."
    )
    diploma = demo_diploma_path(db.session)
    if diploma:
        # The QR itself links to PUBLIC_HOST (the --address, when PUBLIC_HOST is not set).
        where = f"{address.rstrip('/')}{diploma}" if address else f"{diploma} at the address below"
        click.echo(
            f"Diplomas: a demo diploma's QR code opens {where} (another demo diploma is "
            "annulled); staff see them under /diplomas/events/1."
        )
    click.echo(
        "Integrity dashboard: sign in as director and open /risk/ (last year's analysis signed, "
        "this year's measured from the demo's records, with red and amber lights)."
    )
    code = demo_access_code(db.session)
    if code:
        click.echo(
            f"Appeal: a participant's access code (their protocol takes appeals now): {code} "
            "— open /appeal/ with it. Results: /results/events/1."
        )
