from __future__ import annotations

import click

from integrity.extensions import db


@click.command("demo")
@click.option(
    "--reset",
    is_flag=True,
    help="Delete this instance's database and stored files, then rebuild the demo.",
)
@click.option(
    "--if-empty", is_flag=True, help="Load the demo only when the database holds nothing yet."
)
@click.option("--yes", is_flag=True, help="Do not ask before --reset deletes data.")
def demo(reset: bool, if_empty: bool, yes: bool) -> None:
    """Load the generated demo event (600 participants, 30 jurors, an account per role)."""
    from flask_migrate import upgrade
    from sqlalchemy import func, select

    from integrity.accounts.models import User
    from integrity.demo.loader import DEMO_PASSWORD, demo_accounts, load_demo

    if reset:
        if not yes:
            click.confirm("This deletes every record of this instance. Continue?", abort=True)
        db.session.remove()
        db.drop_all()
        with db.engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    upgrade()
    has_users = db.session.scalar(select(func.count()).select_from(User))
    if has_users:
        if if_empty:
            click.echo("demo data already loaded")
            return
        raise click.ClickException(
            "the database is not empty; use `integrity demo --reset` to rebuild it"
        )
    event = load_demo(db.session)
    db.session.commit()
    click.echo(f"demo loaded: event {event.id}; accounts (password: {DEMO_PASSWORD}):")
    for username, role in demo_accounts():
        click.echo(f"  {username:<10} {role}")
