"""The server's verdict on a QR link or a typed serial: the same ``published.check`` the offline
script runs, fed from the database. Reads only; the zone and the key cache are passed in (the
public page keeps one cache per app)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, select
from sqlalchemy.orm import aliased

from integrity.db import AnySession
from integrity.diplomas.domain import Payload, PayloadError, Serial, from_text, published, to_code
from integrity.diplomas.models import AnnulKind, Diploma, DocumentStatus
from integrity.diplomas.services import keys
from integrity.registry.domain import name_key
from integrity.registry.models import Event

KEYS_TTL = 300.0  # seconds; an unknown key id reloads at once, so a new key is never missed


class KeyCache:
    """The published keys, kept a few minutes (one cache per app): the page is public and busy,
    keys rarely change, and the database is asked again whenever a payload names a key not yet
    seen."""

    def __init__(self) -> None:
        self._known: dict[int, published.PublishedKey] | None = None
        self._at = 0.0

    def keys(
        self, session: AnySession, zone: ZoneInfo, key_id: int | None
    ) -> dict[int, published.PublishedKey]:
        now = time.monotonic()
        known = self._known
        if (
            known is None
            or now - self._at > KEYS_TTL
            or (key_id is not None and key_id not in known)
        ):
            known = keys.published_keys(session, zone)
            self._known, self._at = known, now
        return dict(known)


@dataclass(frozen=True)
class Found:
    """What the page shows of the stored document besides the payload."""

    id: int
    school: str
    event_titles: tuple[str, str, str | None]  # kk, ru, en
    successor: str | None = None  # the replacing document's code, for its own /v/ page

    def event(self, locale: str) -> str:
        kk, ru, en = self.event_titles
        return {"kk": kk, "ru": ru}.get(locale) or en or kk  # as Event.title does


_successor = aliased(Diploma)
_LOOKUP = (
    select(
        Diploma.id, Diploma.payload, Diploma.status, Diploma.status_at, Diploma.annul_kind,
        Diploma.school,
        Event.title_kk, Event.title_ru, Event.title_en, _successor.serial,
        _successor.payload.label("successor_payload"),
    )
    .join(Event, Event.id == Diploma.event_id)
    .outerjoin(_successor, _successor.id == Diploma.superseded_by_id)
    .where(Diploma.serial == bindparam("serial"))
)  # fmt: skip
# Built once, so its cache key is computed once; run on the session's connection, not the ORM.


def check_blob(
    session: AnySession, blob: bytes, zone: ZoneInfo, cache: KeyCache | None = None
) -> tuple[published.Result, Found | None]:
    """The verdict, and what is stored of the document when it is ours. One query: this runs
    on every QR scan, so it reads columns, not ORM objects. Without a ``cache`` the keys are
    read afresh (commands, tests)."""
    found: list[Found] = []

    def status_of(payload: Payload) -> published.StatusNote | None:
        row = session.connection().execute(_LOOKUP, {"serial": str(payload.serial)}).one_or_none()
        # A valid signature over bytes we never stored would mean a leaked key: not ours.
        if row is None or row.payload != blob:
            return None
        successor = to_code(row.successor_payload) if row.successor_payload else None
        found.append(
            Found(row.id, row.school, (row.title_kk, row.title_ru, row.title_en), successor)
        )
        kind = AnnulKind(row.annul_kind).value if row.annul_kind else None
        return keys.note(zone, DocumentStatus(row.status), row.status_at, row.serial, kind)

    key_id = int.from_bytes(blob[1:3]) if len(blob) > 3 else None
    known = (cache or KeyCache()).keys(session, zone, key_id)
    result = published.check(blob, known, status_of)
    return result, (found[0] if found else None)


def check_link(
    session: AnySession, text: str, zone: ZoneInfo, cache: KeyCache | None = None
) -> tuple[published.Result, Found | None]:
    try:
        blob = from_text(text)
    except PayloadError as exc:
        return published.Result(published.Verdict.NOT_ISSUED, why=str(exc)), None
    return check_blob(session, blob, zone, cache)


def lookup(session: AnySession, serial_text: str, surname: str) -> Diploma | None:
    """The document with this serial whose surname matches (case- and ё/е-insensitive), or None
    for every kind of miss alike."""
    try:
        serial = str(Serial.parse(serial_text))
    except ValueError:
        return None
    doc = session.execute(select(Diploma).where(Diploma.serial == serial)).scalar_one_or_none()
    if doc is None or not surname.strip() or doc.surname_key != name_key(surname):
        return None
    return doc
