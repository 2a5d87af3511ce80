from __future__ import annotations

import sys
from dataclasses import asdict
from functools import partial
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from integrity.cli import carry_out, cli_actor, echo_json
from integrity.extensions import db
from integrity.registry.cli import round_or_exit
from integrity.scans.labels import page_status_labels
from integrity.scans.wiring import freeze_steps_of
from integrity.settings import settings_of


@click.group("kits")
def kits() -> None:
    """Answer-sheet kits: print before the round, void and re-issue a spoiled one."""


@kits.command("print")
@click.option("--round", "round_id", type=int, required=True)
@click.option("--room", default=None, help="Only the entries seated in this room.")
@click.option("--entry", "entry_id", type=int, default=None, help="Only this entry.")
@click.option(
    "--extra",
    "extra_sheets",
    type=int,
    default=0,
    show_default=True,
    help="Extra-answer sheets to add.",
)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--as", "as_user", default=None)
def print_command(
    round_id: int,
    room: str | None,
    entry_id: int | None,
    extra_sheets: int,
    out: Path,
    as_user: str | None,
) -> None:
    """Print the kits of a round (or of one room, or one entry) into one PDF."""
    from integrity.registry.models import Entry, Room
    from integrity.scans.services.kits import print_kits

    round_ = round_or_exit(round_id)
    room_row = None
    if room is not None:
        room_row = db.session.execute(select(Room).where(Room.name == room)).scalars().first()
        if room_row is None:
            raise click.ClickException(_("No room named %(name)s.", name=room))
    entry = db.session.get(Entry, entry_id) if entry_id else None
    if entry_id and entry is None:
        raise click.ClickException(_("No entry with id %(id)d.", id=entry_id))

    def print_and_write() -> Any:
        run, pdf = print_kits(
            db.session, actor=cli_actor(as_user), round_=round_, room=room_row, entry=entry,
            extra_sheets=extra_sheets, settings=settings_of(current_app),
        )  # fmt: skip
        out.write_bytes(pdf)  # before the commit: a file that cannot be written keeps nothing
        return run

    run = carry_out(print_and_write)
    click.echo(
        _(
            "%(kits)d kits, %(pages)d pages written to %(file)s.",
            kits=run.booklets,
            pages=run.pages,
            file=out,
        )
    )


@kits.command("void")
@click.option("--serial", required=True, help="The spoiled kit's serial, as printed (1234-5678).")
@click.option("--reason", required=True)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The new kit's PDF.",
)
@click.option("--as", "as_user", default=None)
def void_command(serial: str, reason: str, out: Path, as_user: str | None) -> None:
    """Void a spoiled kit (its serial is never valid again) and print a new one for the same entry."""
    from integrity.scans.domain.codes import format_serial
    from integrity.scans.services.kits import parse_serial, void_and_reissue

    def void_and_write() -> Any:
        new, _run, pdf = void_and_reissue(
            db.session, actor=cli_actor(as_user), serial=parse_serial(serial), reason=reason,
            settings=settings_of(current_app),
        )  # fmt: skip
        out.write_bytes(pdf)  # before the commit: a file that cannot be written keeps nothing
        return new

    new = carry_out(void_and_write)
    click.echo(
        _(
            "Voided; the new kit %(serial)s is in %(file)s.",
            serial=format_serial(new.serial),
            file=out,
        )
    )


@click.group("scans")
def scans() -> None:
    """Scan ingest, the page queue and the round's freeze."""


def _in_words(totals: dict[str, int]) -> str:
    """Counts by page status, as the screens name the statuses (``--json`` keeps the codes)."""
    labels = page_status_labels()
    return ", ".join(f"{labels.get(k, k)} {v}" for k, v in sorted(totals.items())) or "—"


@scans.command("ingest")
@click.option("--round", "round_id", type=int, required=True)
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--json", "as_json", is_flag=True)
@click.option(
    "--workers",
    type=click.IntRange(min=1),  # always child processes: 0 would read outside files in-process
    default=None,
    help="Processes reading pages (default: the CPU count, up to 4).",
)
@click.option("--as", "as_user", default=None)
def ingest_command(
    round_id: int, files: tuple[Path, ...], as_json: bool, workers: int | None, as_user: str | None
) -> None:
    """Ingest scanned PDFs or images inline: the same code the upload page runs as a job.

    The answer lists every page with what was read (sheet serial, page); never a cipher."""
    from integrity.scans.services.ingest import create_upload
    from integrity.scans.services.runner import run_ingest

    round_ = round_or_exit(round_id)
    actor, settings = cli_actor(as_user), settings_of(current_app)
    reports: list[dict[str, Any]] = []
    failed = False
    for path in files:
        try:  # a refused file is reported, and the next one is read
            with path.open("rb") as stream:
                upload, _created = carry_out(
                    partial(create_upload, db.session, actor=actor, round_=round_, stream=stream,
                            filename=path.name, settings=settings)
                )  # fmt: skip
        except click.ClickException as exc:
            failed = True
            reports.append({"file": path.name, "error": exc.message, "pages": [], "totals": {}})
            continue
        report = run_ingest(upload.id, actor, settings=settings, workers=workers)
        reports.append(
            {
                "file": path.name,
                "upload_id": upload.id,
                "pages": [asdict(line) for line in report.lines],
                "totals": report.totals(),
            }
        )
    totals: dict[str, int] = {}
    for item in reports:
        for status, count in item["totals"].items():
            totals[status] = totals.get(status, 0) + count
    if as_json:
        echo_json({"round_id": round_id, "files": reports, "totals": totals})
    else:
        for item in reports:
            if "error" in item:
                click.echo(f"{item['file']}: {item['error']}", err=True)
            else:
                click.echo(f"{item['file']}: {_in_words(item['totals'])}")
        click.echo(_("Total: %(totals)s", totals=_in_words(totals)))
    if failed:
        sys.exit(1)


@scans.command("queue")
@click.option("--round", "round_id", type=int, required=True)
@click.option("--json", "as_json", is_flag=True)
def queue_command(round_id: int, as_json: bool) -> None:
    """What blocks the round's freeze: pages waiting for a person, entries without a work."""
    from integrity.scans.services.queue import freeze_check, queue

    round_ = round_or_exit(round_id)
    pages = [
        {
            "page_id": p.id,
            "upload_id": p.upload_id,
            "index": p.index,
            "status": p.status.value,
            "serial": p.serial,
            "page": p.page_no,
            "detail": p.detail,
        }
        for p in queue(db.session, round_)
    ]
    check = freeze_check(db.session, round_, freeze_steps_of(current_app), settings_of(current_app))
    data = {
        "ready": check.ready,
        "queue": pages,
        "uploads_unfinished": check.uploads_unfinished,
        "entries_without_work": check.entries_without_work,
        "incomplete_booklets": check.incomplete_booklets,
    }
    if as_json:
        echo_json(data)
        return
    for page in pages:
        click.echo(
            f"page {page['page_id']}: {page['status']} {page['serial'] or ''} {page['detail'] or ''}"
        )
    click.echo(_("Ready to freeze.") if check.ready else _("Not ready to freeze."))


@scans.command("freeze")
@click.option("--round", "round_id", type=int, required=True)
@click.option("--as", "as_user", default=None)
def freeze_command(round_id: int, as_user: str | None) -> None:
    """Freeze the round's ingest and publish its ledger."""
    from integrity.scans.services.queue import freeze_round

    round_ = round_or_exit(round_id)
    state = carry_out(
        lambda: freeze_round(
            db.session,
            actor=cli_actor(as_user),
            round_=round_,
            steps=freeze_steps_of(current_app),
            settings=settings_of(current_app),
        )
    )
    click.echo(_("Frozen. Ledger hash %(hash)s.", hash=state.ledger_hash))
