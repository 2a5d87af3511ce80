"""The draw's inputs: who may be drawn, and the manifest frozen from the round's works, the
jurors' conflicts and their capacities (published by its hash before anything else happens)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from integrity.db import AnySession
from integrity.errors import Conflict as Refused
from integrity.errors import InvalidInput
from integrity.jury.domain import draw as algorithm
from integrity.jury.models import ConflictCheck, Draw, DrawState, WorkConflict
from integrity.jury.services.conflicts import fingerprint, juror_facts, round_jurors
from integrity.registry.models import Juror, JurorDeclaration, Round
from integrity.scans.models import ScanRound, Work


@dataclass(frozen=True)
class Pool:
    eligible: list[Juror]
    left_out: list[tuple[Juror, str]]  # with the reason, for the chair


def juror_pool(session: AnySession, round_: Round) -> Pool:
    """Who may be drawn: jurors of the subject with an account, a signed declaration for the
    event, and conflicts written down at the scans' freeze from facts that have not changed."""
    declared = set(
        session.execute(
            select(JurorDeclaration.juror_id).where(
                JurorDeclaration.event_id == round_.subject.event_id
            )
        ).scalars()
    )
    checked = dict(
        session.execute(
            select(ConflictCheck.juror_id, ConflictCheck.fingerprint).where(
                ConflictCheck.round_id == round_.id
            )
        ).all()
    )
    eligible: list[Juror] = []
    left_out: list[tuple[Juror, str]] = []
    for juror in round_jurors(session, round_):
        if juror.user_id is None:
            left_out.append((juror, str(_l("has no account to mark with"))))
        elif juror.id not in declared:
            left_out.append((juror, str(_l("has not signed the declaration for this event"))))
        elif juror.id not in checked:
            left_out.append((juror, str(_l("joined after the scans were frozen"))))
        elif checked[juror.id] != fingerprint(juror_facts(juror)):
            left_out.append(
                (juror, str(_l("school or declared relations changed after the conflict check")))
            )
        else:
            eligible.append(juror)
    return Pool(sorted(eligible, key=lambda j: j.id), left_out)


def build_manifest(
    session: AnySession,
    round_: Round,
    *,
    mode: str,
    size: int,
    capacities: Mapping[int, int] | None = None,
) -> dict[str, Any]:
    """The draw's inputs as published: works by cipher, jurors by id with the ciphers they must not
    mark, k (or the panel size), capacities. No name, school or serial."""
    state = session.get(ScanRound, round_.id)
    if state is None or state.frozen_at is None:
        raise Refused(_l("Freeze the round's scans first: the draw needs every work."))
    if mode not in algorithm.MODES:
        raise InvalidInput(_l("Unknown draw mode."), field="mode")
    works = {
        w.id: w.cipher
        for w in session.execute(select(Work).where(Work.round_id == round_.id)).scalars()
    }
    if not works:
        raise Refused(_l("This round has no works to mark."))
    barred: dict[int, list[str]] = {}
    for work_id, juror_id in session.execute(
        select(WorkConflict.work_id, WorkConflict.juror_id).where(WorkConflict.work_id.in_(works))
    ).all():
        barred.setdefault(juror_id, []).append(works[work_id])
    pool = juror_pool(session, round_)
    capacities = dict(capacities or {})
    unknown = set(capacities) - {j.id for j in pool.eligible}
    if unknown:
        raise InvalidInput(
            _l("Capacities name jurors who cannot be drawn: %(ids)s", ids=sorted(unknown)),
            field="capacities",
        )
    manifest: dict[str, Any] = {
        "algorithm": algorithm.ALGORITHM,
        "mode": mode,
        "round": {
            "id": round_.id,
            "subject": round_.subject.code,
            "number": round_.number,
            "event": round_.subject.event_id,
        },
        "works": sorted(works.values()),
        "jurors": [
            {
                "id": juror.id,
                "capacity": capacities.get(juror.id),
                "conflicts": sorted(barred.get(juror.id, [])),
            }
            for juror in pool.eligible
        ],
    }
    manifest["k" if mode == "double" else "panel_size"] = size
    return manifest


def active_draw(session: AnySession, round_: Round) -> Draw | None:
    return session.execute(
        select(Draw)
        .where(Draw.round_id == round_.id, Draw.state != DrawState.CANCELLED)
        .order_by(Draw.id.desc())
    ).scalar_one_or_none()


def manifest_of(draw: Draw) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(draw.manifest)
    if algorithm.manifest_hash(data) != draw.manifest_sha256:
        raise Refused(_l("The stored manifest does not match its published hash."))
    return data
