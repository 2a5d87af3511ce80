"""The demo's results step: one round fully marked with its named final protocol published, and one
whose ciphered protocol is in its appeal window with an appeal for the chair to decide."""

from __future__ import annotations

import datetime as dt
import random

from flask import current_app
from sqlalchemy import select

from integrity.audit.domain import Actor
from integrity.db import AnySession, utcnow
from integrity.demo.jury import freeze_clean, run_draw, settle_conflicts
from integrity.diplomas import services as diplomas
from integrity.diplomas.domain import to_code
from integrity.diplomas.models import AnnulKind, Batch, BatchState, Diploma, DocumentStatus
from integrity.jury.models import Assignment
from integrity.jury.services import marking
from integrity.protocols import services
from integrity.protocols.models import Protocol
from integrity.protocols.services import appeals, signing
from integrity.protocols.services.unsealing import unseal_round
from integrity.registry.models import Juror, Round
from integrity.scans.models import Booklet, Work
from integrity.scans.services.kits import access_code_of
from integrity.settings import settings_of

DEMO_JURY_CHAIR = "Әбдірахманова Гүлнар Серікқызы"
DEMO_PLACE = "Тараз қ."


def signed(session: AnySession, protocol: Protocol) -> signing.Signing:
    """The place, date and jury the demo's chair confirms at a freeze: the round's date and the
    jurors its draw gave works to, as the freeze form proposes them."""
    proposed = signing.proposed(session, protocol, chair=DEMO_JURY_CHAIR)
    return signing.checked(DEMO_PLACE, proposed.date, proposed.chair, proposed.members_text)


def mark_all(session: AnySession, *, round_: Round, rng: random.Random) -> None:
    """Every marking submitted, the two markers of a work never beyond tolerance."""
    tasks = sorted(round_.tasks, key=lambda t: t.number)
    for work in session.execute(
        select(Work).where(Work.round_id == round_.id).order_by(Work.cipher)
    ).scalars():
        base = {t.id: [rng.randint(0, c.max_units) for c in t.criteria] for t in tasks}
        for assignment in session.execute(
            select(Assignment).where(Assignment.work_id == work.id).order_by(Assignment.position)
        ).scalars():
            values = {
                (task.id, c.number): units
                for task in tasks
                for c, units in zip(task.criteria, base[task.id], strict=True)
            }
            juror = session.get(Juror, assignment.juror_id)
            assert juror is not None
            marking.save(session, actor=Actor(juror.user_id, f"juror:{juror.id}"),
                         assignment=assignment, values=values, submit=True)  # fmt: skip


def drawn_and_marked(
    session: AnySession, *, round_: Round, chair: Actor, it: Actor, rng: random.Random
) -> list[Protocol]:
    settle_conflicts(session, round_=round_, chair=chair)
    freeze_clean(session, round_=round_, it=it)
    run_draw(session, round_=round_, chair=chair)
    mark_all(session, round_=round_, rng=rng)
    return services.protocols_of(session, round_)


def load_results_demo(
    session: AnySession,
    *,
    final: Round,
    appealing: Round,
    chair: Actor,
    it: Actor,
    maker: Actor,
    checker: Actor,
    passphrase: str,
) -> None:
    rng = random.Random(2027)
    # The final round: published two days ago, appeals closed, unsealed, named and published.
    for protocol in drawn_and_marked(session, round_=final, chair=chair, it=it, rng=rng):
        services.freeze(session, actor=chair, protocol=protocol, signing=signed(session, protocol))
        services.publish(session, actor=chair, protocol=protocol)
        protocol.published_at = utcnow() - dt.timedelta(days=2)
        protocol.appeals_until = protocol.published_at + dt.timedelta(hours=24)
        services.close_appeals(session, actor=chair, protocol=protocol)
    unseal_round(session, actor=chair, round_=final, passphrase=passphrase)
    services.mark_unsealed(session, final)
    for protocol in services.protocols_of(session, final):
        services.advance_freeze(
            session, actor=chair, protocol=protocol, signing=signed(session, protocol)
        )
        services.advance_publish(session, actor=chair, protocol=protocol)
    issue_demo_diplomas(session, final=final, maker=maker, checker=checker)
    # The appealing round: ciphered protocols published now; one appeal filed, to decide.
    for protocol in drawn_and_marked(session, round_=appealing, chair=chair, it=it, rng=rng):
        services.freeze(session, actor=chair, protocol=protocol, signing=signed(session, protocol))
        services.publish(session, actor=chair, protocol=protocol)
    first = (
        session.execute(
            select(Booklet)
            .where(Booklet.round_id == appealing.id, Booklet.has_work.is_(True))
            .order_by(Booklet.serial)
        )
        .scalars()
        .first()
    )
    assert first is not None
    appeals.file_appeal(
        session,
        work=appeals.find_work(
            session, access_code_of(first, settings_of(current_app)), settings_of(current_app)
        ),
        reason="2-есептің шешімі толық тексерілмеген сияқты: соңғы бетті қарауды сұраймын.",
        filed_as="participant",
    )


def issue_demo_diplomas(
    session: AnySession, *, final: Round, maker: Actor, checker: Actor
) -> list[Batch]:
    """Diplomas for the final round's awards (asked for by the organiser, approved by the
    director), and one of them annulled, so the verification page shows both verdicts. The PDFs
    render after the demo is committed (`render_demo_batches`)."""
    batches = []
    for protocol in services.protocols_of(session, final):
        if not diplomas.protocol_drafts(session, protocol, language="kk", participation=False):
            continue  # a small grade may have no award at all
        batch = diplomas.request_batch(
            session, actor=maker, protocol=protocol, language="kk", participation=False
        )
        diplomas.decide_batch(
            session, actor=checker, settings=settings_of(current_app), batch=batch, approve=True
        )
        batches.append(batch)
    first = session.execute(select(Diploma).order_by(Diploma.id)).scalars().first()
    if first is not None:
        diplomas.set_status(
            session,
            actor=checker,
            settings=settings_of(current_app),
            diploma=first,
            status=DocumentStatus.ANNULLED,
            reason="Демо: қате марапат, хаттамаға сәйкес келмейді.",
            kind=AnnulKind.ERROR,
        )
    return batches


def render_demo_batches(actor: Actor) -> None:
    """Render the demo's approved batches (commits, as the job does)."""
    from integrity.diplomas.services.rendering import render_batch
    from integrity.extensions import db

    approved = (
        db.session.execute(select(Batch.id).where(Batch.state == BatchState.APPROVED))
        .scalars()
        .all()
    )
    for batch_id in approved:
        render_batch(batch_id, actor, settings_of(current_app))


def demo_diploma_path(session: AnySession) -> str | None:
    """The verification path of a valid demo diploma (what its QR code opens)."""
    doc = (
        session.execute(
            select(Diploma).where(Diploma.status == DocumentStatus.VALID).order_by(Diploma.id)
        )
        .scalars()
        .first()
    )
    if doc is None:
        return None
    return "/v/" + to_code(doc.payload)
