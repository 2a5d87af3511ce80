"""The public rendering of a protocol: a named version with the names of pupils whose guardians
gave no consent withheld, as consent stands now; stored and logged whenever it changes."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import select

from integrity.audit.domain.chain import Actor
from integrity.audit.services import record_event
from integrity.db import AnySession
from integrity.protocols.models import Protocol, ProtocolState, ProtocolVersion, PublicRendering
from integrity.protocols.services.content import canonical, entries_by_cipher
from integrity.registry.models import Entry, Participant

PERSONAL = ("name", "school_kk", "school_ru", "district_kk", "district_ru")


def public_content(session: AnySession, version: ProtocolVersion) -> dict[str, Any]:
    """What the public sees of a version. A ciphered version as it is. A named (final) version
    with the name, school and district of every pupil whose guardian gave no consent to public
    listing withheld, as consent stands now: their cipher, grade, scores, rank and award stay.
    The named version itself stays the internal, signed document; this rendering names it
    (``redacted_from``) and has its own hash (``public_sha256``)."""
    content: dict[str, Any] = json.loads(version.content)
    if content["kind"] != "named":
        return content

    consent = dict(
        session.execute(
            select(Entry.id, Participant.consent_public)
            .join(Participant, Participant.id == Entry.participant_id)
            .where(Entry.round_id == version.protocol.round_id)
        ).all()
    )
    entry_of = entries_by_cipher(session, version.protocol.round_id)

    def shown(person: dict[str, Any], entry_id: int | None) -> dict[str, Any]:
        person = {k: v for k, v in person.items() if k != "entry"}
        if entry_id is not None and consent.get(entry_id) is True:
            return person
        return {**person, **dict.fromkeys(PERSONAL), "withheld": True}

    content["rows"] = [
        shown(row, row.get("entry", entry_of.get(row["cipher"]))) for row in content["rows"]
    ]
    content["apart"] = [shown(p, p.get("entry")) for p in content.get("apart", [])]
    content["redacted_from"] = version.content_sha256
    return content


def public_sha256(content: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(content)).hexdigest()


def latest_rendering(session: AnySession, protocol: Protocol) -> PublicRendering | None:
    return session.execute(
        select(PublicRendering)
        .where(PublicRendering.protocol_id == protocol.id)
        .order_by(PublicRendering.number.desc())
        .limit(1)
    ).scalar_one_or_none()


def store_public_rendering(
    session: AnySession, *, actor: Actor, protocol: Protocol, reason: str
) -> PublicRendering | None:
    """Store (and log) the public rendering of a published final protocol if it differs from the
    last one stored: at publication, and after a guardian's consent changed what the public sees.
    None when nothing changed."""
    version = protocol.current
    if protocol.state is not ProtocolState.FINAL_PUBLISHED or version is None or not version.named:
        return None
    content = public_content(session, version)
    digest = public_sha256(content)
    last = latest_rendering(session, protocol)
    if last is not None and last.content_sha256 == digest:
        return None
    rendering = PublicRendering(
        protocol_id=protocol.id,
        version_id=version.id,
        number=(last.number + 1) if last else 1,
        content=canonical(content).decode(),
        content_sha256=digest,
        reason=reason,
    )
    session.add(rendering)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="protocols.public_rendered",
        subject=f"protocol:{protocol.id}",
        data={"rendering": rendering.number, "version": version.number,
              "public_sha256": digest, "reason": reason},
    )  # fmt: skip
    return rendering


def refresh_public_renderings(session: AnySession, *, actor: Actor) -> int:
    """Store a new public rendering of every published final protocol whose public content moved
    (a guardian gave or withdrew consent); the public pages themselves always render live."""
    made = 0
    for protocol in session.execute(
        select(Protocol).where(Protocol.state == ProtocolState.FINAL_PUBLISHED)
    ).scalars():
        if store_public_rendering(
            session, actor=actor, protocol=protocol, reason="consent changed"
        ):
            made += 1
    return made
