"""Signing keys and the signed status list. Services flush and audit; callers commit.

A key's private half is stored only wrapped (scrypt + AES-256-GCM, as the vault does) under
``DIPLOMA_KEY_PASSPHRASE``, or under a key derived from ``SECRET_KEY`` when that is empty, so a
copy of the database alone cannot sign. One key is active at a time; rotating retires it (it stays
published and keeps verifying what it signed) and makes the next one.

The settings (issuer, passphrase, zone) are passed in by the view, command or job that calls.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import lru_cache
from zoneinfo import ZoneInfo

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from integrity.audit.domain.chain import Actor
from integrity.audit.services import chain_head, record_event
from integrity.clock import local_date, local_time
from integrity.db import AnySession, utcnow
from integrity.diplomas.domain import published
from integrity.diplomas.models import (
    Counter,
    Diploma,
    DocumentStatus,
    KeyState,
    SigningKey,
    StatusList,
)
from integrity.errors import Conflict
from integrity.settings import Settings
from integrity.vault import domain as vault_crypto

STATUS_COUNTER = "status"


def _passphrase(settings: Settings) -> str:
    # Empty: the key vault.services.server_key("diploma-signing-keys") derives from SECRET_KEY.
    return settings.diploma_key_passphrase or (
        vault_crypto.derive_key(
            settings.secret_key.encode(), "integrity:diploma-signing-keys"
        ).hex()
    )


@lru_cache(maxsize=8)
def _unwrap(blob: bytes, passphrase: str) -> bytes:
    # scrypt costs ~0.1 s by design; a worker unwraps each key once.
    return vault_crypto.unwrap_private_key(blob, passphrase)


def private_key(key: SigningKey, settings: Settings) -> Ed25519PrivateKey:
    try:
        raw = _unwrap(key.private_wrapped, _passphrase(settings))
    except vault_crypto.VaultError:
        raise Conflict(
            _l(
                "The diploma signing key does not open: DIPLOMA_KEY_PASSPHRASE (or SECRET_KEY) "
                "is not the one it was stored under."
            ),
            code="key_locked",
        ) from None
    return Ed25519PrivateKey.from_private_bytes(raw)


def active_key(session: AnySession) -> SigningKey | None:
    return session.execute(
        select(SigningKey).where(SigningKey.state == KeyState.ACTIVE)
    ).scalar_one_or_none()


def rotate(session: AnySession, *, actor: Actor, settings: Settings) -> SigningKey:
    """Retire the active key (if any) and make a new one, active from now."""
    now = utcnow()
    old = active_key(session)
    if old is not None:
        old.state = KeyState.RETIRED
        old.valid_until = now
        session.flush()
    private = Ed25519PrivateKey.generate()
    raw = private.private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )
    next_id = (session.execute(select(func.max(SigningKey.id))).scalar() or 0) + 1
    key = SigningKey(
        id=next_id,
        public_key=private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        ),
        private_wrapped=vault_crypto.wrap_private_key(
            raw, _passphrase(settings), n_log2=10 if settings.testing else 15
        ),
        state=KeyState.ACTIVE,
        valid_from=now,
        created_by_id=actor.id,
    )
    session.add(key)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="diploma.key_rotated",
        subject=f"signing_key:{key.id}",
        data={"key_id": key.id, "retired": old.id if old else None},
    )
    return key


def signer(
    session: AnySession, *, actor: Actor, settings: Settings
) -> tuple[SigningKey, Ed25519PrivateKey]:
    """The active key and its private half; the first key is made on first use."""
    key = active_key(session) or rotate(session, actor=actor, settings=settings)
    return key, private_key(key, settings)


def _published_time(zone: ZoneInfo, moment: dt.datetime) -> dt.datetime:
    return local_time(zone, moment).replace(microsecond=0)


def published_keys(session: AnySession, zone: ZoneInfo) -> dict[int, published.PublishedKey]:
    return {
        k.id: published.PublishedKey(
            id=k.id,
            public=k.public_key,
            state=k.state.value,
            # In the local calendar, like the issue dates the keys are checked against, and to
            # the second, as the lists give them.
            valid_from=_published_time(zone, k.valid_from),
            valid_until=_published_time(zone, k.valid_until) if k.valid_until else None,
        )
        for k in session.execute(select(SigningKey).order_by(SigningKey.id)).scalars()
    }


def key_list(session: AnySession, settings: Settings) -> dict[str, object]:
    keys = published_keys(session, settings.zone)
    return published.key_list(settings.diploma_issuer, list(keys.values()))


def allocate(session: AnySession, name: str, count: int) -> int:
    """Raise the counter ``name`` by ``count`` under a row lock; the first number given."""
    row = session.execute(
        select(Counter).where(Counter.name == name).with_for_update()
    ).scalar_one_or_none()
    if row is None:
        row = Counter(name=name, last=0)
        session.add(row)
        session.flush()
    first = row.last + 1
    row.last += count
    session.flush()
    return first


def status_notes(session: AnySession, zone: ZoneInfo) -> dict[int, published.StatusNote]:
    notes = {}
    rows = session.execute(
        select(Diploma).where(Diploma.status != DocumentStatus.VALID).order_by(Diploma.status_index)
    ).scalars()
    for doc in rows:
        notes[doc.status_index] = note_of(zone, doc)
    return notes


def note(
    zone: ZoneInfo,
    status: DocumentStatus,
    status_at: dt.datetime | None,
    successor: str | None,
    kind: str | None = None,
) -> published.StatusNote:
    """A document's status as the status list and the verdict state it: a change's local date,
    the superseding (or replacing) serial, and an annulment's kind."""
    on = local_date(zone, status_at) if status_at and status is not DocumentStatus.VALID else None
    kind = kind if status is DocumentStatus.ANNULLED else None
    return published.StatusNote(status=status.value, on=on, by=successor, kind=kind)


def note_of(zone: ZoneInfo, doc: Diploma) -> published.StatusNote:
    successor = doc.superseded_by.serial if doc.superseded_by else None
    kind = doc.annul_kind.value if doc.annul_kind else None
    return note(zone, doc.status, doc.status_at, successor, kind)


def publish_status_list(session: AnySession, *, actor: Actor, settings: Settings) -> StatusList:
    """Sign the status list as it stands now and keep it for serving."""
    key, private = signer(session, actor=actor, settings=settings)
    size = session.execute(
        select(Counter.last).where(Counter.name == STATUS_COUNTER)
    ).scalar_one_or_none()
    document = published.status_list(
        issuer=settings.diploma_issuer,
        size=size or 0,
        notes=status_notes(session, settings.zone),
        updated=utcnow(),
        key_id=key.id,
        private=private,
    )
    row = session.get(StatusList, 1)
    content = json.dumps(document, ensure_ascii=False, sort_keys=True)
    if row is None:
        row = StatusList(id=1, content=content)
        session.add(row)
    else:
        row.content = content
        row.updated_at = utcnow()
    row.chain_head = chain_head(session)[1]
    session.flush()
    return row


def published_heads(session: AnySession) -> dict[str, str]:
    """The chain head recorded when the status list was last signed, for `integrity audit verify`."""
    row = session.get(StatusList, 1)
    return {row.chain_head: "the diploma status list"} if row and row.chain_head else {}


def status_list_document(session: AnySession) -> dict[str, object] | None:
    row = session.get(StatusList, 1)
    return json.loads(row.content) if row else None
