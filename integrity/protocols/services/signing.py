"""What a protocol is signed with, as the centre's protocols are: the place and date it is drawn up,
the jury's chair and its members. Proposed from what the round holds, confirmed by the chair at
each freeze, and frozen into the version (its ``signing`` block), so a frozen protocol's PDF never
changes; the round keeps the last confirmation to propose it at the next freeze."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from integrity.db import AnySession
from integrity.errors import InvalidInput
from integrity.jury.models import Assignment, Draw, DrawState
from integrity.protocols.models import Protocol
from integrity.registry.models import Entry, Juror, Room, Round, Venue

MAX_MEMBERS = 25


@dataclass(frozen=True)
class Signing:
    place: str
    date: dt.date | None
    chair: str
    members: tuple[str, ...]

    def as_content(self) -> dict[str, Any]:
        assert self.date is not None
        return {"place": self.place, "date": self.date.isoformat(), "chair": self.chair,
                "members": list(self.members)}  # fmt: skip

    @property
    def members_text(self) -> str:
        return "\n".join(self.members)


def names(text: str) -> tuple[str, ...]:
    """One name a line, spaces tidied, blank lines and repeats dropped."""
    seen: dict[str, None] = {}
    for line in text.splitlines():
        if name := " ".join(line.split()):
            seen.setdefault(name, None)
    return tuple(seen)


def checked(place: str, day: dt.date | None, chair: str, members: str) -> Signing:
    """The signing as typed, refused (naming the field) when a part is missing."""
    signing = Signing(" ".join(place.split()), day, " ".join(chair.split()), names(members))
    if not signing.place:
        raise InvalidInput(_l("Say where the protocol is drawn up."), field="place")
    if signing.date is None:
        raise InvalidInput(_l("Give the protocol's date."), field="date")
    if not signing.chair:
        raise InvalidInput(_l("Name the jury's chair."), field="chair")
    if not signing.members:
        raise InvalidInput(_l("Name the jury's members, one a line."), field="members")
    if len(signing.members) > MAX_MEMBERS:
        raise InvalidInput(_l("At most %(n)d members.", n=MAX_MEMBERS), field="members")
    return signing


def _venue(session: AnySession, round_: Round) -> str:
    """The venue most of the round's entries sit in, with its address."""
    rooms = Counter(
        session.execute(
            select(Room.venue_id)
            .join(Entry, Entry.room_id == Room.id)
            .where(Entry.round_id == round_.id)
        ).scalars()
    )
    if not rooms:
        return ""
    venue = session.get(Venue, rooms.most_common(1)[0][0])
    assert venue is not None
    return ", ".join(part for part in (venue.address, venue.name) if part)


def _drawn_jurors(session: AnySession, round_: Round) -> tuple[str, ...]:
    """The jurors the round's draw gave works to, by name."""
    jurors = session.execute(
        select(Juror)
        .join(Assignment, Assignment.juror_id == Juror.id)
        .join(Draw, Draw.id == Assignment.draw_id)
        .where(Draw.round_id == round_.id, Draw.state == DrawState.REVEALED)
        .distinct()
    ).scalars()
    return tuple(sorted((j.full_name for j in jurors), key=str.casefold))


def proposed(session: AnySession, protocol: Protocol, *, chair: str = "") -> Signing:
    """What the freeze form offers: the protocol's last frozen signing if any; else the round's
    last confirmed one; else the round's venue and date, ``chair`` (the signed-in chair) and the
    jurors its draw gave works to."""
    if protocol.current is not None and (
        last := json.loads(protocol.current.content).get("signing")
    ):
        return Signing(last["place"], dt.date.fromisoformat(last["date"]), last["chair"],
                       tuple(last["members"]))  # fmt: skip
    round_ = protocol.round
    members = names(round_.jury_members or "") or _drawn_jurors(session, round_)
    return Signing(
        place=round_.place or _venue(session, round_),
        date=round_.held_on,
        chair=round_.jury_chair or chair,
        members=tuple(m for m in members if m != (round_.jury_chair or chair)),
    )


def keep(round_: Round, signing: Signing) -> None:
    """The round remembers the confirmation, to propose it at its next protocol's freeze."""
    round_.place = signing.place
    round_.jury_chair = signing.chair
    round_.jury_members = signing.members_text
