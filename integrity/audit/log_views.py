"""The audit log as a person reads it: each event's action in words, its actor and subject as named
links (to the pages the reader may open), its data as a small table of translated keys and values,
and its raw form for auditors. The words follow the reader's rights: whoever may not open a
pupil's page gets no pupil's name, nor free text about a pupil, in words or in the raw form."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask import current_app, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from integrity.accounts.labels import ROLES
from integrity.audit import labels
from integrity.audit.domain import format_time
from integrity.audit.domain.reading import (
    LINKED_KEYS,
    PERSONAL_KINDS,
    Named,
    hidden_keys,
    ids_of,
    parse_subject,
    raw_text,
    redacted,
)
from integrity.audit.models import AuditEvent
from integrity.audit.wiring import subject_namers_of, value_words_of
from integrity.db import AnySession
from integrity.settings import settings_of
from integrity.web.access import access_of
from integrity.web.times import local_text, zone_label

# The page whose access decides whether a reader may see pupils' identities.
IDENTITIES = "registry.participant"


@dataclass(frozen=True)
class Shown:
    text: str
    url: str | None = None


@dataclass(frozen=True)
class Line:
    event: AuditEvent
    area: str
    action: str
    actor: Shown
    subject: Shown
    data: list[tuple[str, list[Shown]]]
    raw: str
    hidden: bool  # some values are hidden from this reader


def sees_identities(user: Any) -> bool:
    access = access_of(current_app, IDENTITIES)
    return access is not None and access.allows(user)


class _Names:
    """The records a page of events names, looked up once per kind."""

    def __init__(self, session: AnySession, wanted: Mapping[str, set[int]], user: Any) -> None:
        namers, locale = subject_namers_of(current_app), str(get_locale() or "kk")
        self.user, self.identities = user, sees_identities(user)
        self.words = value_words_of(current_app, locale)
        self.found: dict[str, Mapping[int, Named]] = {
            kind: namers[kind](session, sorted(ids), locale)
            for kind, ids in wanted.items() if kind in namers and ids
        }  # fmt: skip

    def shown(self, kind: str, id_: int) -> Shown:
        word = str(labels.KINDS.get(kind, kind))
        if kind in PERSONAL_KINDS and not self.identities:
            return Shown(word)
        named = self.found.get(kind, {}).get(id_)
        if named is None:
            return Shown(_("%(kind)s no. %(id)d", kind=word, id=id_))
        access = access_of(current_app, named.endpoint) if named.endpoint else None
        if access is None or not access.allows(self.user):
            return Shown(named.text)
        return Shown(named.text, url_for(named.endpoint, **named.values))  # type: ignore[arg-type]


def _data(event: AuditEvent) -> dict[str, Any]:
    try:
        found = json.loads(event.data)
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def _wanted(events: Iterable[AuditEvent], identities: bool) -> dict[str, set[int]]:
    wanted: dict[str, set[int]] = defaultdict(set)
    for event in events:
        kind, id_ = parse_subject(event.subject)
        if id_ is not None:
            wanted[kind].add(id_)
        if event.actor_id is not None:
            wanted["user"].add(event.actor_id)
        for key, value in _data(event).items():
            if key in LINKED_KEYS:
                wanted[LINKED_KEYS[key]].update(ids_of(value))
    if not identities:
        for kind in PERSONAL_KINDS:
            wanted.pop(kind, None)
    return wanted


def _points(units: Any) -> str:
    whole, half = divmod(units, 2)  # units are half points
    return f"{whole}" if half == 0 else f"{whole}.5"


def _moment(text: str) -> str | None:
    """A stored moment (ISO 8601 with its offset) in the centre's time, with the zone's label."""
    if len(text) < 19 or text[10:11] != "T":
        return None
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    zone = settings_of(current_app).zone
    return f"{local_text(zone, moment)} ({zone_label(zone, moment)})"


def _value_words(key: str, value: Any, words: Mapping[str, str]) -> list[Shown]:
    if value is None or value == "" or value == [] or value == {}:
        return [Shown("—")]
    if isinstance(value, bool):
        return [Shown(_("yes") if value else _("no"))]
    if isinstance(value, list):
        return [shown for item in value for shown in _value_words(key, item, words)]
    if isinstance(value, dict):
        return [Shown(f"{words.get(k, k)}: {', '.join(s.text for s in _value_words(key, v, words))}")
                for k, v in value.items()]  # fmt: skip
    if isinstance(value, int) and key in labels.POINTS_KEYS:
        return [Shown(_points(value))]
    text = str(value)
    if key in ("roles", "before", "after") and text in {r.value for r in ROLES}:
        return [Shown(str(ROLES[next(r for r in ROLES if r.value == text)]))]
    if key == "fields" and text in labels.KEYS:  # the names of the fields a change touched
        return [Shown(str(labels.KEYS[text]))]
    if text in labels.VALUES:
        return [Shown(str(labels.VALUES[text]))]
    if text in words:
        return [Shown(words[text])]
    moment = _moment(text)
    if moment is not None:
        return [Shown(moment)]
    examined = re.fullmatch(r"examined_(\d+)_(kk|ru)", text)  # an analysis's notes, by direction
    if examined:
        language = _("Kazakh") if examined[2] == "kk" else _("Russian")
        return [Shown(_("what was examined, direction %(n)s (%(language)s)", n=examined[1],
                        language=language))]  # fmt: skip
    if len(text) == 64 and all(c in "0123456789abcdef" for c in text):
        return [Shown(f"{text[:16]}…")]  # a hash; whole in the raw form
    return [Shown(text)]


def _table(
    data: Mapping[str, Any], hidden: frozenset[str], names: _Names
) -> list[tuple[str, list[Shown]]]:
    rows = []
    # The data is stored with its keys sorted; "before" and "from" read better first.
    for key, value in sorted(data.items(), key=lambda kv: kv[0] not in ("before", "from")):
        label = str(labels.KEYS.get(key, key))
        if key in hidden:
            rows.append((label, [Shown(_("hidden"))]))
        elif key in LINKED_KEYS and ids_of(value):
            rows.append((label, [names.shown(LINKED_KEYS[key], i) for i in ids_of(value)]))
        else:
            rows.append((label, _value_words(key, value, names.words)))
    return rows


def _actor(event: AuditEvent, names: _Names) -> Shown:
    if event.actor_id is not None:
        return names.shown("user", event.actor_id)
    word = labels.ACTORS.get(event.actor.split(":", 1)[0])
    return Shown(str(word) if word is not None else event.actor)


def _subject(event: AuditEvent, names: _Names) -> Shown:
    kind, id_ = parse_subject(event.subject)
    return names.shown(kind, id_) if id_ is not None else Shown(event.subject)


def lines(session: AnySession, events: Sequence[AuditEvent], user: Any) -> list[Line]:
    """The events as this reader may read them."""
    identities = sees_identities(user)
    names = _Names(session, _wanted(events, identities), user)
    found = []
    for event in events:
        data = _data(event)
        hidden = hidden_keys(event.action, identities) & data.keys()
        raw = raw_text(seq=event.seq, at=format_time(event.at), actor_id=event.actor_id,
                       actor=event.actor, action=event.action, subject=event.subject,
                       data=redacted(data, hidden), prev_hash=event.prev_hash, hash=event.hash)  # fmt: skip
        area = labels.AREAS.get(event.action.split(".", 1)[0])
        found.append(Line(event=event, area=str(area) if area is not None else "",
                          action=labels.action_label(event.action), actor=_actor(event, names),
                          subject=_subject(event, names), data=_table(data, hidden, names),
                          raw=raw, hidden=bool(hidden)))  # fmt: skip
    return found
