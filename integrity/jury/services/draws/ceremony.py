"""The draw ceremony: freeze the manifest, commit, take contributions, reveal, assign.

Each step is one audit event and only moves forward: frozen → committed → revealed (or cancelled
before the reveal). The inputs are rebuilt at the commitment and at the reveal; if they no longer
give the frozen manifest, the step is refused and the chair starts a new draw.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from integrity.audit.domain.chain import Actor
from integrity.audit.services import chain_head, record_event
from integrity.db import AnySession, utcnow
from integrity.errors import Conflict as Refused
from integrity.errors import InvalidInput
from integrity.jury.domain import draw as algorithm
from integrity.jury.labels import state_labels
from integrity.jury.models import Assignment, AssignmentRole, Draw, DrawContribution, DrawState
from integrity.jury.services.draws.inputs import active_draw, build_manifest, manifest_of
from integrity.registry.models import Round
from integrity.scans.models import Work
from integrity.settings import Settings
from integrity.vault import domain as vault_crypto
from integrity.vault.services import server_key

MIN_CONTRIBUTIONS = 2


def _secret_context(draw: Draw) -> bytes:
    return f"draw:{draw.id}:secret".encode()


def _refusal(error: algorithm.DrawError) -> InvalidInput:
    """An algorithm refusal in the user's language, naming the work or juror it concerns."""
    d = error.details
    if error.code == "work_short":
        message = _l(
            "Work %(cipher)s has only %(n)d eligible jurors; %(k)d are needed.",
            cipher=d["work"],
            n=d["eligible"],
            k=d.get("needed", 0),
        )
    elif error.code == "unbalanced":
        message = _l(
            "Juror %(id)d may mark only %(n)d of the works, short of a fair share; give them a "
            "capacity of %(n)d or less.",
            id=d["juror"],
            n=d["eligible"],
        )
    elif error.code == "capacity":
        message = _l(
            "The capacities add up to %(have)d markings; %(need)d are needed.",
            have=d["available"],
            need=d["needed"],
        )
    elif error.code == "no_assignment":
        message = _l(
            "Work %(cipher)s cannot get its markers: its eligible jurors are needed elsewhere.",
            cipher=d["work"],
        )
    else:
        message = _l("No assignment exists: %(why)s", why=str(error))
    return InvalidInput(message, code=error.code, **error.details)


def freeze(
    session: AnySession,
    *,
    actor: Actor,
    round_: Round,
    mode: str | None = None,
    size: int | None = None,
    capacities: Mapping[int, int] | None = None,
) -> Draw:
    """Freeze the inputs. Refused when a draw is under way, or when no assignment could exist
    (checked now with a throw-away seed, so the ceremony never fails at the reveal)."""
    if active_draw(session, round_) is not None:
        raise Refused(_l("This round already has a draw; cancel it before starting another."))
    mode = mode or ("panel" if round_.subject.event.kind.uses_panels else "double")
    size = size or (3 if mode == "panel" else 2)
    manifest = build_manifest(session, round_, mode=mode, size=size, capacities=capacities)
    try:
        algorithm.assignment(manifest, "00" * 32)
    except algorithm.DrawError as exc:
        raise _refusal(exc) from None
    digest = algorithm.manifest_hash(manifest)
    record = Draw(
        round_id=round_.id,
        mode=mode,
        state=DrawState.FROZEN,
        manifest=algorithm.canonical(manifest).decode(),
        manifest_sha256=digest,
        frozen_by_id=actor.id,
    )
    session.add(record)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="jury.draw_frozen",
        subject=f"draw:{record.id}",
        data={
            "round_id": round_.id,
            "manifest_sha256": digest,
            "mode": mode,
            "size": size,
            "works": len(manifest["works"]),
            "jurors": len(manifest["jurors"]),
        },
    )
    return record


def _still_the_same(session: AnySession, draw: Draw) -> dict[str, Any]:
    """Refuse a step if the inputs changed since the manifest was frozen."""
    frozen = manifest_of(draw)
    capacities = {j["id"]: j["capacity"] for j in frozen["jurors"] if j["capacity"] is not None}
    size = int(frozen.get("k") or frozen.get("panel_size") or 0)
    try:
        now = build_manifest(
            session, draw.round, mode=frozen["mode"], size=size, capacities=capacities
        )
    except InvalidInput:
        now = {}
    if algorithm.manifest_hash(now) != draw.manifest_sha256:
        raise Refused(
            _l(
                "The draw's inputs changed after its manifest was frozen (a juror, a declaration "
                "or a conflict); cancel this draw and start another."
            ),
            code="inputs_changed",
        )
    return frozen


def _expect(draw: Draw, state: DrawState) -> None:
    if draw.state is not state:
        raise Refused(
            _l(
                "This step cannot be taken now: the draw is %(state)s.",
                state=state_labels().get(draw.state, draw.state.value),
            )
        )


def commit(session: AnySession, *, actor: Actor, draw: Draw, settings: Settings) -> Draw:
    _expect(draw, DrawState.FROZEN)
    _still_the_same(session, draw)
    secret = secrets.token_hex(32)
    draw.secret_sealed = vault_crypto.encrypt_blob(
        server_key("draw-secret", settings), bytes.fromhex(secret), _secret_context(draw)
    )
    draw.commitment = algorithm.commitment(secret)
    draw.committed_at = utcnow()
    draw.state = DrawState.COMMITTED
    session.flush()
    record_event(
        session,
        actor=actor,
        action="jury.draw_committed",
        subject=f"draw:{draw.id}",
        data={"commitment": draw.commitment, "manifest_sha256": draw.manifest_sha256},
    )
    return draw


def contribute(
    session: AnySession, *, actor: Actor, draw: Draw, contributor: str, value: str
) -> DrawContribution:
    _expect(draw, DrawState.COMMITTED)
    contributor = " ".join(contributor.split())
    value = algorithm.normal_contribution(value)
    if not contributor:
        raise InvalidInput(_l("Name the person who gives this contribution."), field="contributor")
    if not value:
        raise InvalidInput(
            _l("Type the contribution (for example the dice rolled)."), field="value"
        )
    if len(value) > 200 or len(contributor) > 200:
        raise InvalidInput(_l("At most 200 characters."), field="value")
    if any(c.contributor.casefold() == contributor.casefold() for c in draw.contributions):
        raise InvalidInput(
            _l("%(name)s has already contributed; each person contributes once.", name=contributor),
            field="contributor",
        )
    item = DrawContribution(
        draw=draw,
        position=len(draw.contributions) + 1,
        contributor=contributor,
        value=value,
        entered_by_id=actor.id,
    )
    session.add(item)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="jury.draw_contribution",
        subject=f"draw:{draw.id}",
        data={"position": item.position, "contributor": contributor, "value": value},
    )
    return item


def reveal(session: AnySession, *, actor: Actor, draw: Draw, settings: Settings) -> Draw:
    """Reveal the secret, check it against the commitment, derive the seed, write the markings."""
    _expect(draw, DrawState.COMMITTED)
    if len(draw.contributions) < MIN_CONTRIBUTIONS:
        raise Refused(
            _l("At least %(n)d people must contribute before the reveal.", n=MIN_CONTRIBUTIONS)
        )
    manifest = _still_the_same(session, draw)
    assert draw.secret_sealed is not None and draw.commitment is not None
    secret = vault_crypto.decrypt_blob(
        server_key("draw-secret", settings), draw.secret_sealed, _secret_context(draw)
    ).hex()
    if algorithm.commitment(secret) != draw.commitment:
        raise Refused(_l("The secret does not match the published commitment."))
    seed = algorithm.final_seed(draw.manifest_sha256, secret, [c.value for c in draw.contributions])
    try:
        result = algorithm.assignment(manifest, seed)
    except algorithm.DrawError as exc:
        raise _refusal(exc) from None
    works = {
        w.cipher: w
        for w in session.execute(select(Work).where(Work.round_id == draw.round_id)).scalars()
    }
    for cipher, jurors in result["works"].items():
        for position, juror_id in enumerate(jurors, start=1):
            session.add(
                Assignment(
                    draw_id=draw.id,
                    work_id=works[cipher].id,
                    juror_id=juror_id,
                    role=AssignmentRole.MARKER,
                    position=position,
                )
            )
    draw.secret = secret
    draw.secret_sealed = None
    draw.final_seed = seed
    draw.assignment_sha256 = algorithm.assignment_hash(result)
    draw.revealed_at = utcnow()
    draw.revealed_by_id = actor.id
    draw.state = DrawState.REVEALED
    draw.chain_head = chain_head(session)[1]
    session.flush()
    record_event(
        session,
        actor=actor,
        action="jury.draw_revealed",
        subject=f"draw:{draw.id}",
        data={
            "secret": secret,
            "final_seed": seed,
            "assignment_sha256": draw.assignment_sha256,
            "markings": sum(len(j) for j in result["works"].values()),
        },
    )
    return draw


def cancel(session: AnySession, *, actor: Actor, draw: Draw, reason: str) -> Draw:
    """Abandon a draw before its reveal (after it, the result stands: no seed shopping)."""
    if draw.state not in (DrawState.FROZEN, DrawState.COMMITTED):
        raise Refused(_l("A revealed draw stands; it cannot be cancelled."))
    reason = " ".join(reason.split())
    if not reason:
        raise InvalidInput(_l("Give the reason for cancelling the draw."), field="reason")
    draw.state = DrawState.CANCELLED
    draw.cancelled_at = utcnow()
    draw.cancel_reason = reason
    draw.secret_sealed = None  # never to be revealed
    session.flush()
    record_event(
        session,
        actor=actor,
        action="jury.draw_cancelled",
        subject=f"draw:{draw.id}",
        data={"reason": reason},
    )
    return draw
