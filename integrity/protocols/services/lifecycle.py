"""A protocol's life: freeze (hash and chain head), publish, close appeals, name once unsealed,
publish the final version; and the event's prize policy, fixed before the first freeze."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from integrity.audit.domain.chain import Actor
from integrity.audit.services import chain_head, record_event
from integrity.db import AnySession, utcnow
from integrity.errors import Conflict as Refused
from integrity.errors import DomainError, InvalidInput, NotFound
from integrity.jury.services.marking import lock_marks
from integrity.protocols import domain
from integrity.protocols.labels import state_labels
from integrity.protocols.models import Protocol, ProtocolState, ProtocolVersion
from integrity.protocols.services.content import build_ciphered, build_named, canonical
from integrity.protocols.services.public import store_public_rendering
from integrity.protocols.services.signing import Signing, keep
from integrity.registry.models import Event, Round, Subject
from integrity.web.times import local_text, zone_label


def _expect(protocol: Protocol, *states: ProtocolState) -> None:
    if protocol.state not in states:
        raise Refused(
            _l(
                "This step cannot be taken now: the protocol is %(state)s.",
                state=state_labels()[protocol.state],
            ),
            code="wrong_state",
        )


def new_version(
    session: AnySession, *, actor: Actor, protocol: Protocol, content: dict[str, Any], reason: str
) -> ProtocolVersion:
    number = len(protocol.versions) + 1
    content = {**content, "version": number}
    # A version made without a freeze (an appeal's) keeps the signing its protocol was frozen with.
    if "signing" not in content and protocol.current is not None:
        if (last := json.loads(protocol.current.content).get("signing")) is not None:
            content["signing"] = last
    text = canonical(content)
    version = ProtocolVersion(
        protocol=protocol,
        number=number,
        named=content["kind"] == "named",
        content=text.decode(),
        content_sha256=hashlib.sha256(text).hexdigest(),
        chain_head=chain_head(session)[1],
        reason=reason,
        frozen_by_id=actor.id,
    )
    session.add(version)
    session.flush()
    return version


def _signed(content: dict[str, Any], protocol: Protocol, signing: Signing | None) -> dict[str, Any]:
    """The content with the place, date and jury the chair confirmed (kept by the round too)."""
    if signing is None:
        return content
    keep(protocol.round, signing)
    return {**content, "signing": signing.as_content()}


def _frozen_data(version: ProtocolVersion, content: dict[str, Any]) -> dict[str, Any]:
    data = {"version": version.number, "content_sha256": version.content_sha256,
            "chain_head": version.chain_head}  # fmt: skip
    if "signing" in content:
        data["signing"] = content["signing"]
    return data


def freeze(
    session: AnySession, *, actor: Actor, protocol: Protocol, signing: Signing | None = None
) -> ProtocolVersion:
    """Freeze the ciphered protocol: its content hash and the audit chain head are stored (and
    printed on every export), with the place, date and jury confirmed (``signing``)."""
    _expect(protocol, ProtocolState.DRAFT)
    # A draft from protocols_of is not saved yet: save it first, or the frozen content would
    # name no protocol ("protocol": null) and never match a recomputation from the rows.
    session.add(protocol)
    session.flush()
    content = _signed(build_ciphered(session, protocol), protocol, signing)
    version = new_version(session, actor=actor, protocol=protocol, content=content,
                          reason="frozen")  # fmt: skip
    protocol.state = ProtocolState.FROZEN
    protocol.frozen_at = version.frozen_at
    lock_marks(session, round_id=protocol.round_id, grade=protocol.grade)
    session.flush()
    record_event(session, actor=actor, action="protocols.frozen",
                 subject=f"protocol:{protocol.id}", data=_frozen_data(version, content))  # fmt: skip
    return version


def publish(session: AnySession, *, actor: Actor, protocol: Protocol) -> Protocol:
    """Publish the frozen ciphered protocol; the appeal window opens now."""
    _expect(protocol, ProtocolState.FROZEN)
    now = utcnow()
    protocol.state = ProtocolState.PUBLISHED
    protocol.published_at = now
    protocol.appeals_until = now + dt.timedelta(hours=protocol.round.subject.event.appeal_hours)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="protocols.published",
        subject=f"protocol:{protocol.id}",
        data={"appeals_until": protocol.appeals_until.isoformat()},
    )
    return protocol


def close_appeals(
    session: AnySession,
    *,
    actor: Actor,
    protocol: Protocol,
    now: dt.datetime | None = None,
    zone: ZoneInfo | None = None,
) -> Protocol:
    """Close the appeal window once it has run out. When every protocol of the round is closed, the
    round's results are frozen: the vault may be unsealed and the draw's manifest published.
    ``zone``: the centre's (``Settings.zone``), in which a refusal states the window's end."""
    _expect(protocol, ProtocolState.PUBLISHED)
    now = now or utcnow()
    assert protocol.appeals_until is not None
    if now < protocol.appeals_until:
        zone = zone or ZoneInfo("UTC")
        raise Refused(
            _l("The appeal window is open until %(when)s %(zone)s.",
               when=local_text(zone, protocol.appeals_until),
               zone=zone_label(zone, protocol.appeals_until)),
            code="window_open",
        )  # fmt: skip
    protocol.state = ProtocolState.APPEALS_CLOSED
    protocol.appeals_closed_at = now
    round_ = protocol.round
    open_ = session.scalar(
        select(func.count())
        .select_from(Protocol)
        .where(
            Protocol.round_id == round_.id,
            Protocol.state.in_([ProtocolState.DRAFT, ProtocolState.FROZEN,
                                ProtocolState.PUBLISHED]),
        )
    )  # fmt: skip
    if not open_ and round_.results_frozen_at is None:
        round_.results_frozen_at = now
    session.flush()
    record_event(
        session,
        actor=actor,
        action="protocols.appeals_closed",
        subject=f"protocol:{protocol.id}",
        data={"round_results_frozen": round_.results_frozen_at is not None},
    )
    return protocol


def mark_unsealed(session: AnySession, round_: Round) -> int:
    """After the vault's unsealing (its own audit event): the round's protocols whose appeals are
    closed may now be named. Returns how many moved on."""
    moved = 0
    for protocol in session.execute(
        select(Protocol).where(
            Protocol.round_id == round_.id, Protocol.state == ProtocolState.APPEALS_CLOSED
        )
    ).scalars():
        protocol.state = ProtocolState.UNSEALED
        protocol.unsealed_at = utcnow()
        moved += 1
    session.flush()
    return moved


def freeze_final(
    session: AnySession, *, actor: Actor, protocol: Protocol, signing: Signing | None = None
) -> ProtocolVersion:
    _expect(protocol, ProtocolState.UNSEALED)
    content = _signed(build_named(session, protocol), protocol, signing)
    version = new_version(session, actor=actor, protocol=protocol, content=content,
                          reason="final, named")  # fmt: skip
    protocol.state = ProtocolState.FINAL
    protocol.final_frozen_at = version.frozen_at
    session.flush()
    record_event(session, actor=actor, action="protocols.final_frozen",
                 subject=f"protocol:{protocol.id}", data=_frozen_data(version, content))  # fmt: skip
    return version


def publish_final(session: AnySession, *, actor: Actor, protocol: Protocol) -> Protocol:
    _expect(protocol, ProtocolState.FINAL)
    protocol.state = ProtocolState.FINAL_PUBLISHED
    protocol.final_published_at = utcnow()
    session.flush()
    record_event(session, actor=actor, action="protocols.final_published",
                 subject=f"protocol:{protocol.id}", data={})  # fmt: skip
    store_public_rendering(session, actor=actor, protocol=protocol, reason="published")
    return protocol


def advance_freeze(
    session: AnySession, *, actor: Actor, protocol: Protocol, signing: Signing | None = None
) -> ProtocolVersion:
    """`freeze` on the page and the command: the named protocol once unsealed; otherwise the
    ciphered one, published on the public site at once (late publication is a corruption risk the
    centre's analysis names, so there is no gap to leave)."""
    if protocol.state is ProtocolState.UNSEALED:
        return freeze_final(session, actor=actor, protocol=protocol, signing=signing)
    version = freeze(session, actor=actor, protocol=protocol, signing=signing)
    publish(session, actor=actor, protocol=protocol)
    return version


def advance_publish(session: AnySession, *, actor: Actor, protocol: Protocol) -> Protocol:
    """`publish`: the ciphered protocol once frozen, the named one once final."""
    if protocol.state is ProtocolState.FINAL:
        return publish_final(session, actor=actor, protocol=protocol)
    return publish(session, actor=actor, protocol=protocol)


def advance_grades(
    session: AnySession,
    *,
    actor: Actor,
    protocols: Sequence[Protocol],
    step: Callable[..., object],
) -> None:
    """One step (``advance_freeze``, ``advance_publish``, ``close_appeals``) on each of a round's
    protocols, one per grade, all or none: a refusal names the grade it concerns."""
    for protocol in protocols:
        try:
            step(session, actor=actor, protocol=protocol)
        except DomainError as exc:
            raise type(exc)(f"grade {protocol.grade}: {exc.message}", **exc.details) from None


def set_policy(
    session: AnySession,
    *,
    actor: Actor,
    event_id: int,
    config: dict[str, Any] | None,
    appeal_hours: int | None = None,
) -> None:
    """Set the event's prize policy (None: the default) and appeal window. Refused once any of
    its protocols is frozen: the rules of a ranking do not change after it is known."""
    event = session.get(Event, event_id)
    if event is None:
        raise NotFound(_l("No such event."))
    try:
        domain.Policy.from_config(config)
    except ValueError as exc:
        raise InvalidInput(
            _l("Invalid prize policy: %(why)s", why=str(exc)), field="policy"
        ) from None
    if appeal_hours is not None and not 1 <= appeal_hours <= 24 * 14:
        raise InvalidInput(_l("The appeal window is 1 to 336 hours."), field="appeal_hours")
    frozen = session.scalar(
        select(func.count())
        .select_from(Protocol)
        .join(Round, Round.id == Protocol.round_id)
        .join(Subject, Subject.id == Round.subject_id)
        .where(Subject.event_id == event_id, Protocol.state != ProtocolState.DRAFT)
    )
    if frozen:
        raise Refused(
            _l("A protocol of this event is frozen: its prize rules can no longer change.")
        )
    event.prize_policy = json.dumps(config, sort_keys=True) if config else None
    if appeal_hours is not None:
        event.appeal_hours = appeal_hours
    session.flush()
    record_event(
        session,
        actor=actor,
        action="protocols.policy_set",
        subject=f"event:{event_id}",
        data={"policy": event.prize_policy, "appeal_hours": event.appeal_hours},
    )
