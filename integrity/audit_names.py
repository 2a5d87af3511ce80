"""The names and pages of the records audit events are about (``kind:id`` subjects and the ids in
their data), one namer per kind, for the audit log. Wiring: it reads every area's models (as
``integrity.models`` lists them), so it sits outside the areas; ``create_app`` registers it with
``integrity.audit.wiring.register_subject_namers``.

A namer names what the database says and nothing more: it never joins a work's cipher to a pupil
(no table links them before unsealing, and the log does not either). Whether a reader gets a
pupil's name is the log's decision (``audit.domain.reading.PERSONAL_KINDS``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from flask_babel import gettext as _
from sqlalchemy import select

from integrity.accounts.models import User
from integrity.audit.domain.reading import Named
from integrity.audit.wiring import Namer
from integrity.db import AnySession
from integrity.diplomas.models import Batch, Diploma
from integrity.jury.models import Assignment, Draw, TaskScore
from integrity.protocols.models import Appeal, Protocol
from integrity.registry.models import (
    District,
    Entry,
    Event,
    ImportRun,
    Juror,
    Participant,
    Room,
    Round,
    School,
    Subject,
    Task,
    Venue,
)
from integrity.risk.domain.indicators import REGISTRY as INDICATORS
from integrity.risk.models import Analysis, Finding, Recommendation
from integrity.scans.models import Upload, Work

M = TypeVar("M")


def _rows(session: AnySession, model: type[M], ids: Sequence[int]) -> list[M]:
    return list(session.execute(select(model).where(model.id.in_(list(ids)))).scalars())  # type: ignore[attr-defined]


def round_text(round_: Round, locale: str) -> str:
    return f"{round_.subject.name(locale)} · {_('Round %(n)d', n=round_.number)}"


def _users(session: AnySession, ids: Sequence[int], locale: str) -> dict[int, Named]:
    return {u.id: Named(u.display_name, "accounts.edit_user", {"user_id": u.id})
            for u in _rows(session, User, ids)}  # fmt: skip


def _events(session: AnySession, ids: Sequence[int], locale: str) -> dict[int, Named]:
    return {e.id: Named(e.title(locale), "registry.event", {"event_id": e.id})
            for e in _rows(session, Event, ids)}  # fmt: skip


def _subjects(session: AnySession, ids: Sequence[int], locale: str) -> dict[int, Named]:
    return {s.id: Named(f"{s.name(locale)} · {s.event.title(locale)}", "registry.event",
                        {"event_id": s.event_id}) for s in _rows(session, Subject, ids)}  # fmt: skip


def _rounds(session: AnySession, ids: Sequence[int], locale: str) -> dict[int, Named]:
    return {r.id: Named(round_text(r, locale), "registry.round_", {"round_id": r.id})
            for r in _rows(session, Round, ids)}  # fmt: skip


def _tasks(session: AnySession, ids: Sequence[int], locale: str) -> dict[int, Named]:
    return {t.id: Named(f"{round_text(t.round, locale)} · {_('Task %(n)d', n=t.number)}",
                        "registry.task", {"task_id": t.id}) for t in _rows(session, Task, ids)}  # fmt: skip


def _places(model: Any, endpoint: str | None = None) -> Namer:
    def name(session: AnySession, ids: Sequence[int], locale: str) -> dict[int, Named]:
        return {p.id: Named(p.name(locale), endpoint) for p in _rows(session, model, ids)}

    return name


def _venues(session: AnySession, ids: Sequence[int], locale: str) -> dict[int, Named]:
    return {v.id: Named(v.name, "registry.venue", {"venue_id": v.id})
            for v in _rows(session, Venue, ids)}  # fmt: skip


def _rooms(session: AnySession, ids: Sequence[int], locale: str) -> dict[int, Named]:
    return {r.id: Named(f"{r.venue.name} · {r.name}", "registry.venue", {"venue_id": r.venue_id})
            for r in _rows(session, Room, ids)}  # fmt: skip


def _participants(session: AnySession, ids: Sequence[int], locale: str) -> dict[int, Named]:
    return {p.id: Named(p.full_name, "registry.participant", {"participant_id": p.id})
            for p in _rows(session, Participant, ids)}  # fmt: skip


def _entries(session: AnySession, ids: Sequence[int], locale: str) -> dict[int, Named]:
    return {e.id: Named(f"{e.participant.full_name} · {round_text(e.round, locale)}",
                        "registry.participant", {"participant_id": e.participant_id})
            for e in _rows(session, Entry, ids)}  # fmt: skip


def _jurors(session: AnySession, ids: Sequence[int], locale: str) -> dict[int, Named]:
    return {j.id: Named(j.full_name, "registry.juror", {"juror_id": j.id})
            for j in _rows(session, Juror, ids)}  # fmt: skip


def _imports(session: AnySession, ids: Sequence[int], locale: str) -> dict[int, Named]:
    return {r.id: Named(r.filename, "registry.import_run", {"import_id": r.id})
            for r in _rows(session, ImportRun, ids)}  # fmt: skip


def _uploads(session: AnySession, ids: Sequence[int], locale: str) -> dict[int, Named]:
    return {u.id: Named(u.filename, "scans.upload_report", {"upload_id": u.id})
            for u in _rows(session, Upload, ids)}  # fmt: skip


def _works(session: AnySession, ids: Sequence[int], locale: str) -> dict[int, Named]:
    return {w.id: Named(_("Work %(cipher)s", cipher=w.cipher), "jury.round_marking",
                        {"round_id": w.round_id}) for w in _rows(session, Work, ids)}  # fmt: skip


def _draws(session: AnySession, ids: Sequence[int], locale: str) -> dict[int, Named]:
    rounds = {d.id: d.round_id for d in _rows(session, Draw, ids)}
    named = _rounds(session, sorted(set(rounds.values())), locale)
    return {d: Named(_("Draw · %(round)s", round=named[r].text), "jury.round_draw",
                     {"round_id": r}) for d, r in rounds.items() if r in named}  # fmt: skip


def _assignments(session: AnySession, ids: Sequence[int], locale: str) -> dict[int, Named]:
    return {a.id: Named(_("Work %(cipher)s, marked by %(juror)s", cipher=a.work.cipher,
                          juror=a.juror.full_name), "jury.round_marking",
                        {"round_id": a.work.round_id})
            for a in _rows(session, Assignment, ids)}  # fmt: skip


def _task_scores(session: AnySession, ids: Sequence[int], locale: str) -> dict[int, Named]:
    scores = _rows(session, TaskScore, ids)
    works = {w.id: w for w in _rows(session, Work, sorted({s.work_id for s in scores}))}
    return {s.id: Named(_("Work %(cipher)s, task %(n)d", cipher=works[s.work_id].cipher,
                          n=s.task.number), "jury.round_marking",
                        {"round_id": works[s.work_id].round_id})
            for s in scores if s.work_id in works}  # fmt: skip


def _protocols(session: AnySession, ids: Sequence[int], locale: str) -> dict[int, Named]:
    return {p.id: Named(_("%(round)s, grade %(grade)d", round=round_text(p.round, locale),
                          grade=p.grade), "protocols.round_protocols", {"round_id": p.round_id})
            for p in _rows(session, Protocol, ids)}  # fmt: skip


def _appeals(session: AnySession, ids: Sequence[int], locale: str) -> dict[int, Named]:
    return {a.id: Named(_("Appeal on work %(cipher)s", cipher=a.work.cipher),
                        "protocols.round_protocols", {"round_id": a.protocol.round_id})
            for a in _rows(session, Appeal, ids)}  # fmt: skip


def _diplomas(session: AnySession, ids: Sequence[int], locale: str) -> dict[int, Named]:
    # By serial only: the name printed on it is a pupil's.
    return {d.id: Named(d.serial, "diplomas.document", {"diploma_id": d.id})
            for d in _rows(session, Diploma, ids)}  # fmt: skip


def _batches(session: AnySession, ids: Sequence[int], locale: str) -> dict[int, Named]:
    rows = _rows(session, Batch, ids)
    protocols = _protocols(session, sorted({b.protocol_id for b in rows}), locale)
    return {b.id: Named(_("Batch %(n)d · %(protocol)s", n=b.id,
                          protocol=protocols[b.protocol_id].text), "diplomas.batch",
                        {"batch_id": b.id}) for b in rows if b.protocol_id in protocols}  # fmt: skip


def _analysis_text(a: Analysis) -> str:
    return str(_("Analysis for %(start)s – %(end)s", start=a.period_start.isoformat(),
             end=a.period_end.isoformat()))  # fmt: skip


def _analyses(session: AnySession, ids: Sequence[int], locale: str) -> dict[int, Named]:
    return {a.id: Named(_analysis_text(a), "risk.analysis", {"analysis_id": a.id})
            for a in _rows(session, Analysis, ids)}  # fmt: skip


def _in_analysis(model: Any) -> Namer:
    def name(session: AnySession, ids: Sequence[int], locale: str) -> dict[int, Named]:
        rows = _rows(session, model, ids)
        analyses = _analyses(session, sorted({r.analysis_id for r in rows}), locale)
        return {r.id: analyses[r.analysis_id] for r in rows if r.analysis_id in analyses}

    return name


NAMERS: Mapping[str, Namer] = {
    "user": _users,
    "event": _events,
    "subject": _subjects,
    "round": _rounds,
    "task": _tasks,
    "district": _places(District, "registry.districts"),
    "school": _places(School, "registry.schools"),
    "venue": _venues,
    "room": _rooms,
    "participant": _participants,
    "entry": _entries,
    "juror": _jurors,
    "import": _imports,
    "upload": _uploads,
    "work": _works,
    "draw": _draws,
    "assignment": _assignments,
    "task_score": _task_scores,
    "protocol": _protocols,
    "appeal": _appeals,
    "diploma": _diplomas,
    "diploma_batch": _batches,
    "risk_analysis": _analyses,
    "risk_finding": _in_analysis(Finding),
    "risk_recommendation": _in_analysis(Recommendation),
}


def value_words(locale: str) -> dict[str, str]:
    """The risk indicators' names by their codes (a computation's lights, a finding's indicator)."""
    return {indicator.code: indicator.name(locale) for indicator in INDICATORS}
