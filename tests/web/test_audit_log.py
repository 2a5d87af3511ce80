"""The audit log reads as words (actions, named subjects, a small table of data) with the raw form
one click away, and it follows the reader's rights: a reader who may not see pupils' identities
(the observer, the chair) gets no pupil's name, IIN or free text about a pupil through it, in
words or in the raw form."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser
from typing import Any

import pytest
from flask.testing import FlaskClient

from integrity.accounts.domain import Role
from integrity.audit.domain import Actor
from integrity.audit.services import record_event
from tests import factories as f
from tests.conftest import Users, login

SECRET_NOTE = "Сәрсенова Әлихан телефонмен ұсталды"  # free text naming the pupil


class Visible(HTMLParser):
    """A page's text as shown before any click: without closed <details> bodies."""

    def __init__(self) -> None:
        super().__init__()
        self.depth, self.in_summary, self.parts = 0, False, []  # type: ignore[var-annotated]

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag == "details":
            self.depth += 1
        self.in_summary = self.in_summary or tag == "summary"

    def handle_endtag(self, tag: str) -> None:
        if tag == "details":
            self.depth -= 1
        if tag == "summary":
            self.in_summary = False

    def handle_data(self, data: str) -> None:
        if self.depth == 0 or self.in_summary:
            self.parts.append(data)


def visible(html: str) -> str:
    parser = Visible()
    parser.feed(html)
    return " ".join(parser.parts)


@pytest.fixture
def world(session: Any) -> dict[str, Any]:
    """Four pupils entered in a round, and events naming them: their registration (subject
    ``participant:N``), a status change with a reason naming the pupil, an appeal whose text names
    the pupil beside the work's cipher."""
    world = f.registered_round(session)
    entry = world["entries"][1]
    record_event(session, actor=f.ACTOR, action="registry.set_entry_status",
                 subject=f"entry:{entry.id}",
                 data={"before": "registered", "after": "disqualified", "reason": SECRET_NOTE,
                       "evidence_url": None})  # fmt: skip
    record_event(session, actor=Actor(None, "participant"), action="appeals.filed",
                 subject="appeal:1", data={"cipher": "7KQ2M", "filed_as": "participant",
                                           "reason": SECRET_NOTE, "commission": []})  # fmt: skip
    session.commit()
    world["names"] = [e.participant.full_name for e in world["entries"]]
    world["iins"] = [e.participant.iin for e in world["entries"]]
    return world


def test_the_log_shows_actions_in_words_and_subjects_as_named_links_with_the_raw_form_folded(
    client: FlaskClient, users: Users, world: dict[str, Any], session: Any
) -> None:
    record_event(session, actor=f.ACTOR, action="protocols.published", subject="protocol:99",
                 data={"appeals_until": "2026-12-01T10:00:00+00:00"})  # fmt: skip
    record_event(session, actor=f.ACTOR, action="risk.indicators_computed",
                 subject="risk_analysis:99", data={"lights": {"protocols_late": "red"},
                                                   "proposed": ["protocols_late"]})  # fmt: skip
    session.commit()
    login(client, users.make(Role.ADMIN, locale="ru"))
    html = client.get("/audit/").get_data(as_text=True)
    shown = visible(html)
    assert "Участник зарегистрирован" in shown and "Учётная запись создана" in shown
    assert not re.search(r"\b(registry|accounts|vault|appeals)\.[a-z_]+\b", shown), shown
    assert not re.search(r"\b(participant|entry|event|round|user):\d+", shown)
    # Subjects are named and link to their page.
    pupil = world["entries"][0].participant
    assert f'href="/registry/participants/{pupil.id}">{pupil.full_name}</a>' in html
    round_ = world["round"]
    assert f'href="/registry/rounds/{round_.id}"' in html
    # The raw form is one click away, whole.
    assert '<details class="audit-raw">' in html
    assert '"action": "registry.add_participant"' in unescape(html)
    assert f'"subject": "participant:{pupil.id}"' in unescape(html)
    # Data as a small table of translated keys and values: "disqualified" in words.
    assert "Причина" in shown and SECRET_NOTE in shown
    assert "дисквалифицирован" in shown and '"after": "disqualified"' in unescape(html)
    # Times in the centre's zone: the event's own (|when) and one in its data.
    assert "время Алматы (UTC+5)" in shown
    # Another area's codes in the data (a risk indicator's) are said in words too.
    assert "Протоколы, опубликованные с опозданием" in shown and "protocols_late" not in shown
    assert "Апелляции до 2026-12-01 15:00 (время Алматы (UTC+5))" in " ".join(shown.split())


@pytest.mark.parametrize(("role", "sees"), [(Role.ADMIN, True), (Role.DIRECTOR, True),
                                            (Role.CHAIR, False), (Role.OBSERVER, False)])  # fmt: skip
def test_each_reader_of_the_log_gets_pupils_names_only_with_the_right_to_see_them(
    client: FlaskClient, users: Users, world: dict[str, Any], role: Role, sees: bool
) -> None:
    login(client, users.make(role))
    html = "".join(
        unescape(client.get("/audit/", query_string={"action": a}).get_data(as_text=True))
        for a in ("", "registry.", "appeals.filed")
    )
    for name in world["names"]:
        assert (name in html) is sees, (role, name)
    assert (SECRET_NOTE in html) is sees, role  # neither in words nor in the raw form
    assert not set(world["iins"]) & set(re.findall(r"\d{12}", html))  # nobody gets an IIN
    if not sees:
        assert "Қатысушы" in html  # the kind of subject, without the name
        assert '"reason": "…"' in html  # the raw form says a value is hidden


def test_the_filter_offers_areas_and_actions_by_name(
    client: FlaskClient, users: Users, world: dict[str, Any]
) -> None:
    login(client, users.make(Role.OBSERVER, locale="ru"))
    html = client.get("/audit/", query_string={"action": "registry."}).get_data(as_text=True)
    assert '<select id="action" name="action">' in html
    assert '<option value="registry." selected>' in html
    assert '<option value="appeals.filed">Апелляция подана</option>' in html
    assert "Action starts with" not in html and 'placeholder="registry."' not in html
    rows = re.findall(r'<tr id="event-\d+" data-action="([a-z_.]+)"', html)
    assert rows and all(a.startswith("registry.") for a in rows)


def test_every_page_the_log_links_a_subject_to_exists(app: Any) -> None:
    """A namer's endpoint that does not exist would make the log's page fail to build its link."""
    from pathlib import Path

    import integrity.audit_names as names

    source = Path(names.__file__).read_text(encoding="utf-8")
    endpoints = set(re.findall(r'"([a-z_]+\.[a-z_]+)"', source))
    assert {"registry.participant", "registry.round_", "jury.round_draw"} <= endpoints
    assert not sorted(endpoints - set(app.view_functions))
