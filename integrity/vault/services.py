"""The identity vault: created by the chair, sealed to at ingest, opened once after the protocol.

Keys for what the server itself must read while a round is open (uploads being processed, the
page queue) are derived from the application's secret key (`domain.server_key`), so a copy of the
database or a backup alone opens nothing; whatever must stay closed until the chair unseals is
sealed to the event's vault public key. The secret key comes in with the settings the caller
passes; nothing here reads the app.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from integrity.audit.domain.chain import Actor
from integrity.audit.services import record_event
from integrity.db import AnySession
from integrity.errors import Conflict, InvalidInput
from integrity.registry.models import Event, Round
from integrity.settings import Settings
from integrity.vault import domain
from integrity.vault.models import IdentityLink, SealedLink, VaultKey

MIN_PASSPHRASE = 12


def server_key(purpose: str, settings: Settings) -> bytes:
    """The server's key for ``purpose``, derived from the settings' secret key."""
    return domain.server_key(settings.secret_key, purpose)


def vault_for_event(session: AnySession, event_id: int) -> VaultKey | None:
    return session.execute(
        select(VaultKey).where(VaultKey.event_id == event_id)
    ).scalar_one_or_none()


def vault_for_round(session: AnySession, round_: Round) -> VaultKey:
    vault = vault_for_event(session, round_.subject.event_id)
    if vault is None:
        raise Conflict(_l("This event has no identity vault yet: the jury chair creates it first."))
    return vault


def create_vault(
    session: AnySession,
    *,
    actor: Actor,
    event: Event,
    passphrase: str,
    threshold: int = 3,
    shares: int = 5,
    n_log2: int = 15,
) -> list[str]:
    """Create the event's key pair; return the commission members' shares (shown once, not stored)."""
    if vault_for_event(session, event.id) is not None:
        raise Conflict(_l("This event already has an identity vault."))
    if len(passphrase) < MIN_PASSPHRASE:
        raise InvalidInput(_l("The passphrase needs at least 12 characters."), field="passphrase")
    if not 2 <= threshold <= shares <= 15:
        raise InvalidInput(_l("Shares: at least 2 needed, at most 15 made."), field="threshold")
    keys = domain.generate_keys()
    vault = VaultKey(
        event_id=event.id,
        public_key=keys.public,
        fingerprint=domain.public_fingerprint(keys.public),
        private_wrapped=domain.wrap_private_key(keys.private, passphrase, n_log2=n_log2),
        threshold=threshold,
        shares=shares,
        created_by_id=actor.id,
    )
    session.add(vault)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="vault.create",
        subject=f"event:{event.id}",
        data={"fingerprint": vault.fingerprint, "threshold": threshold, "shares": shares},
    )
    return domain.split_secret(keys.private, threshold, shares)


def link_context(round_id: int) -> bytes:
    return f"link:round:{round_id}".encode()


def seal_link(
    session: AnySession, *, vault: VaultKey, round_id: int, entry_id: int, serial: int, cipher: str
) -> None:
    """Store who is behind a cipher, readable only with the vault's private key. Part of the ingest
    (whose own audit event covers it), so it records no event of its own."""
    plain = json.dumps({"entry_id": entry_id, "serial": serial, "cipher": cipher}).encode()
    session.add(
        SealedLink(
            round_id=round_id, blob=domain.seal(vault.public_key, plain, link_context(round_id))
        )
    )


def open_private_key(
    vault: VaultKey, *, passphrase: str | None, shares: Sequence[str] = ()
) -> bytes:
    try:
        if passphrase:
            private = domain.unwrap_private_key(vault.private_wrapped, passphrase)
        else:
            private = domain.combine_shares(list(shares))
    except domain.WrongPassphrase:
        raise InvalidInput(_l("Wrong passphrase (or a damaged key)."), field="passphrase") from None
    except domain.NotEnoughShares:
        raise InvalidInput(_l("Not enough key shares."), field="shares") from None
    except domain.VaultError:
        raise InvalidInput(
            _l("A key share is mistyped or from another vault."), field="shares"
        ) from None
    if not domain.private_matches(private, vault.public_key):
        raise InvalidInput(_l("These key shares do not open this vault."), field="shares")
    return private


def open_links(session: AnySession, round_: Round, private: bytes) -> list[dict[str, Any]]:
    """The round's sealed links, opened with the vault's private key: entry, serial and cipher of
    every work. Reads only; the unsealing itself (a protocols use case) records what it opens."""
    return [
        json.loads(domain.unseal(private, link.blob, link_context(round_.id)))
        for link in session.execute(
            select(SealedLink).where(SealedLink.round_id == round_.id).order_by(SealedLink.id)
        ).scalars()
    ]


@dataclass(frozen=True)
class VaultPage:
    """What the chair's vault page shows of an event."""

    vault: VaultKey | None
    rounds: list[Round]
    sealed: dict[int, int]  # links sealed, by round id
    opened: dict[int, int]  # links unsealed, by round id


def vault_page(session: AnySession, event: Event) -> VaultPage:
    sealed = session.execute(
        select(SealedLink.round_id, func.count()).group_by(SealedLink.round_id)
    ).all()
    opened = session.execute(
        select(IdentityLink.round_id, func.count()).group_by(IdentityLink.round_id)
    ).all()
    return VaultPage(
        vault=vault_for_event(session, event.id),
        rounds=[r for s in event.subjects for r in s.rounds],
        sealed={round_id: count for round_id, count in sealed},
        opened={round_id: count for round_id, count in opened},
    )
