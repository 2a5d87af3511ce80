"""Unsealing a round: the chair's deliberate de-anonymisation, once its appeals are closed.

A protocols use case, since it is the protocols' moment (after the ciphered results and their
appeals, before the named protocol): the vault offers the key and the sealed links
(``vault.services.open_private_key``, ``open_links``), this module records who is behind each
work and lets the round's protocols be named. The audit event keeps the vault's name,
``vault.unseal``, as published chains already carry it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from integrity.audit.domain.chain import Actor
from integrity.audit.services import record_event
from integrity.db import AnySession
from integrity.errors import Conflict
from integrity.protocols.services.lifecycle import mark_unsealed
from integrity.registry.models import Round
from integrity.scans.models import Work
from integrity.vault.models import IdentityLink, SealedLink
from integrity.vault.services import open_links, open_private_key, vault_for_round

log = logging.getLogger("integrity")


def check_unsealable(
    session: AnySession, round_: Round, *, actor: Actor, attempted: bool = True
) -> int:
    """The number of the round's sealed links, once it may be unsealed; refused when its appeals
    are still open, or it is unsealed already. The confirmation page asks this before it asks for
    the key (``attempted=False``: merely looking is no attempt, so it is not logged as one)."""
    if round_.results_frozen_at is None:
        if attempted:
            log.warning(
                "unseal refused: the round's appeals are not closed",
                extra={"fields": {"event": "unseal_refused", "round_id": round_.id,
                                  "actor": actor.name}},
            )  # fmt: skip
        raise Conflict(
            _l("The identities can be unsealed only after the round's appeals are closed."),
            code="appeals_open",
        )
    if session.scalar(
        select(func.count()).select_from(IdentityLink).where(IdentityLink.round_id == round_.id)
    ):
        raise Conflict(_l("This round is already unsealed."))
    return (
        session.scalar(
            select(func.count()).select_from(SealedLink).where(SealedLink.round_id == round_.id)
        )
        or 0
    )


def unseal_round(
    session: AnySession,
    *,
    actor: Actor,
    round_: Round,
    passphrase: str | None = None,
    shares: Sequence[str] = (),
) -> int:
    """Open the round's sealed links with the chair's passphrase or k of the n key shares, record
    each work's entry, and let the round's protocols whose appeals are closed be named. Allowed only
    once the round's results are frozen; a refusal is logged. Returns how many works were opened."""
    check_unsealable(session, round_, actor=actor)
    vault = vault_for_round(session, round_)
    private = open_private_key(vault, passphrase=passphrase, shares=shares)
    records = open_links(session, round_, private)
    works = dict(
        session.execute(
            select(Work.cipher, Work.id).where(Work.cipher.in_([r["cipher"] for r in records]))
        ).all()
    )
    for record in records:
        session.add(
            IdentityLink(
                round_id=round_.id,
                work_id=works[record["cipher"]],
                entry_id=record["entry_id"],
                serial=record["serial"],
            )
        )
    session.flush()
    record_event(
        session,
        actor=actor,
        action="vault.unseal",
        subject=f"round:{round_.id}",
        data={"links": len(records), "with": "passphrase" if passphrase else "shares"},
    )
    mark_unsealed(session, round_)  # its protocols may now be named
    return len(records)
