from __future__ import annotations

import os
import shutil
import sys
import zipfile
from pathlib import Path

import click
from flask import current_app

from integrity.extensions import db
from integrity.settings import settings_of


@click.command("backup")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
def backup(out: Path) -> None:
    """Write a consistent snapshot (database and stored files) to OUT while the server runs."""
    from integrity.ops.backup import BackupError, write_backup

    try:
        manifest = write_backup(db.engine, Path(settings_of(current_app).data_dir), out)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    rows = sum(manifest["tables"].values())
    click.echo(
        f"backup written to {out}: {rows} rows, {len(manifest['files'])} files, "
        f"audit head {manifest['audit_head'][0]}"
    )


@click.command("restore")
@click.argument(
    "archive_path", metavar="IN", type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
def restore(archive_path: Path) -> None:
    """Restore a backup into this instance, whose database must be empty (new or just migrated)."""
    from flask_migrate import upgrade

    from integrity.audit.services import verify
    from integrity.ops.backup import (
        BackupError,
        is_empty,
        read_manifest,
        restore_files,
        restore_rows,
    )

    try:
        archive = zipfile.ZipFile(archive_path)
    except zipfile.BadZipFile:
        raise click.ClickException(f"{archive_path.name}: not a backup archive") from None
    with archive:
        try:
            manifest = read_manifest(archive)
            upgrade(revision=manifest["revision"])
            with db.engine.connect() as conn:
                if not is_empty(conn):
                    raise BackupError(
                        "the database already holds data; restore only into an empty instance"
                    )
            files = restore_files(archive, manifest, Path(settings_of(current_app).data_dir))
            with db.engine.begin() as conn:
                restore_rows(conn, archive, manifest)
        except BackupError as exc:
            raise click.ClickException(str(exc)) from None
    report = verify(db.session)
    if not report.ok:
        raise click.ClickException(
            f"restored, but the audit chain does not verify at event {report.first_broken}"
        )
    upgrade()
    click.echo(
        f"restored {sum(manifest['tables'].values())} rows and {files} files; "
        f"audit chain intact ({report.events} events)"
    )


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int)
@click.option(
    "--no-jobs",
    is_flag=True,
    help="Do not start a job worker (run `integrity jobs worker` elsewhere).",
)
def serve(host: str, port: int, workers: int, no_jobs: bool) -> None:
    """Run the production server (gunicorn) and a background job worker; stopping this process
    stops both (see integrity.ops.supervise)."""
    from integrity.ops.supervise import GRACEFUL_SECONDS, supervise

    here = str(Path(sys.executable).parent)
    gunicorn = shutil.which("gunicorn", path=here) or shutil.which("gunicorn")
    if gunicorn is None:
        raise click.ClickException("gunicorn is not installed")
    commands = [
        [
            gunicorn,
            "--workers",
            str(workers),
            "--bind",
            f"{host}:{port}",
            "--graceful-timeout",
            str(GRACEFUL_SECONDS),
            "--timeout",
            "120",
            # gunicorn's control socket lives in $HOME: shared by every instance on the machine,
            # and unwritable under systemd's ProtectHome. Nothing here uses it.
            "--no-control-socket",
            "integrity.wsgi:app",
        ]
    ]
    if not no_jobs:
        commands.append([sys.executable, "-m", "integrity", "jobs", "worker"])
    env = dict(os.environ)
    env.setdefault("INTEGRITY_INSTANCE_PATH", current_app.instance_path)
    raise SystemExit(supervise(commands, env))
