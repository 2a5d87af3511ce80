"""Protocols: build from reconciled scores, freeze (hash and chain head), publish, close appeals.

The ciphered protocol shows cipher, score per task, total, rank and provisional award. Its content
is canonical JSON; freezing stores its SHA-256 and the audit chain head of that moment.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from integrity.audit.chain import Actor
from integrity.audit.services import chain_head, record_event
from integrity.db import AnySession, utcnow
from integrity.errors import Conflict as Refused
from integrity.errors import DomainError, NotFound
from integrity.jury.domain import format_sixtieths
from integrity.jury.models import ScoreStatus, TaskScore
from integrity.jury.services.marking import lock_marks
from integrity.protocols import domain
from integrity.protocols.models import (
    Protocol,
    ProtocolState,
    ProtocolVersion,
    PublicRendering,
    ScoreEvent,
)
from integrity.registry.domain.kinds import EntryStatus
from integrity.registry.models import Entry, Participant, Round
from integrity.scans.models import ScanRound, Work

FORMAT = "integrity-protocol/1"


def canonical(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def state_labels() -> dict[ProtocolState, str]:
    return {
        ProtocolState.DRAFT: str(_l("draft")),
        ProtocolState.FROZEN: str(_l("frozen (ciphered)")),
        ProtocolState.PUBLISHED: str(_l("published (ciphered), appeals open")),
        ProtocolState.APPEALS_CLOSED: str(_l("appeals closed")),
        ProtocolState.UNSEALED: str(_l("unsealed")),
        ProtocolState.FINAL: str(_l("final (named)")),
        ProtocolState.FINAL_PUBLISHED: str(_l("final, published")),
    }


def version_reason(version: ProtocolVersion) -> str:
    """Why a version exists, in the reader's language (stored as "frozen", "final, named" or
    "appeal <id>: <outcome>")."""
    if version.reason == "frozen":
        return str(_l("frozen"))
    if version.reason == "final, named":
        return str(_l("final, named"))
    head, _sep, outcome = version.reason.partition(": ")
    if head.startswith("appeal ") and outcome in ("raised", "lowered", "unchanged"):
        label = {"raised": _l("raised"), "lowered": _l("lowered"), "unchanged": _l("unchanged")}
        return str(_l("appeal %(n)s: %(outcome)s", n=head[len("appeal ") :],
                      outcome=label[outcome]))  # fmt: skip
    return version.reason


def grades_of(session: AnySession, round_: Round) -> list[int]:
    return sorted(
        g
        for g in session.execute(
            select(Work.grade).where(Work.round_id == round_.id).distinct()
        ).scalars()
        if g is not None
    )


def protocols_of(session: AnySession, round_: Round) -> list[Protocol]:
    """The round's protocols, one per grade with works. A grade without a stored protocol gets a
    draft that is not saved: a protocol is written when it is first frozen, with its event."""
    state = session.get(ScanRound, round_.id)
    if state is None or state.frozen_at is None:
        return []
    existing = {
        p.grade: p
        for p in session.execute(select(Protocol).where(Protocol.round_id == round_.id)).scalars()
    }
    for grade in grades_of(session, round_):
        if grade not in existing:
            existing[grade] = Protocol(round=round_, grade=grade, state=ProtocolState.DRAFT)
    return [existing[g] for g in sorted(existing)]


def effective_scores(session: AnySession, works: list[Work]) -> dict[int, dict[int, int | None]]:
    """Per work, per task: the score that counts (the latest score event after a freeze, else the
    reconciled score; None while a task is unsettled)."""
    ids = [w.id for w in works]
    scores: dict[int, dict[int, int | None]] = {w: {} for w in ids}
    for score in session.execute(select(TaskScore).where(TaskScore.work_id.in_(ids))).scalars():
        settled = score.status not in (ScoreStatus.AWAITING_THIRD, ScoreStatus.AWAITING_CHAIR)
        scores[score.work_id][score.task_id] = score.sixtieths if settled else None
    for event in session.execute(
        select(ScoreEvent).where(ScoreEvent.work_id.in_(ids)).order_by(ScoreEvent.id)
    ).scalars():
        scores[event.work_id][event.task_id] = event.after
    return scores


def build_ciphered(
    session: AnySession, protocol: Protocol, exclude: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """The ciphered protocol's content. Refused while a task of one of its works is unsettled.
    ``exclude``: ciphers left out of the ranking (the named protocol's disqualified entries)."""
    round_ = protocol.round
    tasks = sorted(round_.tasks, key=lambda t: t.number)
    works = [
        w
        for w in session.execute(
            select(Work)
            .where(Work.round_id == round_.id, Work.grade == protocol.grade)
            .order_by(Work.cipher)
        ).scalars()
        if w.cipher not in exclude
    ]
    scores = effective_scores(session, works)
    unsettled = sum(1 for w in works for t in tasks if scores[w.id].get(t.id) is None)
    if unsettled:
        raise Refused(
            _l(
                "%(n)d task scores are not settled yet (marking, a third marker or the chair).",
                n=unsettled,
            ),
            code="unsettled",
            unsettled=unsettled,
        )
    totals = [(w.cipher, sum(scores[w.id][t.id] or 0 for t in tasks)) for w in works]
    policy = domain.Policy.from_config(
        json.loads(round_.subject.event.prize_policy) if round_.subject.event.prize_policy else None
    )
    awarded = domain.award(domain.rank(totals), policy)
    per_work = {w.cipher: w for w in works}
    statuses = Counter(
        session.execute(
            select(Entry.status)
            .join(Participant, Participant.id == Entry.participant_id)
            .where(
                Entry.round_id == round_.id,
                Participant.grade == protocol.grade,
                Entry.status.in_([EntryStatus.ABSENT, EntryStatus.DISQUALIFIED]),
            )
        ).scalars()
    )
    return {
        "format": FORMAT,
        "kind": "ciphered",
        "protocol": protocol.id,
        "event": round_.subject.event_id,
        "subject": round_.subject.code,
        "round": round_.number,
        "grade": protocol.grade,
        "policy": policy.kind,
        "quotas": list(awarded.quotas) if awarded.quotas else None,
        "overflow": {d.value: n for d, n in awarded.overflow.items()},
        "tasks": [t.number for t in tasks],
        "rows": [
            {
                "cipher": p.key,
                "tasks": [format_sixtieths(scores[per_work[p.key].id][t.id] or 0) for t in tasks],
                "total": format_sixtieths(p.score),
                "rank": p.rank,
                "award": p.award.value if p.award else None,
            }
            for p in awarded.placed
        ],
        "absent": statuses.get(EntryStatus.ABSENT, 0),
        "disqualified": statuses.get(EntryStatus.DISQUALIFIED, 0),
    }


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


def freeze(session: AnySession, *, actor: Actor, protocol: Protocol) -> ProtocolVersion:
    """Freeze the ciphered protocol: its content hash and the audit chain head are stored (and
    printed on every export)."""
    _expect(protocol, ProtocolState.DRAFT)
    # A draft from protocols_of is not saved yet: save it first, or the frozen content would
    # name no protocol ("protocol": null) and never match a recomputation from the rows.
    session.add(protocol)
    session.flush()
    version = new_version(
        session,
        actor=actor,
        protocol=protocol,
        content=build_ciphered(session, protocol),
        reason="frozen",
    )
    protocol.state = ProtocolState.FROZEN
    protocol.frozen_at = version.frozen_at
    lock_marks(session, round_id=protocol.round_id, grade=protocol.grade)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="protocols.frozen",
        subject=f"protocol:{protocol.id}",
        data={"version": version.number, "content_sha256": version.content_sha256,
              "chain_head": version.chain_head},
    )  # fmt: skip
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
    session: AnySession, *, actor: Actor, protocol: Protocol, now: dt.datetime | None = None
) -> Protocol:
    """Close the appeal window once it has run out. When every protocol of the round is closed, the
    round's results are frozen: the vault may be unsealed and the draw's manifest published."""
    _expect(protocol, ProtocolState.PUBLISHED)
    now = now or utcnow()
    assert protocol.appeals_until is not None
    if now < protocol.appeals_until:
        raise Refused(
            _l("The appeal window is open until %(when)s UTC.",
               when=protocol.appeals_until.strftime("%Y-%m-%d %H:%M")),
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


def published_protocols(session: AnySession, event_id: int) -> list[Protocol]:
    return list(
        session.execute(
            select(Protocol)
            .join(Round, Round.id == Protocol.round_id)
            .where(
                Round.subject.has(event_id=event_id),
                Protocol.state.not_in([ProtocolState.DRAFT, ProtocolState.FROZEN]),
            )
            .order_by(Protocol.round_id, Protocol.grade)
        ).scalars()
    )


def csv_rows(version: ProtocolVersion, public: dict[str, Any] | None = None) -> list[list[str]]:
    """Ciphers and scores, no names; with ``public``, signed with the public rendering's hash."""
    content = json.loads(version.content) if public is None else public
    digest = version.content_sha256 if public is None else public_sha256(public)
    header = ["cipher", *[f"task {n}" for n in content["tasks"]], "total", "rank", "award"]
    rows = [header]
    for row in content["rows"]:
        rows.append([row["cipher"], *row["tasks"], row["total"], str(row["rank"]),
                     row["award"] or ""])  # fmt: skip
    rows.append([f"sha256 {digest}", f"chain head {version.chain_head}"])
    return rows


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


def _entries_by_cipher(session: AnySession, round_id: int) -> dict[str, int]:
    """Each work's entry, as the unsealed vault links them (empty before unsealing)."""
    from integrity.vault.models import IdentityLink

    return dict(
        session.execute(
            select(Work.cipher, IdentityLink.entry_id)
            .join(IdentityLink, IdentityLink.work_id == Work.id)
            .where(Work.round_id == round_id)
        ).all()
    )


def build_named(session: AnySession, protocol: Protocol) -> dict[str, Any]:
    """The final protocol: the ciphered content (after appeals) with each cipher's participant,
    school and district, and the absent and disqualified listed apart with their reason."""
    from integrity.registry.models import District, School

    links = _entries_by_cipher(session, protocol.round_id)
    # Names make disqualifications visible: a disqualified entry's work leaves the ranking (the
    # others are ranked again) and the entry is listed apart with its reason.
    disqualified = {
        cipher
        for cipher, entry_id in links.items()
        if (entry := session.get(Entry, entry_id)) is not None
        and entry.status is EntryStatus.DISQUALIFIED
    }
    content = build_ciphered(session, protocol, exclude=frozenset(disqualified))
    people = {
        entry.id: (participant, school, district)
        for entry, participant, school, district in session.execute(
            select(Entry, Participant, School, District)
            .join(Participant, Participant.id == Entry.participant_id)
            .join(School, School.id == Participant.school_id)
            .join(District, District.id == School.district_id)
            .where(Entry.round_id == protocol.round_id)
        ).all()
    }

    def person(entry_id: int) -> dict[str, Any]:
        participant, school, district = people[entry_id]
        return {
            "entry": entry_id,  # for the public rendering, which withholds by live consent
            "name": participant.full_name,
            "grade": participant.grade,
            "school_kk": school.name_kk,
            "school_ru": school.name_ru,
            "district_kk": district.name_kk,
            "district_ru": district.name_ru,
        }

    missing = [row["cipher"] for row in content["rows"] if row["cipher"] not in links]
    if missing:
        raise Refused(
            _l("%(n)d works have no unsealed identity; unseal the round first.", n=len(missing)),
            code="not_unsealed",
        )
    for row in content["rows"]:
        row.update(person(links[row["cipher"]]))
    apart = session.execute(
        select(Entry)
        .join(Participant, Participant.id == Entry.participant_id)
        .where(
            Entry.round_id == protocol.round_id,
            Participant.grade == protocol.grade,
            Entry.status.in_([EntryStatus.ABSENT, EntryStatus.DISQUALIFIED]),
        )
        .order_by(Participant.sort_key)
    ).scalars()
    content["apart"] = [
        {**person(e.id), "status": e.status.value, "reason": e.status_reason or ""} for e in apart
    ]
    content["kind"] = "named"
    return content


def freeze_final(session: AnySession, *, actor: Actor, protocol: Protocol) -> ProtocolVersion:
    _expect(protocol, ProtocolState.UNSEALED)
    version = new_version(
        session, actor=actor, protocol=protocol, content=build_named(session, protocol),
        reason="final, named",
    )  # fmt: skip
    protocol.state = ProtocolState.FINAL
    protocol.final_frozen_at = version.frozen_at
    session.flush()
    record_event(
        session,
        actor=actor,
        action="protocols.final_frozen",
        subject=f"protocol:{protocol.id}",
        data={"version": version.number, "content_sha256": version.content_sha256,
              "chain_head": version.chain_head},
    )  # fmt: skip
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


def advance_freeze(session: AnySession, *, actor: Actor, protocol: Protocol) -> ProtocolVersion:
    """`freeze` on the page and the command: the named protocol once unsealed; otherwise the
    ciphered one, published on the public site at once (late publication is a corruption risk the
    centre's analysis names, so there is no gap to leave)."""
    if protocol.state is ProtocolState.UNSEALED:
        return freeze_final(session, actor=actor, protocol=protocol)
    version = freeze(session, actor=actor, protocol=protocol)
    publish(session, actor=actor, protocol=protocol)
    return version


def advance_publish(session: AnySession, *, actor: Actor, protocol: Protocol) -> Protocol:
    """`publish`: the ciphered protocol once frozen, the named one once final."""
    if protocol.state is ProtocolState.FINAL:
        return publish_final(session, actor=actor, protocol=protocol)
    return publish(session, actor=actor, protocol=protocol)


def document(
    version: ProtocolVersion, fmt: str, lang: str, *, public: dict[str, Any] | None = None
) -> bytes:
    """The version as PDF or XLSX in Kazakh or Russian (hash and chain head on it); with
    ``public``, its public rendering (``public_content``) and that rendering's own hash."""
    from integrity.protocols import documents

    if lang not in documents.LABELS or fmt not in ("pdf", "xlsx"):
        raise NotFound(_l("No such export."))
    subject = version.protocol.round.subject
    content = json.loads(version.content) if public is None else public
    heading = documents.Heading(
        event=subject.event.title(lang),
        subject=subject.name(lang),
        content_sha256=version.content_sha256 if public is None else public_sha256(public),
        chain_head=version.chain_head,
    )
    return (
        documents.pdf(content, heading, lang)
        if fmt == "pdf"
        else documents.xlsx(content, heading, lang)
    )


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
    from integrity.errors import InvalidInput
    from integrity.registry.models import Event, Subject

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


def published_heads(session: AnySession) -> dict[str, str]:
    """The chain head recorded in each frozen protocol version, for `integrity audit verify`."""
    rows = session.execute(
        select(ProtocolVersion.chain_head, ProtocolVersion.protocol_id, ProtocolVersion.number)
    ).all()
    return {head: f"protocol {pid} version {number}" for head, pid, number in rows}


@dataclass(frozen=True)
class VersionCheck:
    protocol_id: int
    version: int
    problems: list[str]


def check_versions(session: AnySession) -> list[VersionCheck]:
    """Each protocol's current version, checked three ways: its stored text against its stored
    hash, that hash against the one its freezing wrote into the audit chain, and the text
    against the content the live rows (scores, and names once unsealed) give now, naming the
    ciphers whose rows differ. A score edited behind the application's back shows in the last."""
    from integrity.audit.models import AuditEvent

    recorded: dict[tuple[str, int], str] = {}
    for event in session.execute(
        select(AuditEvent).where(
            AuditEvent.action.in_(("protocols.frozen", "protocols.final_frozen"))
        )
    ).scalars():
        data = json.loads(event.data)
        if "version" in data and "content_sha256" in data:
            recorded[event.subject, int(data["version"])] = data["content_sha256"]
    checks = []
    for protocol in session.execute(select(Protocol).order_by(Protocol.id)).scalars():
        version = protocol.current
        if version is None:
            continue
        problems = []
        if hashlib.sha256(version.content.encode()).hexdigest() != version.content_sha256:
            problems.append("the stored text does not match its stored hash")
        logged = recorded.get((f"protocol:{protocol.id}", version.number))
        if logged is not None and logged != version.content_sha256:
            problems.append("the stored hash is not the one the audit chain recorded")
        try:
            live = (build_named if version.named else build_ciphered)(session, protocol)
        except DomainError as exc:
            problems.append(f"the live rows cannot be read as a protocol: {exc.message}")
        else:
            live = json.loads(canonical({**live, "version": version.number}))
            stored = json.loads(version.content)
            if live != stored:
                by_cipher = {r["cipher"]: r for r in stored.get("rows", [])}
                changed = sorted(
                    r["cipher"] for r in live.get("rows", []) if by_cipher.get(r["cipher"]) != r
                )
                changed += sorted(set(by_cipher) - {r["cipher"] for r in live.get("rows", [])})
                problems.append(
                    "the live rows give another content"
                    + (f": rows of {', '.join(changed[:10])}" if changed else "")
                )
        checks.append(VersionCheck(protocol.id, version.number, problems))
    return checks


# -- the public rendering -----------------------------------------------------------------------

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
    entry_of = _entries_by_cipher(session, version.protocol.round_id)

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
