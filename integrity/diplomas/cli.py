"""`integrity diplomas …`: issue, approve, revoke, re-issue, verify; keys and published lists."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask_babel import gettext as _

from integrity.audit.domain.chain import Actor
from integrity.cli import carry_out, cli_actor, echo_json
from integrity.extensions import db
from integrity.settings import Settings, settings_of


def _settings() -> Settings:
    return settings_of(current_app)


def _doc_or_exit(serial: str) -> Any:
    from integrity.diplomas.domain import Serial
    from integrity.diplomas.services import find_by_serial

    try:
        doc = find_by_serial(db.session, str(Serial.parse(serial)))
    except ValueError:
        doc = None
    if doc is None:
        raise click.ClickException(_("No diploma with the serial %(s)s.", s=serial))
    return doc


def _summary(doc: Any) -> dict[str, Any]:
    from integrity.diplomas.services.rendering import link

    return {
        "serial": doc.serial,
        "type": doc.doc_type,
        "name": doc.name,
        "status": doc.status.value,
        "link": link(doc, _settings().host),
    }


@click.group("diplomas")
def diplomas() -> None:
    """Diplomas and certificates: serials, signed QR codes, status."""


@diplomas.command("issue")
@click.option(
    "--protocol", "protocol_id", type=int, help="A published final protocol: ask for its batch."
)
@click.option("--language", type=click.Choice(["kk", "ru"]), default="kk", show_default=True)
@click.option("--participation", is_flag=True, help="Also certificates for those without an award.")
@click.option(
    "--event", "event_id", type=int, help="One document outside a protocol, for this event."
)
@click.option("--type", "doc_type", type=click.Choice(["AH", "SP", "CP"]), default="AH")
@click.option("--surname", default="")
@click.option("--given", "given_names", default="", help="Given name and patronymic.")
@click.option("--subject", default="")
@click.option("--grade", type=int, default=0)
@click.option("--school", default="")
@click.option("--note", default="", help="Wording of the award (special prizes).")
@click.option("--as", "as_user", default=None)
@click.option("--json", "as_json", is_flag=True)
def issue_command(
    protocol_id: int | None,
    language: str,
    participation: bool,
    event_id: int | None,
    doc_type: str,
    surname: str,
    given_names: str,
    subject: str,
    grade: int,
    school: str,
    note: str,
    as_user: str | None,
    as_json: bool,
) -> None:
    """With --protocol: ask for a protocol's batch (another user approves it with `approve`).
    With --event: issue one document at once."""
    actor = cli_actor(as_user)
    if (protocol_id is None) == (event_id is None):
        raise click.UsageError("give either --protocol or --event")
    if protocol_id is not None:
        result = _ask_for_batch(actor, protocol_id, language, participation)
    else:
        assert event_id is not None
        single = _Single(doc_type, surname, given_names, subject, grade, school, language, note)
        result = _issue_single(actor, event_id, single)
    if as_json:
        echo_json(result)
    else:
        click.echo("  ".join(f"{k}={v}" for k, v in result.items()))


def _ask_for_batch(
    actor: Actor, protocol_id: int, language: str, participation: bool
) -> dict[str, Any]:
    from integrity.diplomas import services
    from integrity.protocols.models import Protocol

    protocol = db.session.get(Protocol, protocol_id)
    if protocol is None:
        raise click.ClickException(_("No protocol with id %(id)d.", id=protocol_id))
    batch = carry_out(lambda: services.request_batch(
        db.session, actor=actor, protocol=protocol, language=language, participation=participation
    ))  # fmt: skip
    return {"batch_id": batch.id, "documents": batch.total, "state": "requested"}


@dataclass(frozen=True)
class _Single:
    """The options of one document issued outside a protocol."""

    doc_type: str
    surname: str
    given_names: str
    subject: str
    grade: int
    school: str
    language: str
    note: str


def _issue_single(actor: Actor, event_id: int, single: _Single) -> dict[str, Any]:
    from integrity.diplomas import services
    from integrity.diplomas.domain import DocType
    from integrity.registry.models import Event

    event = db.session.get(Event, event_id)
    if event is None:
        raise click.ClickException(_("No event with id %(id)d.", id=event_id))
    doc = carry_out(lambda: services.issue_one(
        db.session, actor=actor, settings=_settings(), event=event,
        doc_type=DocType.from_code(single.doc_type), surname=single.surname,
        given_names=single.given_names, subject=single.subject, grade=single.grade,
        school=single.school, language=single.language, award_note=single.note,
    ))  # fmt: skip
    return _summary(doc)


@diplomas.command("approve")
@click.argument("batch_id", type=int)
@click.option("--reject", is_flag=True)
@click.option("--out", type=click.Path(path_type=Path), help="Write the batch's ZIP here.")
@click.option("--as", "as_user", default=None)
def approve_command(batch_id: int, reject: bool, out: Path | None, as_user: str | None) -> None:
    """The checker's step: issue (and render) a batch another user asked for, or reject it."""
    from integrity.diplomas import services
    from integrity.diplomas.models import Batch
    from integrity.diplomas.services.rendering import render_batch
    from integrity.storage import file_store

    actor = cli_actor(as_user)
    asked = db.session.get(Batch, batch_id)
    if asked is None:
        raise click.ClickException(_("No batch with id %(id)d.", id=batch_id))
    made = carry_out(lambda: services.decide_batch(
        db.session, actor=actor, settings=_settings(), batch=asked, approve=not reject
    ))  # fmt: skip
    if reject:
        click.echo(f"batch {batch_id}: rejected")
        return
    batch = render_batch(batch_id, actor, _settings())
    click.echo(f"batch {batch_id}: {len(made)} issued, {batch.total} rendered")
    if out is not None and batch.archive:
        out.write_bytes(file_store(_settings()).read_bytes(batch.archive))
        click.echo(str(out))


@diplomas.command("render")
@click.argument("batch_id", type=int)
@click.option("--out", type=click.Path(path_type=Path), help="Write the batch's ZIP here.")
@click.option("--as", "as_user", default=None)
def render_command(batch_id: int, out: Path | None, as_user: str | None) -> None:
    """Render an approved batch again (after a failed or lost job); issues nothing."""
    from integrity.diplomas.models import Batch, BatchState
    from integrity.diplomas.services.rendering import render_batch
    from integrity.storage import file_store

    batch = db.session.get(Batch, batch_id)
    if batch is None or batch.state not in (
        BatchState.APPROVED,
        BatchState.FAILED,
        BatchState.DONE,
    ):
        raise click.ClickException(_("No approved batch with id %(id)d.", id=batch_id))
    if batch.state is BatchState.DONE:
        batch.state = BatchState.APPROVED
        db.session.commit()
    batch = render_batch(batch_id, cli_actor(as_user), _settings())
    click.echo(f"batch {batch_id}: {batch.total} rendered")
    if out is not None and batch.archive:
        out.write_bytes(file_store(_settings()).read_bytes(batch.archive))
        click.echo(str(out))


def _change(
    serial: str, reason: str, as_user: str | None, status: str, kind: str | None = None,
    replaced_by: str | None = None,
) -> None:  # fmt: skip
    from integrity.diplomas import services
    from integrity.diplomas.models import AnnulKind, DocumentStatus

    doc = _doc_or_exit(serial)
    carry_out(lambda: services.set_status(
        db.session, actor=cli_actor(as_user), settings=_settings(), diploma=doc,
        status=DocumentStatus(status), reason=reason, kind=AnnulKind(kind) if kind else None,
        replaced_by=replaced_by,
    ))  # fmt: skip
    click.echo(f"{doc.serial}: {doc.status.value}")


@diplomas.command("revoke")
@click.argument("serial")
@click.option("--reason", required=True)
@click.option(
    "--suspend", is_flag=True, help="Suspend (an appeal is pending) instead of annulling."
)
@click.option("--restore", is_flag=True, help="Make a suspended document valid again.")
@click.option(
    "--kind",
    type=click.Choice(["error", "reissued", "revoked"]),
    default=None,
    help="Why it is annulled (required to annul): issued in error, re-issued, or revoked.",
)
@click.option(
    "--replaced-by", default=None, help="With --kind reissued: the new document's serial."
)
@click.option("--as", "as_user", default=None)
def revoke_command(
    serial: str, reason: str, suspend: bool, restore: bool, kind: str | None,
    replaced_by: str | None, as_user: str | None,
) -> None:  # fmt: skip
    """Annul a document (or suspend it, or restore a suspended one), with a reason; an annulment
    says its kind, which the public check shows."""
    if suspend and restore:
        raise click.UsageError("--suspend or --restore, not both")
    status = "suspended" if suspend else "valid" if restore else "annulled"
    _change(serial, reason, as_user, status, kind, replaced_by)


@diplomas.command("reissue")
@click.argument("serial")
@click.option("--reason", required=True)
@click.option("--name", default=None, help="The name as it should be printed.")
@click.option("--surname", default=None)
@click.option("--school", default=None)
@click.option("--as", "as_user", default=None)
def reissue_command(
    serial: str,
    reason: str,
    name: str | None,
    surname: str | None,
    school: str | None,
    as_user: str | None,
) -> None:
    """Replace a document by a corrected one under a new serial; the old one is superseded."""
    from integrity.diplomas import services

    doc = _doc_or_exit(serial)
    new = carry_out(lambda: services.reissue(
        db.session, actor=cli_actor(as_user), settings=_settings(), diploma=doc, reason=reason,
        name=name, surname=surname, school=school,
    ))  # fmt: skip
    click.echo(f"{doc.serial}: superseded by {new.serial}")


@diplomas.command("verify")
@click.argument("text")
@click.option("--json", "as_json", is_flag=True)
def verify_command(text: str, as_json: bool) -> None:
    """The verdict on a QR link (or its code), as the public page gives it."""
    from integrity.diplomas.services import verifying

    result, _doc = verifying.check_link(db.session, text, _settings().zone)
    out: dict[str, Any] = {"verdict": result.verdict.value}
    if result.payload is not None:
        p = result.payload
        out |= {
            "serial": str(p.serial),
            "name": p.name,
            "subject": p.subject,
            "grade": p.grade,
            "issued_on": p.issued_on.isoformat(),
        }
    if result.note and result.note.by:
        out["superseded_by"] = result.note.by
    if result.note and result.note.kind:
        out["annulled_as"] = result.note.kind
    if as_json:
        echo_json(out)
    else:
        click.echo("  ".join(f"{k}={v}" for k, v in out.items()))
    if result.verdict.value != "genuine":
        raise SystemExit(1)


@diplomas.command("rotate-key")
@click.option("--as", "as_user", default=None)
def rotate_key_command(as_user: str | None) -> None:
    """Retire the active signing key and make a new one (the retired key stays published)."""
    from integrity.diplomas.services import keys

    key = keys.rotate(db.session, actor=cli_actor(as_user), settings=_settings())
    keys.publish_status_list(db.session, actor=cli_actor(as_user), settings=_settings())
    db.session.commit()
    click.echo(f"signing key {key.id} active")


@diplomas.command("lists")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True)
def lists_command(out: Path) -> None:
    """Write the key list and the signed status list, for checking offline."""
    from integrity.diplomas.services import keys

    out.mkdir(parents=True, exist_ok=True)
    (out / "diploma-keys.json").write_text(
        json.dumps(keys.key_list(db.session, _settings()), ensure_ascii=False, indent=1),
        encoding="utf-8",
    )
    status = keys.status_list_document(db.session)
    if status is None:
        raise click.ClickException(_("No status list yet: nothing has been issued."))
    (out / "diploma-status.json").write_text(
        json.dumps(status, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    click.echo(str(out))
